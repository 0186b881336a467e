"""Reading the store: canonical events, entities and their evidence, as plain dicts.

Every function returns JSON-ready dicts in the contract's event shape plus ``sources``, so
the CLI, the exports and the web UI all show the same thing. Filters are SQL on indexed
columns; full-text search is FTS5 on SQLite and ``to_tsvector`` on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, String, func, or_, select, text

from khabar.errors import KhabarError
from khabar.nlp.text import norm_name
from khabar.store.schema import (
    aliases,
    canonical_events,
    documents,
    entities,
    event_reviews,
    events,
    evidence,
    mentions,
    participants,
    relations,
    sources,
)

__all__ = ["list_events", "count_events", "count_events_upto", "COUNT_CAP", "count_by", "map_points", "day_counts", "SORTS", "REVIEW_FILTERS",
           "get_event", "get_entity", "find_entities", "entities_by_id",
           "relations_among"]


def _fts_terms(query: str) -> str:
    """An FTS5 query with every word quoted: article text never reaches FTS5's own syntax."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in query.split())


def find_entities(conn: Connection, name: str) -> list[str]:
    """Entity ids whose name or alias matches ``name`` (exact normalised form first, then prefix)."""
    norm = norm_name(name)
    live = select(entities.c.id).where(entities.c.merged_into.is_(None))
    exact = list(conn.execute(select(aliases.c.entity_id).where(aliases.c.norm == norm,
                                                                aliases.c.entity_id.in_(live)).distinct()).scalars())
    if exact:
        return exact
    like = norm.replace("%", r"\%").replace("_", r"\_") + "%"
    prefix = list(conn.execute(select(aliases.c.entity_id).where(aliases.c.norm.like(like, escape="\\"),
                                                                 aliases.c.entity_id.in_(live))
                               .distinct().limit(50)).scalars())
    if prefix or not norm.strip():
        return prefix
    # any word of any alias: FTS5 on SQLite, to_tsvector on PostgreSQL
    if conn.dialect.name == "sqlite":
        terms = _fts_terms(norm)
        q = text("SELECT entity_id FROM entities_fts WHERE entities_fts MATCH :q LIMIT 50").bindparams(q=terms)
        return list(dict.fromkeys(conn.execute(q).scalars()))
    q = select(aliases.c.entity_id).where(func.to_tsvector("simple", aliases.c.alias)
                                          .op("@@")(func.plainto_tsquery("simple", norm))).distinct().limit(50)
    return list(conn.execute(q).scalars())


def _text_docs(conn: Connection, query: str) -> Any:
    """A subquery of the ids of documents matching ``query`` (every word, any order)."""
    if conn.dialect.name == "sqlite":
        terms = _fts_terms(query)
        # the id from the rowid (schema.fts_rowid): reading the doc_id column would load every match's row
        fts = text("SELECT printf('d%016x', rowid) AS doc_id FROM documents_fts "
                   "WHERE documents_fts MATCH :q").bindparams(q=terms)
        return select(fts.columns(doc_id=String).subquery().c.doc_id)
    return (select(documents.c.id).where(
        func.to_tsvector("simple", func.coalesce(documents.c.title, "") + " " + documents.c.text)
        .op("@@")(func.plainto_tsquery("simple", query))))


# A full-text search matching more documents than this lists its events by walking the sort
# index and checking each event's reports (EXISTS), instead of first collecting every matching
# event: a common word ("convoy": 109k documents, 370k reports at a million events) took
# seconds that way, the walk takes milliseconds (docs/store.md).
DENSE_DOCS = 5_000
COUNT_CAP = 10_000  # such a search is counted up to here ("more than 10,000 events")


def _dense(conn: Connection, query: str) -> bool:
    """Whether ``query`` matches more than ``DENSE_DOCS`` documents (SQLite; counted no further)."""
    if conn.dialect.name != "sqlite":
        return False
    terms = _fts_terms(query)
    n = conn.execute(text("SELECT count(*) FROM (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q "
                          "LIMIT :n)").bindparams(q=terms, n=DENSE_DOCS + 1)).scalar_one()
    return n > DENSE_DOCS


