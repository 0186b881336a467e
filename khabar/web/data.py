"""What each page shows, as plain JSON-ready dicts: the JSON twin of every HTML page.

Each ``*_page`` function takes a read connection and the parsed request and returns the
dict that ``/PAGE.json`` sends as it is and that ``PAGE.html`` renders, so the two can never
disagree. Heavy lists read flat columns (map points, day counts) instead of parsing every
event's JSON, which keeps a 100,000-event store interactive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, func, select

from khabar.errors import KhabarError
from khabar.model import EVENT_TYPES, STATUSES
from khabar.resolve.overrides import EDITABLE, current_value
from khabar.resolve.review import audit_log
from khabar.store.query import (
    COUNT_CAP,
    REVIEW_FILTERS,
    SORTS,
    count_by,
    count_events,
    count_events_upto,
    day_counts,
    entities_by_id,
    get_entity,
    get_event,
    list_events,
    map_points,
)
from khabar.store.schema import documents, entities, event_reviews, events, mentions, participants, sources
from khabar.web import charts

__all__ = ["Filters", "events_page", "map_page", "timeline_page", "event_page", "entity_page", "document_page",
           "review_page", "audit_page", "PAGE_SIZES"]

PAGE_SIZES = (25, 50, 100, 200)
_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Filters:
    """The event filters every list, map and timeline page shares (from the query string)."""

    type: str | None = None
    country: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    status: str | None = None
    review: str | None = None

    @classmethod
    def parse(cls, params: Any) -> Filters:
        def get(name: str) -> str | None:
            value = " ".join((params.get(name) or "").split())[:200]
            return value or None

        f = cls(**{name: get(name) for name in cls.__dataclass_fields__})
        for name in ("since", "until"):
            value = getattr(f, name)
            if value and not _DAY.match(value):
                raise KhabarError.make("E522", value=value, field=name, why="write YYYY-MM-DD")
        if f.country and not re.fullmatch(r"[A-Za-z]{2}", f.country):
            raise KhabarError.make("E522", value=f.country, field="country", why="an ISO alpha-2 code such as PK")
        if f.status and f.status not in STATUSES:
            raise KhabarError.make("E522", value=f.status, field="status", why="choose from " + ", ".join(STATUSES))
        if f.review and f.review not in REVIEW_FILTERS:
            raise KhabarError.make("E522", value=f.review, field="review",
                                   why="choose from " + ", ".join(REVIEW_FILTERS))
        return f

    def store_args(self) -> dict[str, Any]:
        return {"type": self.type, "country": self.country, "actor": self.actor, "since": self.since,
                "until": self.until, "text_query": self.q, "status": self.status, "review": self.review}

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    def query(self, **extra: Any) -> str:
        """The query string of these filters plus ``extra`` (for links that keep the filter)."""
        items = {**self.active(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return ("?" + urlencode(items)) if items else ""


def _row(e: dict[str, Any]) -> dict[str, Any]:
    """One line of the events table."""
    loc = e.get("location") or {}
    fat, inj = e.get("fatalities") or {}, e.get("injuries") or {}
    date = e.get("date") or {}
    actors = []
    for p in e.get("participants") or []:
        if p.get("role") in ("actor", "claimant") and p.get("name") not in actors:
            actors.append(p.get("name"))
    return {"id": e["id"], "type": e.get("type"), "subtype": e.get("subtype"), "date": date.get("start"),
            "date_precision": date.get("precision"), "location": loc.get("name"), "country": loc.get("country"),
            "fatalities": fat.get("text") if fat else None, "fatalities_min": fat.get("min"),
            "injuries": inj.get("text") if inj else None, "status": e.get("status"),
            "sources": e.get("n_sources", 1), "actors": actors[:4],
            "review": (e.get("review") or {}).get("state"), "edited": bool((e.get("review") or {}).get("edited"))}


def events_page(conn: Connection, f: Filters, *, sort: str = "date", order: str = "desc", page: int = 1,
                size: int = 50) -> dict[str, Any]:
    if sort not in SORTS:
        raise KhabarError.make("E522", value=sort, field="sort", why="choose from " + ", ".join(SORTS))
    if order not in ("asc", "desc"):
        raise KhabarError.make("E522", value=order, field="order", why="asc or desc")
    size = size if size in PAGE_SIZES else 50
    total, exact = count_events_upto(conn, COUNT_CAP, **f.store_args())
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = list_events(conn, limit=size, offset=(page - 1) * size, sort=sort, descending=order == "desc",
                       **f.store_args())
    # counting by type would read every match of a common word: only when the total is exact
    by_type = count_by(conn, "type", **f.store_args()) if exact else []
    return {"filters": f.active(), "sort": sort, "order": order, "page": page, "pages": pages, "size": size,
            "total": total, "total_exact": exact, "events": [_row(e) for e in rows],
            "counts_by_type": [{"type": t, "n": n} for t, n in by_type]}


def map_page(conn: Connection, f: Filters, *, limit: int = 5000) -> dict[str, Any]:
    points, located, located_exact = map_points(conn, limit=limit, cap=COUNT_CAP, **f.store_args())
    total, exact = count_events_upto(conn, COUNT_CAP, **f.store_args())
    return {"filters": f.active(), "total": total, "total_exact": exact, "located": located,
            "located_exact": located_exact, "shown": len(points),
            "points": [{"id": p["id"], "type": p["type"], "lat": p["lat"], "lon": p["lon"],
                        "fatalities_min": p["fatalities_min"], "date": p["date_start"],
                        "location": p["location_name"], "country": p["country"], "sources": p["n_sources"]}
                       for p in points]}


def _weekly(rows: list[tuple[str | None, str, str, int]]) -> dict[str, Any]:
    """Bin ``(date_start, precision, type, n)`` rows by week: a month-precise date counts in the week of
    the 1st and as ``imprecise``; a year-only or unknown date counts as ``undated`` (never guessed)."""
    binned, undated, imprecise = [], 0, 0
    for day, precision, kind, n in rows:
        if not day or precision not in ("day", "month"):
            undated += n
            continue
        if precision == "month":
            imprecise += n
            day = day[:7] + "-01"
        binned.append((day, kind, n))
    return charts.weekly_from_counts(binned, undated=undated, imprecise=imprecise)


def timeline_page(conn: Connection, f: Filters) -> dict[str, Any]:
    return {"filters": f.active(), **_weekly(day_counts(conn, **f.store_args()))}


def _attribution(conn: Connection, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Per source article: outlet, who in it says so (role ``source``), who claims, the status."""
    ids = [s["event"] for s in event.get("sources", [])]
    said: dict[str, dict[str, list[str]]] = {i: {"source": [], "claimant": []} for i in ids}
    for event_id, role, name in conn.execute(
            select(participants.c.event_id, participants.c.role, participants.c.name)
            .where(participants.c.event_id.in_(ids), participants.c.role.in_(("source", "claimant")))):
        if name not in said[event_id][role]:
            said[event_id][role].append(name)
    return [{"document": s.get("document"), "event": s["event"], "outlet": s.get("source"), "title": s.get("title"),
             "published": s.get("published"), "url": s.get("url"), "status": s.get("status"),
             "says": said[s["event"]]["source"], "claimants": said[s["event"]]["claimant"],
             "fatalities": (s.get("fatalities") or {}).get("text")} for s in event.get("sources", [])]


