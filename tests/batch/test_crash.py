"""Crash safety and resume: ``khabar ingest`` killed with SIGKILL at random points, then resumed.

Each trial starts the real command line in a subprocess on the same store (a resume of the
previous, killed run), kills its whole process group with SIGKILL at a seeded random moment
(while it starts, or a few milliseconds after its n-th article was committed: often in the
middle of the next article's transaction), and checks the store: ``PRAGMA integrity_check``,
no foreign-key violation, no article stored twice, and every stored article complete (the
same mentions, events, evidence and canonical assignment as in an uninterrupted run). A last
uninterrupted run must leave exactly the store one uninterrupted run gives.

Twenty trials use ``tests.batch.standin``'s fast stand-in for ``extract()``: they test the
ingest machinery (ledger, writer, transactions, resolution), and the stand-in keeps a trial
to one process start. Three more trials use the real extractor.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from khabar.batch import local
from khabar.store import Store
from tests.batch.standin import fast_extract_many
from tests.conftest import CORPUS, ROOT

COMPARED = ("sources", "documents", "entities", "aliases", "mentions", "events", "participants",
            "evidence", "canonical_events", "relations")
VOLATILE = {"ingested_at", "run_id", "created_at", "updated_at"}
SERIAL = {"participants", "evidence"}  # their integer ids are not part of what is compared
GROUPS = ["Harsk", "Varna", "Selmar", "Ostra", "Dorvik"]
TOWNS = ["Qaroz", "Telmin", "Bruma", "Kelso", "Pelm", "Zurak"]


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03}.txt").write_text(
            f"Fighters of the {GROUPS[i % 5]} Brigade attacked a police post in the town of "
            f"{TOWNS[i % 6]} on Sunday, killing {i + 1} officers, officials said. Report {i}.\n")


def command(folder: Path, db: Path, *, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "tests.batch.standin", "ingest", str(folder), "--db", str(db),
            "--no-embeddings", "--quiet", "--format", "json", "--published-default", "2024-04-10",
            "--workers", str(workers)]


def env(*, fast: bool) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_TEST_")}
    if fast:
        out["KHABAR_TEST_EXTRACT"] = "fast"
    return out


def stored(db: Path, conn: sqlite3.Connection | None = None) -> int:
    if conn is None and not db.exists():
        return 0
    try:
        if conn is not None:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        with sqlite3.connect(db, timeout=5) as fresh:
            return fresh.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def kill_at_random(folder: Path, db: Path, rng: random.Random, *, fast: bool, workers: int = 1,
                   at_start: float = 0.2) -> str:
    """Start an ingest and SIGKILL its process group at a random point (during start-up with
    probability ``at_start``); says where it was."""
    before = stored(db)
    proc = subprocess.Popen(command(folder, db, workers=workers), cwd=ROOT, env=env(fast=fast),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        if rng.random() < at_start:  # anywhere while it starts: imports, migrations, the run row
            time.sleep(rng.uniform(0.1, 2.5))
            where = "start"
        else:  # just after its n-th new article was committed, often inside the next one
            target = before + rng.randint(1, 4)
            while not db.exists() and proc.poll() is None:
                time.sleep(0.01)
            with sqlite3.connect(db, timeout=5) as poll:
                while stored(db, poll) < target and proc.poll() is None:
                    time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.03))
            where = f"after {target - before} articles"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            where += ", killed"
        proc.wait(timeout=60)
        proc.stderr.close()
    return where


def snapshot(db: Path) -> dict[str, Counter]:
    """Each compared table's rows (volatile and serial columns left out), as a multiset."""
    out = {}
    with sqlite3.connect(db) as conn:
        for table in COMPARED:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                    if r[1] not in VOLATILE and not (table in SERIAL and r[1] == "id")]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = Counter(conn.execute(f"SELECT {quoted} FROM {table}").fetchall())
    return out


