"""``khabar ingest --engine ray`` on a real local Ray cluster with 2 worker CPUs.

One cluster (``ray start --head --block`` in its own session, token authentication on, offline
settings) serves the module; every ingest runs the real CLI in a subprocess joining it with
``--address``, as a user would. Extraction is real (no stand-ins); embeddings are off except
in the PostgreSQL test, where the actors load the sentence model too.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from khabar.batch.shards import ShardDir, group_shards
from khabar.cli import main
from khabar.errors import KhabarError
from khabar.model import Document
from khabar.store import Store
from khabar.store.schema import metadata
from tests.conftest import CORPUS, PG_DEFAULT, _fresh_postgres

STREAM = CORPUS / "stream" / "articles.jsonl"
N_STREAM = 17
# Columns that say when or in which run a row was written: the only ones allowed to differ.
VOLATILE = {"ingested_at", "run_id", "created_at", "updated_at", "at"}
COMPARED = ("sources", "documents", "entities", "aliases", "mentions", "events", "participants",
            "evidence", "canonical_events", "relations")


def _ray_binary() -> Path:
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        msg = f"Ray is not installed ({exc}); `pip install -r requirements.lock` installs it"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return Path(sys.executable).with_name("ray")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """A 2-CPU Ray head on 127.0.0.1, started the documented offline way; stopped at the end."""
    ray = _ray_binary()
    temp = tempfile.mkdtemp(prefix="kray")  # short: Ray's socket paths must stay under 107 bytes
    port = _free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token",
           "RAY_AUTH_TOKEN": secrets.token_hex(32), "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0"}
    log = open(Path(temp) / "head.log", "w")  # noqa: SIM115 (closed at teardown)
    head = subprocess.Popen(
        [str(ray), "start", "--head", "--block", "--port", str(port), "--num-cpus", "2",
         "--include-dashboard=false", "--disable-usage-stats", "--object-store-memory", str(256 << 20),
         "--temp-dir", temp], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while "Ray runtime started" not in (Path(temp) / "head.log").read_text():
            if head.poll() is not None or time.monotonic() > deadline:
                pytest.fail("ray start --head did not come up:\n" + (Path(temp) / "head.log").read_text()[-3000:])
            time.sleep(0.5)
        yield {"address": f"127.0.0.1:{port}", "env": env}
    finally:
        head.terminate()  # `ray start --block` drains the node and stops what it started
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(head.pid, signal.SIGKILL)  # anything left in the session this fixture made
        except ProcessLookupError:
            pass
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The bundled 17-report stream plus bad inputs that must each become one recorded error."""
    bad = tmp_path_factory.mktemp("bad")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02\x03 not text \x00" * 20)
    (bad / "empty.txt").write_text("  \n\t \n")
    (bad / "rows.jsonl").write_text('{"text": "unterminated\n{"title": "no text column"}\n')
    return [str(STREAM), str(bad / "binary.txt"), str(bad / "empty.txt"), str(bad / "rows.jsonl")]


@pytest.fixture(scope="module")
def local_db(tmp_path_factory, inputs) -> str:
    """The reference: the same inputs through ``--engine local``."""
    db = str(tmp_path_factory.mktemp("local") / "local.db")
    assert main(["ingest", *inputs, "--db", db, "--no-embeddings", "--quiet", "--format", "json"]) == 0
    return db


def _khabar(args: list[str], cluster: dict, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "khabar.cli", *args], env=cluster["env"], text=True,
                          capture_output=True, timeout=600, **popen)