def event_page(conn: Connection, event_id: str) -> dict[str, Any]:
    event = get_event(conn, event_id)
    names = entities_by_id(conn, {p.get("entity") for p in event.get("participants", [])})
    for p in event.get("participants", []):
        info = names.get(p.get("entity") or "")
        p["entity_type"] = info["type"] if info else None
    return {"event": event, "attribution": _attribution(conn, event),
            "editable": {f: current_value(event, f) for f in EDITABLE},
            "choices": {"type": list(EVENT_TYPES), "status": list(STATUSES)},
            "audit": audit_log(conn, object_id=event["id"], limit=100)}


def document_texts(conn: Connection, ids: list[str]) -> dict[str, str]:
    return dict(conn.execute(select(documents.c.id, documents.c.text).where(documents.c.id.in_(ids))).all())


def _cooccurring(conn: Connection, entity_id: str, limit: int = 20) -> list[dict[str, Any]]:
    e1, e2 = events.alias("e1"), events.alias("e2")
    p1, p2 = participants.alias("p1"), participants.alias("p2")
    roles = ("actor", "target", "victim", "claimant")
    q = (select(p2.c.entity_id, func.count(e2.c.canonical_id.distinct()).label("n"))
         .select_from(p1.join(e1, e1.c.id == p1.c.event_id).join(e2, e2.c.canonical_id == e1.c.canonical_id)
                      .join(p2, p2.c.event_id == e2.c.id))
         .where(p1.c.entity_id == entity_id, p2.c.entity_id.is_not(None), p2.c.entity_id != entity_id,
                p2.c.role.in_(roles))
         .group_by(p2.c.entity_id).order_by(func.count(e2.c.canonical_id.distinct()).desc(), p2.c.entity_id)
         .limit(limit))
    rows = conn.execute(q).all()
    info = entities_by_id(conn, {r[0] for r in rows})
    return [{"entity": eid, "name": info.get(eid, {}).get("name"), "type": info.get(eid, {}).get("type"), "events": n}
            for eid, n in rows]