REVIEW_FILTERS = ("confirmed", "rejected", "unreviewed", "edited")
SORTS = {"date": "date_lo", "fatalities": "fatalities_min", "injuries": "injuries_min", "sources": "n_sources",
         "type": "type", "country": "country", "location": "location_name", "updated": "updated_at"}


def _filtered(conn: Connection, *, type: str | None = None, country: str | None = None,
              actor: str | None = None, since: str | None = None, until: str | None = None,
              text_query: str | None = None, status: str | None = None, review: str | None = None,
              exclude_rejected: bool = False, columns: list[Any] | None = None, walk: bool = False) -> Any:
    """The canonical events matching every filter given (``columns``: what to select).

    ``walk`` (the caller's ``_walks``): a search's events are tested one by one as the query
    walks its index, fast when it stops early (a page, a capped count); otherwise they are
    collected first, which is cheaper when every match is read anyway (a count, the timeline)."""
    c = canonical_events.c
    q = select(*(columns or [canonical_events]))
    judged = select(event_reviews.c.canonical_id).where(event_reviews.c.state.is_not(None))
    if review in ("confirmed", "rejected"):
        q = q.where(c.id.in_(select(event_reviews.c.canonical_id).where(event_reviews.c.state == review)))
    elif review == "unreviewed":
        q = q.where(c.id.not_in(judged))
    elif review == "edited":
        q = q.where(c.id.in_(select(event_reviews.c.canonical_id).where(event_reviews.c.overrides != "{}")))
    elif review:
        raise KhabarError.make("E522", value=review, field="review", why="choose from " + ", ".join(REVIEW_FILTERS))
    if exclude_rejected:
        q = q.where(c.id.not_in(select(event_reviews.c.canonical_id).where(event_reviews.c.state == "rejected")))
    if type:
        q = q.where(or_(c.type == type, c.subtype == type))
    if country:
        q = q.where(c.country == country.upper())
    if status:
        q = q.where(c.status == status)
    # date_lo <= date_start <= date_hi whenever date_start is known, so the possible-day range
    # alone decides overlap, and an index on (date_hi, date_lo) answers it
    if since:
        q = q.where(c.date_hi >= since)
    if until:
        q = q.where(c.date_lo <= until)
    if actor:
        ids = find_entities(conn, actor)
        members = select(events.c.canonical_id).join(participants, participants.c.event_id == events.c.id) \
            .where(participants.c.entity_id.in_(ids))
        q = q.where(c.id.in_(members))
    if text_query and text_query.split():
        docs = _text_docs(conn, text_query)
        if walk:
            q = q.where(select(events.c.id).where(events.c.canonical_id == c.id, events.c.document_id.in_(docs))
                        .exists())
        else:
            q = q.where(c.id.in_(select(events.c.canonical_id).where(events.c.document_id.in_(docs))))
    return q


def count_events(conn: Connection, **filters: Any) -> int:
    q = _filtered(conn, **filters)
    return conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()


def count_events_upto(conn: Connection, cap: int, **filters: Any) -> tuple[int, bool]:
    """``(n, exact)``: how many events match, counted exactly unless a full-text search matches
    many documents; then counting stops after ``cap`` + 1 matches and ``(cap, False)`` means
    "more than ``cap``". Why: an exact count of a common word's events reads every one of them
    (seconds at a million events), and nobody pages through ten thousand results."""
    walk = _walks(conn, filters)
    return _count_upto(conn, _filtered(conn, columns=[canonical_events.c.id], walk=walk, **filters), cap,
                       bounded=walk)


def _walks(conn: Connection, filters: dict[str, Any]) -> bool:
    """Whether the filters hold a search for a common word (``_dense``): decided once per
    query, for both the plan (``_filtered(walk=...)``) and the count's cap."""
    query = filters.get("text_query")
    return bool(query and query.split() and _dense(conn, query))


def _count_upto(conn: Connection, q: Any, cap: int, *, bounded: bool) -> tuple[int, bool]:
    if not bounded:
        return conn.execute(select(func.count()).select_from(q.subquery())).scalar_one(), True
    n = conn.execute(select(func.count()).select_from(q.limit(cap + 1).subquery())).scalar_one()
    return min(n, cap), n <= cap