def per_document(db: Path) -> dict[str, tuple[int, ...]]:
    """For each stored document: its mentions, events, evidence rows, participants."""
    with sqlite3.connect(db) as conn:
        return {doc: counts for doc, *counts in conn.execute(
            "SELECT d.id, (SELECT COUNT(*) FROM mentions m WHERE m.document_id = d.id),"
            " (SELECT COUNT(*) FROM events e WHERE e.document_id = d.id),"
            " (SELECT COUNT(*) FROM evidence v WHERE v.document_id = d.id),"
            " (SELECT COUNT(*) FROM participants p JOIN events e ON p.event_id = e.id WHERE e.document_id = d.id)"
            " FROM documents d")}


def check_consistent(db: Path, reference: dict[str, tuple[int, ...]], where: str) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], where
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], where
        docs, hashes = conn.execute("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM documents").fetchone()
        assert docs == hashes, where
        assert conn.execute("SELECT COUNT(*) FROM documents_fts").fetchone()[0] == docs, where
        assert conn.execute("SELECT COUNT(*) FROM events WHERE canonical_id IS NULL").fetchone()[0] == 0, where
        assert conn.execute("SELECT COUNT(*) FROM canonical_events c WHERE n_events !="
                            " (SELECT COUNT(*) FROM events e WHERE e.canonical_id = c.id)").fetchone()[0] == 0, where
    for doc, counts in per_document(db).items():  # no partial article
        assert counts == reference[doc], (where, doc)


def reference_store(folder: Path, db: Path, monkeypatch: pytest.MonkeyPatch | None) -> Path:
    """One uninterrupted run, in this process (with the stand-in when ``monkeypatch`` is given)."""
    if monkeypatch is not None:
        monkeypatch.setattr(local, "extract_many", fast_extract_many)
    store = Store.open(str(db))
    summary = local.ingest([str(folder)], store, embeddings=False, published_default="2024-04-10")
    store.close()
    assert summary.failed == 0
    return db


def finish(folder: Path, db: Path, *, fast: bool) -> dict:
    done = subprocess.run(command(folder, db), cwd=ROOT, env=env(fast=fast), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_sigkill_at_random_points_then_resume_stores_each_article_once(tmp_path, monkeypatch):
    """Machinery test (fast stand-in for extract(), see tests/batch/standin.py): 20 kills."""
    folder, db = tmp_path / "articles", tmp_path / "killed.db"
    n = 150
    write_articles(folder, n)
    reference = reference_store(folder, tmp_path / "reference.db", monkeypatch)
    expected = per_document(reference)
    assert len(expected) == n and all(c[1] == 1 for c in expected.values())
    rng = random.Random(20240410)
    trail = []
    for trial in range(20):
        where = kill_at_random(folder, db, rng, fast=True, workers=2 if trial % 5 == 4 else 1)
        trail.append(f"{trial}: {where}, {stored(db)} stored")
        check_consistent(db, expected, trail[-1])
    print("\n".join(trail))  # shown with -s or on failure: where each kill landed
    assert sum("killed" in t for t in trail) >= 15, trail  # the kills really interrupted runs
    summary = finish(folder, db, fast=True)
    assert summary["new"] + summary["unchanged"] == n and summary["failed"] == 0, summary
    assert snapshot(db) == snapshot(reference)


def test_sigkill_with_the_real_extractor_then_resume(tmp_path):
    """Three kills during real extraction (no stand-in), then a resume equal to one clean run."""
    folder, db = tmp_path / "articles", tmp_path / "killed.db"
    folder.mkdir()
    rows = [json.loads(line) for line in (CORPUS / "stream" / "articles.jsonl").read_text().splitlines() if line]
    for i, row in enumerate(rows[:6]):
        (folder / f"{i:02}.txt").write_text(row["text"])
    reference = reference_store(folder, tmp_path / "reference.db", None)
    expected = per_document(reference)
    rng = random.Random(7)
    trail = []
    for trial in range(3):
        where = kill_at_random(folder, db, rng, fast=False, at_start=0)
        trail.append(f"{trial}: {where}, {stored(db)} stored")
        check_consistent(db, expected, trail[-1])
    print("\n".join(trail))
    assert sum("killed" in t for t in trail) >= 2, trail
    summary = finish(folder, db, fast=False)
    assert summary["new"] + summary["unchanged"] == 6 and summary["failed"] == 0, summary
    assert snapshot(db) == snapshot(reference)