def entity_page(conn: Connection, name: str) -> dict[str, Any]:
    ent = get_entity(conn, name)
    merged_into = conn.execute(select(entities.c.merged_into).where(entities.c.id == ent["id"])).scalar()
    merged_from = [{"id": i, "name": n} for i, n in conn.execute(
        select(entities.c.id, entities.c.name).where(entities.c.merged_into == ent["id"]))]
    dated = [(e["date"], {10: "day", 7: "month"}.get(len(e["date"] or ""), "unknown"), e["type"], 1)
             for e in ent["events"]]
    return {"entity": ent, "merged_into": merged_into, "merged_from": merged_from,
            "cooccurring": _cooccurring(conn, ent["id"]), "timeline": _weekly(dated),
            "audit": audit_log(conn, object_id=ent["id"], limit=100)}


def document_page(conn: Connection, doc_id: str) -> dict[str, Any]:
    row = conn.execute(select(documents, sources.c.name.label("outlet"))
                       .outerjoin(sources, sources.c.id == documents.c.source_id)
                       .where(documents.c.id == doc_id)).mappings().first()
    if row is None:
        raise KhabarError.make("E506", id=doc_id)
    ms = conn.execute(select(mentions.c.start, mentions.c.end, mentions.c.text, mentions.c.entity_id,
                             entities.c.type, entities.c.name)
                      .join(entities, entities.c.id == mentions.c.entity_id)
                      .where(mentions.c.document_id == doc_id).order_by(mentions.c.start)).mappings().all()
    evs = []
    for r in conn.execute(select(events.c.id, events.c.canonical_id, events.c.type, events.c.data)
                          .where(events.c.document_id == doc_id).order_by(events.c.trigger_start)).mappings():
        data = json.loads(r["data"])
        evs.append({"id": r["id"], "canonical": r["canonical_id"], "type": r["type"],
                    "trigger": data.get("trigger"), "evidence": data.get("evidence") or [],
                    "fatalities": (data.get("fatalities") or {}).get("text")})
    meta = {k: row[k] for k in ("id", "title", "url", "published", "author", "language", "origin", "n_words",
                                "ingested_at", "outlet")}
    return {"document": meta, "text": row["text"],
            "mentions": [{"start": m["start"], "end": m["end"], "text": m["text"], "entity": m["entity_id"],
                          "type": m["type"], "name": m["name"]} for m in ms],
            "events": evs}


def review_page(conn: Connection, f: Filters, *, page: int = 1, size: int = 25) -> dict[str, Any]:
    """Events waiting for a judgement (most sources first: they matter most), and the latest changes."""
    args = f.store_args()
    args["review"] = args["review"] or "unreviewed"
    total = count_events(conn, **args)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = list_events(conn, limit=size, offset=(page - 1) * size, sort="sources", **args)
    states = dict(conn.execute(select(event_reviews.c.state, func.count()).group_by(event_reviews.c.state)).all())
    return {"filters": f.active(), "review": args["review"], "total": total, "page": page, "pages": pages,
            "events": [_row(e) for e in rows],
            "counts": {"confirmed": states.get("confirmed", 0), "rejected": states.get("rejected", 0)},
            "audit": audit_log(conn, limit=10)}


def audit_page(conn: Connection, *, page: int = 1, size: int = 100) -> dict[str, Any]:
    from khabar.store.schema import audit

    total = conn.execute(select(func.count()).select_from(audit)).scalar_one()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    return {"total": total, "page": page, "pages": pages,
            "entries": audit_log(conn, limit=size, offset=(page - 1) * size)}