def list_events(conn: Connection, *, limit: int | None = None, offset: int = 0, sort: str = "date",
                descending: bool = True, **filters: Any) -> list[dict]:
    """Canonical events (newest first by default), each in the contract's shape plus ``sources``."""
    c = canonical_events.c
    if sort not in SORTS:
        raise KhabarError.make("E522", value=sort, field="sort", why="choose from " + ", ".join(SORTS))
    col = c[SORTS[sort]]
    order = (col.desc().nullslast(), c.id.desc()) if descending else (col.asc().nullslast(), c.id.asc())
    # Two steps: the page's ids from a covering index (no JSON read while sorting or skipping),
    # then those rows. On 100,000 events this turns ~400 ms into a few.
    ids_q = _filtered(conn, columns=[c.id], walk=_walks(conn, filters), **filters).order_by(*order).offset(offset)
    if limit is not None:
        ids_q = ids_q.limit(limit)
    ids = list(conn.execute(ids_q).scalars())
    rows: dict[str, dict] = {}
    for chunk in range(0, len(ids), 500):
        for r in conn.execute(select(canonical_events).where(c.id.in_(ids[chunk:chunk + 500]))).mappings():
            rows[r["id"]] = _canonical(r)
    return [rows[i] for i in ids if i in rows]


def count_by(conn: Connection, column: str, **filters: Any) -> list[tuple[Any, int]]:
    """How many matching events per value of a flat column (e.g. counts by type), largest first."""
    col = canonical_events.c[column]
    sub = _filtered(conn, columns=[col], **filters).subquery()
    q = select(sub.c[column], func.count()).group_by(sub.c[column]).order_by(func.count().desc(), sub.c[column])
    return [(k, n) for k, n in conn.execute(q).all()]


MAP_COLUMNS = ("id", "type", "lat", "lon", "fatalities_min", "fatalities_max", "date_start", "date_precision",
               "location_name", "country", "n_sources", "status")


def map_points(conn: Connection, *, limit: int = 5000, cap: int = COUNT_CAP,
               **filters: Any) -> tuple[list[dict[str, Any]], int, bool]:
    """Located events for the map, deadliest first, read from flat columns only (no JSON parsing).

    Returns ``(points, located, exact)``: at most ``limit`` points and how many located events
    matched, counted as ``count_events_upto`` counts (``exact`` False: more than ``cap``).
    """
    c = canonical_events.c
    walk = _walks(conn, filters)
    q = _filtered(conn, columns=[c[k] for k in MAP_COLUMNS], walk=walk, **filters) \
        .where(c.lat.is_not(None), c.lon.is_not(None))
    located, exact = _count_upto(conn, q.with_only_columns(c.id), cap, bounded=walk)
    q = q.order_by(c.fatalities_min.desc().nullslast(), c.id).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()], located, exact


def day_counts(conn: Connection, **filters: Any) -> list[tuple[str | None, str, str, int]]:
    """``(date_start, date_precision, type, n)`` for the matching events: what a timeline bins by week."""
    c = canonical_events.c
    sub = _filtered(conn, columns=[c.date_start, c.date_precision, c.type], **filters).subquery()
    q = select(sub.c.date_start, sub.c.date_precision, sub.c.type, func.count()) \
        .group_by(sub.c.date_start, sub.c.date_precision, sub.c.type)
    return [tuple(r) for r in conn.execute(q).all()]


def _canonical(row: Any) -> dict[str, Any]:
    data = json.loads(row["data"])
    data["id"] = row["id"]
    return data


def get_event(conn: Connection, event_id: str) -> dict[str, Any]:
    """One canonical event (by its id or any member report's id) with every source's evidence."""
    row = conn.execute(select(canonical_events).where(canonical_events.c.id == event_id)).mappings().first()
    if row is None:
        cid = conn.execute(select(events.c.canonical_id).where(events.c.id == event_id)).scalar()
        if cid is not None:
            row = conn.execute(select(canonical_events).where(canonical_events.c.id == cid)).mappings().first()
    if row is None:
        raise KhabarError.make("E503", id=event_id)
    data = _canonical(row)
    for src in data.get("sources", []):
        src["sentences"] = [dict(r) for r in conn.execute(
            select(evidence.c.start, evidence.c.end, evidence.c.text)
            .where(evidence.c.event_id == src["event"]).order_by(evidence.c.start)).mappings()]
    return data


