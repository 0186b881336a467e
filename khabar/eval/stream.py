"""Cross-article resolution on a gold news stream (``corpus/stream``): pairwise P/R/F1.

``clusters.json`` says which reports' main events are one incident (key, type, date). Two
reports are *linked* when one canonical event holds events from both, is of the incident's
family and dated (day precision) within a day of the incident — the canonical event an
analyst would see for it. Pairs of reports about the same incident should be linked
(recall); pairs about different incidents should not (precision).
"""

from __future__ import annotations

import json
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from khabar.resolve.events import family
from khabar.store.schema import canonical_events, documents, events

__all__ = ["score_stream"]


def _near(a: str | None, b: str) -> bool:
    if not a or len(a) < 10:
        return False
    return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b)).days) <= 1


def score_stream(conn: Connection, stream_dir: str | Path) -> dict[str, Any]:
    """Score the store's canonical events against the stream's gold grouping."""
    stream_dir = Path(stream_dir)
    gold = json.loads((stream_dir / "clusters.json").read_text())["incidents"]
    lines = [json.loads(x) for x in (stream_dir / "articles.jsonl").read_text().splitlines() if x.strip()]
    url_doc = dict(conn.execute(select(documents.c.url, documents.c.id)).all())
    doc_of = {i: url_doc.get(row.get("url")) for i, row in enumerate(lines)}
    incident_of = {r: inc for inc in gold for r in inc["reports"]}
    rows = conn.execute(select(canonical_events.c.id, canonical_events.c.family, canonical_events.c.date_start,
                               events.c.document_id)
                        .join(events, events.c.canonical_id == canonical_events.c.id)).all()
    members: dict[str, set[str]] = {}
    info: dict[str, tuple[str, str | None]] = {}
    for cid, fam, start, doc in rows:
        members.setdefault(cid, set()).add(doc)
        info[cid] = (fam, start)

    def linked(a: int, b: int, inc: dict[str, Any]) -> bool:
        da, db = doc_of[a], doc_of[b]
        return any(da in docs and db in docs and info[c][0] == family(inc["type"]) and _near(info[c][1], inc["date"])
                   for c, docs in members.items())

    tp = fn = fp = 0
    missed, wrong = [], []
    for a, b in combinations(sorted(incident_of), 2):
        ia, ib = incident_of[a], incident_of[b]
        if ia is ib:
            if linked(a, b, ia):
                tp += 1
            else:
                fn += 1
                missed.append((a, b, ia["key"]))
        elif (linked(a, b, ia) and b not in ia.get("mentioned_in", [])) or \
                (linked(a, b, ib) and a not in ib.get("mentioned_in", [])):
            fp += 1
            wrong.append((a, b, ia["key"], ib["key"]))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"pairs": tp + fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "missed": missed, "wrong": wrong}
