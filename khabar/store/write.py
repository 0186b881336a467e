"""Writing one analysed article into the store, all or nothing.

``write_article`` runs inside the caller's transaction: the document, its entities (resolved
to store ids), mentions, events with participants and evidence, relations, and finally the
events' canonical assignment. If anything fails the transaction rolls back and the store is
as it was; the batch records the error and goes on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select

from khabar.ingest.sources import domain_of
from khabar.model import Document, Report
from khabar.nlp.text import norm_name
from khabar.resolve.canonical import attach_events
from khabar.resolve.entities import resolve_entity
from khabar.resolve.events import date_range, family
from khabar.store.db import now
from khabar.store.schema import (
    documents,
    events,
    evidence,
    fts_rowid,
    mentions,
    participants,
    relations,
    sources,
)

__all__ = ["content_hash", "find_document", "write_article", "Written", "refresh_entity_fts"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Statements built once (the writer runs them for every article; see resolve.entities).
_INSERT = {t.name: t.insert() for t in (documents, mentions, events, participants, evidence, sources)}
_SOURCE = select(sources.c.id).where(sources.c.id == bindparam("sid"))


def _hid(prefix: str, *parts: object) -> str:
    return prefix + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:15]


def find_document(conn: Connection, digest: str) -> str | None:
    """The stored document with this ``content_hash`` (the idempotency ledger), if any."""
    return conn.execute(select(documents.c.id).where(documents.c.content_hash == digest)).scalar()


@dataclass
class Written:
    document: str
    events: int = 0
    entities_new: int = 0
    canonical: list[str] = field(default_factory=list)


def _source_id(conn: Connection, doc: Document) -> str | None:
    domain = domain_of(doc.url)
    name = doc.source or domain
    if not name:
        return None
    sid = _hid("s", norm_name(name))
    if conn.execute(_SOURCE, {"sid": sid}).first() is None:
        conn.execute(_INSERT["sources"], {"id": sid, "name": name[:300], "domain": domain})
    return sid


def _fts(conn: Connection, doc_id: str, doc: Document) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO documents_fts(rowid, doc_id, title, body) VALUES (?, ?, ?, ?)",
                             (fts_rowid(doc_id), doc_id, doc.title or "", doc.text))


def refresh_entity_fts(conn: Connection, entity_id: str) -> None:
    """Rewrite an entity's full-text row (every alias) after its aliases changed (SQLite only)."""
    if conn.dialect.name != "sqlite":
        return
    names = " ; ".join(conn.exec_driver_sql("SELECT alias FROM aliases WHERE entity_id = ?",
                                            (entity_id,)).scalars())
    rowid = fts_rowid(entity_id)  # by rowid: a look-up, where "WHERE entity_id = ?" read every row
    conn.exec_driver_sql("DELETE FROM entities_fts WHERE rowid = ?", (rowid,))
    conn.exec_driver_sql("INSERT INTO entities_fts(rowid, entity_id, names) VALUES (?, ?, ?)",
                         (rowid, entity_id, names))


def _map_ids(data: Any, ids: dict[str, str]) -> Any:
    """Replace the report's local entity ids ('e3') with store ids, everywhere in a dict."""
    if isinstance(data, dict):
        return {k: (ids.get(v, v) if k in ("entity", "residence") and isinstance(v, str) else _map_ids(v, ids))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_map_ids(v, ids) for v in data]
    return data


def write_article(conn: Connection, doc: Document, report: Report, *,
                  embeddings: dict[str, bytes | None] | None = None, run_id: str | None = None,
                  resolve: bool = True) -> Written:
    """Store one article and its report; the caller owns the transaction."""
    doc_id = report.document.id
    conn.execute(_INSERT["documents"], dict(
        id=doc_id, content_hash=content_hash(doc.text), title=doc.title, url=doc.url,
        published=doc.published, source_id=_source_id(conn, doc), author=doc.author,
        language=doc.language, origin=doc.origin, text=doc.text,
        n_words=report.meta.get("words"), ingested_at=now(), run_id=run_id))
    _fts(conn, doc_id, doc)
    out = Written(document=doc_id)
    ids: dict[str, str] = {}
    for ent in report.entities:
        gid, created, renamed = resolve_entity(conn, ent, document=doc_id)
        ids[ent.id] = gid
        out.entities_new += created
        rows = [{"id": _hid("m", doc_id, m.start, m.end, gid), "document_id": doc_id, "entity_id": gid,
                 "local_id": ent.id, "start": m.start, "end": m.end, "text": m.text}
                for m in sorted(set(ent.mentions))]
        if rows:
            conn.execute(_INSERT["mentions"], rows)
        if renamed:  # the full-text row lists every alias: refresh it only when one was added
            refresh_entity_fts(conn, gid)
    for rel in report.relations:
        a, b = ids.get(rel.source), ids.get(rel.target)
        if a and b and a != b and conn.execute(select(relations.c.basis).where(
                relations.c.source_id == a, relations.c.type == rel.type, relations.c.target_id == b)).first() is None:
            conn.execute(relations.insert().values(source_id=a, type=rel.type, target_id=b, basis=rel.basis,
                                                   document_id=doc_id))
    admin1 = {ent.id: ent.geo.admin1 for ent in report.entities if ent.geo is not None}
    new_events = []
    for ev in report.events:
        data = ev.to_dict()
        loc = data.get("location")
        if loc is not None and loc.get("entity") in admin1:
            loc["admin1"] = admin1[loc["entity"]]
        data = _map_ids(data, ids)
        eid = _hid("v", doc_id, ev.id, ev.trigger.start)
        lo, hi = date_range(data["date"], doc.published)
        loc = data.get("location") or {}
        fat, inj = data.get("fatalities") or {}, data.get("injuries") or {}
        conn.execute(_INSERT["events"], dict(
            id=eid, document_id=doc_id, local_id=ev.id, type=ev.type, subtype=ev.subtype,
            family=family(ev.type), date_start=data["date"]["start"], date_end=data["date"]["end"],
            date_precision=data["date"]["precision"], date_lo=lo, date_hi=hi,
            country=loc.get("country"), admin1=loc.get("admin1"), location_name=loc.get("name"), lat=loc.get("lat"), lon=loc.get("lon"),
            geo_precision=loc.get("precision"), fatalities_min=fat.get("min"), fatalities_max=fat.get("max"),
            injuries_min=inj.get("min"), injuries_max=inj.get("max"), status=ev.status,
            confidence=ev.confidence, trigger_start=ev.trigger.start, trigger_end=ev.trigger.end,
            trigger_text=ev.trigger.text, embedding=(embeddings or {}).get(ev.id),
            data=json.dumps(data, ensure_ascii=False, sort_keys=True)))
        prow = [{"event_id": eid, "role": p.role, "entity_id": ids.get(p.entity) if p.entity else None,
                 "name": p.name, "start": p.span.start if p.span else None,
                 "end": p.span.end if p.span else None} for p in ev.participants]
        if prow:
            conn.execute(_INSERT["participants"], prow)
        erow = [{"event_id": eid, "document_id": doc_id, "start": s.start, "end": s.end, "text": s.text}
                for s in ev.evidence]
        if erow:
            conn.execute(_INSERT["evidence"], erow)
        new_events.append(eid)
    out.events = len(new_events)
    if resolve:
        out.canonical = attach_events(conn, new_events)
    return out