def entities_by_id(conn: Connection, ids: set[str] | list[str]) -> dict[str, dict[str, Any]]:
    ids = sorted({i for i in ids if i})
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in conn.execute(select(entities).where(entities.c.id.in_(chunk))).mappings():
            out[r["id"]] = {"id": r["id"], "type": r["type"], "name": r["name"], "kind": r["kind"],
                            "country": r["country"], "kb_id": r["kb_id"], "qid": r["qid"],
                            "lat": r["lat"], "lon": r["lon"], "admin1": r["admin1"], "aliases": []}
        for eid, alias in conn.execute(select(aliases.c.entity_id, aliases.c.alias)
                                       .where(aliases.c.entity_id.in_(chunk))):
            if alias != out[eid]["name"]:
                out[eid]["aliases"].append(alias)
    return out


def relations_among(conn: Connection, ids: set[str]) -> list[dict[str, Any]]:
    ids = sorted(ids)
    rows = conn.execute(select(relations).where(relations.c.source_id.in_(ids),
                                                relations.c.target_id.in_(ids))).mappings()
    return [{"type": r["type"], "from": r["source_id"], "to": r["target_id"], "basis": r["basis"]} for r in rows]


def get_entity(conn: Connection, name: str, *, max_events: int = 200) -> dict[str, Any]:
    """An entity by id, name or alias: aliases, kind, affiliations, events, mention count."""
    row = conn.execute(select(entities).where(entities.c.id == name)).mappings().first()
    if row is None:
        ids = find_entities(conn, name)
        if not ids:
            raise KhabarError.make("E504", name=name)
        counts = dict(conn.execute(select(mentions.c.entity_id, func.count()).where(mentions.c.entity_id.in_(ids))
                                   .group_by(mentions.c.entity_id)).all())
        best = max(ids, key=lambda i: (counts.get(i, 0), i))
        row = conn.execute(select(entities).where(entities.c.id == best)).mappings().one()
    eid = row["id"]
    info = entities_by_id(conn, [eid])[eid]
    info["attributes"] = json.loads(row["attributes"] or "{}")
    info["mentions"] = conn.execute(select(func.count()).where(mentions.c.entity_id == eid)).scalar_one()
    info["documents"] = conn.execute(select(func.count(mentions.c.document_id.distinct()))
                                     .where(mentions.c.entity_id == eid)).scalar_one()
    rels = []
    for r in conn.execute(select(relations).where(or_(relations.c.source_id == eid,
                                                      relations.c.target_id == eid))).mappings():
        other = r["target_id"] if r["source_id"] == eid else r["source_id"]
        rels.append({"type": r["type"], "direction": "out" if r["source_id"] == eid else "in",
                     "entity": other, "basis": r["basis"]})
    names = entities_by_id(conn, {x["entity"] for x in rels})
    for x in rels:
        x["name"] = names.get(x["entity"], {}).get("name")
    info["relations"] = rels
    q = (select(canonical_events.c.id, canonical_events.c.type, canonical_events.c.date_start,
                canonical_events.c.location_name, canonical_events.c.fatalities_min,
                canonical_events.c.n_sources, participants.c.role)
         .join(events, events.c.canonical_id == canonical_events.c.id)
         .join(participants, participants.c.event_id == events.c.id)
         .where(participants.c.entity_id == eid)
         .order_by(canonical_events.c.date_lo.desc().nullslast()).limit(max_events * 4))
    seen: dict[str, dict[str, Any]] = {}
    for r in conn.execute(q).mappings():
        item = seen.setdefault(r["id"], {"id": r["id"], "type": r["type"], "date": r["date_start"],
                                         "location": r["location_name"], "fatalities_min": r["fatalities_min"],
                                         "sources": r["n_sources"], "roles": []})
        if r["role"] not in item["roles"]:
            item["roles"].append(r["role"])
    info["events"] = list(seen.values())[:max_events]
    src = select(sources.c.name).join(documents, documents.c.source_id == sources.c.id) \
        .join(mentions, mentions.c.document_id == documents.c.id).where(mentions.c.entity_id == eid).distinct()
    info["reported_by"] = sorted(conn.execute(src).scalars())
    return info