def _ray_ingest(inputs: list[str], db: str, shards: Path, cluster: dict, *, embeddings: bool = False,
                private: bool = False) -> dict:
    """The CLI joining the module's cluster, or (``private``) starting its own Ray for the run."""
    done = _khabar(["ingest", *inputs, "--db", db, "--engine", "ray",
                    *([] if private else ["--address", cluster["address"]]), "--workers", "2", "--shard-size", "2",
                    "--shards-dir", str(shards), "--quiet", "--format", "json",
                    *([] if embeddings else ["--no-embeddings"])], cluster)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _snapshot(db: str, *, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of the compared tables, minus when/which-run columns and serial ids."""
    store = Store.open(db)
    out = {}
    with store.read() as conn:
        for name in COMPARED:
            table = metadata.tables[name]
            cols = [c for c in table.columns if c.name not in VOLATILE | skip
                    and not (c.name == "id" and c.autoincrement is True)]
            rows = conn.execute(select(*cols)).all()
            out[name] = sorted(tuple(repr(v) for v in row) for row in rows)
    store.close()
    return out


def _errors(db: str) -> list[tuple[str, str]]:
    store = Store.open(db)
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT origin, code FROM errors").all()
    store.close()
    return sorted((Path(o.split(":row")[0]).name + (":row" + o.split(":row")[1] if ":row" in o else ""), c)
                  for o, c in rows)


def test_ray_builds_the_same_store_as_local_and_reruns_change_nothing(cluster, inputs, local_db, tmp_path):
    db, shards = str(tmp_path / "ray.db"), tmp_path / "shards"
    summary = _ray_ingest(inputs, db, shards, cluster)
    assert (summary["engine"], summary["workers"], summary["new"], summary["failed"]) == ("ray", 2, N_STREAM, 4)
    assert summary["shards"] >= 4 and summary["shards_reused"] == 0
    assert 1 <= summary["actors"] <= 2  # each actor loads the models once and analyses many shards
    assert _snapshot(db) == _snapshot(local_db)
    assert _errors(db) == _errors(local_db) == [
        ("binary.txt", "E102"), ("empty.txt", "E101"), ("rows.jsonl:row 1", "E107"), ("rows.jsonl:row 2", "E108")]
    assert list(shards.iterdir()) == [shards / ".lock"]  # stored shards are deleted

    again = _ray_ingest(inputs, db, shards, cluster)
    assert (again["new"], again["unchanged"], again["shards"], again["actors"]) == (0, N_STREAM, 0, 0)
    assert _snapshot(db) == _snapshot(local_db)


def _markers(shards: Path) -> list[Path]:
    """Completion markers; pathlib's glob also matches the dot-named temporary files."""
    return [p for p in shards.glob("*.done") if not p.name.startswith(".")]


def test_killed_driver_resumes_from_finished_shards_without_double_counting(cluster, inputs, local_db, tmp_path):
    """SIGKILL the driver once two shards are finished on disk; the next run loads those
    shards instead of analysing them again, and every document ends up stored exactly once."""
    db, shards = str(tmp_path / "ray.db"), tmp_path / "shards"
    args = ["ingest", *inputs, "--db", db, "--engine", "ray", "--address", cluster["address"], "--workers", "2",
            "--shard-size", "2", "--shards-dir", str(shards), "--no-embeddings", "--quiet"]
    driver = subprocess.Popen([sys.executable, "-m", "khabar.cli", *args], env=cluster["env"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 400
    while len(_markers(shards)) < 2:
        assert driver.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "no shard finished in time"
        time.sleep(0.02)
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=30)
    left = len(_markers(shards))
    store = Store.open(db)
    with store.read() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    store.close()
    assert left >= 1 and stored < N_STREAM

    resumed = _ray_ingest(inputs, db, shards, cluster)
    assert resumed["shards_reused"] == left
    assert (resumed["new"], resumed["unchanged"]) == (N_STREAM - stored, stored)
    assert _snapshot(db) == _snapshot(local_db)
    store = Store.open(db)
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        dupes = conn.exec_driver_sql("SELECT count(*) - count(DISTINCT content_hash) FROM documents").scalar_one()
    store.close()
    assert dupes == 0


def test_private_ray_into_postgresql_with_embeddings_matches_local(cluster, inputs, tmp_path):
    """Without --address the driver starts its own Ray (here beside the module's cluster, which
    it must not join). Results land in PostgreSQL through the one writer, and the actors load
    the sentence model too. Vectors could differ in the last bits between processes (thread
    counts), so they are compared by cosine, everything else exactly."""
    import numpy as np

    pg = os.environ.get("KHABAR_TEST_PG") or PG_DEFAULT
    _fresh_postgres(pg).close()
    summary = _ray_ingest(inputs[:2], pg, tmp_path / "shards", cluster, embeddings=True, private=True)
    local = str(tmp_path / "local.db")
    assert main(["ingest", *inputs[:2], "--db", local, "--quiet", "--format", "json"]) == 0
    assert (summary["new"], summary["failed"]) == (N_STREAM, 1)
    assert _snapshot(pg, skip=frozenset({"embedding"})) == _snapshot(local, skip=frozenset({"embedding"}))
    vectors = []
    for db in (pg, local):
        store = Store.open(db)
        with store.read() as conn:
            vectors.append(dict(conn.exec_driver_sql("SELECT id, embedding FROM events").all()))
        store.close()
    assert vectors[0].keys() == vectors[1].keys() and vectors[0]
    for key, blob in vectors[0].items():
        a, b = np.frombuffer(blob, dtype=np.float32), np.frombuffer(vectors[1][key], dtype=np.float32)
        assert float(a @ b) > 0.999


def test_actors_of_another_khabar_refuse_and_their_shards_are_recorded(cluster, tmp_path):
    """Stand-in for a node that runs another Khabar or KB: the driver (a script here) claims
    another configuration, so every actor refuses to start. The run still ends, each article
    of the lost shards is recorded as E532 with the actor's reason, and nothing is stored."""
    db = str(tmp_path / "k.db")
    script = (
        "import json, sys\n"
        "import khabar.batch.ray as kr\n"
        "from khabar.store import Store\n"
        "kr.config_hash = lambda: 'another-configuration'\n"
        f"s = kr.ingest([{str(STREAM)!r}], Store.open({db!r}), address={cluster['address']!r}, workers=2,\n"
        f"              shard_size=8, shards_dir={str(tmp_path / 'shards')!r}, embeddings=False)\n"
        "json.dump(s.to_dict(), sys.stdout)\n")
    done = subprocess.run([sys.executable, "-c", script], env=cluster["env"], text=True, capture_output=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.splitlines()[-1])  # Ray may print its own lines before
    assert (summary["new"], summary["failed"], summary["actors"]) == (0, N_STREAM, 0)
    assert {f["code"] for f in summary["failures"]} == {"E532"}
    assert "differs from the driver's" in summary["failures"][0]["message"]
    store = Store.open(db)
    assert store.status()["counts"]["documents"] == 0 and store.status()["counts"]["errors"] == N_STREAM
    store.close()


def test_ray_options_need_the_ray_engine(capsys):
    assert main(["ingest", str(STREAM), "--address", "auto"]) == 2
    assert "E230: --address works only with --engine ray" in capsys.readouterr().err


# -- shards, without Ray -------------------------------------------------------------------


def _doc(i: int) -> Document:
    return Document(id="", text=f"Report number {i}: a bomb went off.", origin=f"r{i}")


def test_shards_are_cut_by_content_so_stored_documents_shift_only_their_own_shard():
    docs = [_doc(i) for i in range(400)]
    shards = list(group_shards(docs, size=8, key="k"))
    assert [d for s in shards for d in s.docs] == docs
    assert all(2 <= len(s.docs) <= 32 for s in shards[:-1])
    # an interrupted run stored the first shards and part of the next: the rest keep their ids
    done = len(shards[0].docs) + len(shards[1].docs) + 1
    again = list(group_shards(docs[done:], size=8, key="k"))
    assert again[0].id not in {s.id for s in shards}
    assert {s.id for s in again[2:]} <= {s.id for s in shards[3:]} and len(again) >= len(shards) - 4
    assert not {s.id for s in group_shards(docs, size=8, key="other config")} & {s.id for s in shards}


def test_a_shard_is_ready_only_with_its_marker_and_intact_file(tmp_path):
    shards = ShardDir.open(tmp_path)
    doc = Document(id="", text="", origin="x")
    results = [(doc, None, {}, "E101: text is empty or holds only whitespace (x)")]  # as analyse() returns
    shards.write("s1", results)
    assert shards.ready("s1") and shards.finished() == ["s1"]
    assert [r[3] for r in shards.read("s1")] == [results[0][3]]
    with (tmp_path / "s1.parquet").open("ab") as f:
        f.write(b"torn")
    assert not shards.ready("s1")
    shards.claim("s1")
    assert shards.finished() == []
    with pytest.raises(KhabarError) as err:
        ShardDir.open(tmp_path)
    assert err.value.code == "E533" and "another ingest" in err.value.line()
    shards.close()
    ShardDir.open(tmp_path).close()  # the lock is released; the claimed file was swept
    assert not (tmp_path / "s1.parquet").exists()


def test_an_address_where_nothing_listens_fails_at_once(tmp_path, capsys):
    """Ray itself would retry for minutes; the driver checks the port first."""
    _ray_binary()
    port = _free_port()  # bound and released: nothing listens there now
    code = main(["ingest", str(STREAM), "--db", str(tmp_path / "k.db"), "--engine", "ray", "--address",
                 f"127.0.0.1:{port}", "--shards-dir", str(tmp_path / "shards"), "--quiet"])
    assert code == 2
    assert (f"E531: the Ray cluster '127.0.0.1:{port}' could not be started or joined: nothing answers there"
            in capsys.readouterr().err)
