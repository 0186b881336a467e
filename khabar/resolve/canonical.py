"""Incremental event resolution: each new report joins a canonical event or starts one.

Candidates come from the store by blocking (same family, overlapping date range, same or
unknown country), so the cost of a new report depends on how many incidents share its week
and family, not on the size of the store. A report joins the best-scoring candidate whose
members are all compatible with it (``resolve.events.score``); otherwise it founds a new
canonical event whose id derives from the report's id. After every change the canonical
event's fields are recomputed from its members (``reconcile``): members are few, so this is
cheap and the result never depends on the order of updates within a cluster.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from khabar.resolve.embed import from_bytes
from khabar.resolve.events import (
    DATE_SLACK_DAYS,
    FAR_KM,
    FINE_PRECISIONS,
    THRESHOLD,
    EventRef,
    date_range,
    family,
    fine_place,
    reconcile,
    score,
)
from khabar.resolve.overrides import apply_overrides
from khabar.store.db import now
from khabar.store.schema import canonical_events, documents, event_reviews, events, participants, sources

__all__ = ["attach_events", "load_ref", "rebuild_canonical"]

MAX_CANDIDATES = 200


# What scoring reads: flat columns only, so the hot path never parses the JSON ``data``.
_REF_COLUMNS = [events.c[name] for name in (
    "id", "document_id", "canonical_id", "type", "subtype", "date_precision", "date_lo", "date_hi", "country",
    "admin1", "lat", "lon", "geo_precision", "fatalities_min", "fatalities_max", "embedding", "trigger_text")]


def load_ref(conn: Connection, event_id: str) -> EventRef:
    row = conn.execute(select(*_REF_COLUMNS).where(events.c.id == event_id)).one()
    roles = conn.execute(select(participants.c.role, participants.c.entity_id)
                         .where(participants.c.event_id == event_id)).all()
    return _ref(row, roles)


def _ref(row: Any, roles: list[tuple[str, str | None]]) -> EventRef:
    fat = None if row.fatalities_min is None else (row.fatalities_min, row.fatalities_max)
    return EventRef(
        id=row.id, document=row.document_id, type=row.type, subtype=row.subtype,
        precision=row.date_precision, date_lo=row.date_lo, date_hi=row.date_hi,
        country=row.country, admin1=row.admin1, lat=row.lat, lon=row.lon,
        geo_precision=row.geo_precision or "unknown",
        actors=frozenset(e for r, e in roles if e and r in ("actor", "claimant")),
        targets=frozenset(e for r, e in roles if e and r in ("target", "victim")),
        fatalities=fat, embedding=from_bytes(row.embedding),
        lemma=(row.trigger_text or "").casefold() or None)


def _members(conn: Connection, canonical_ids: list[str]) -> dict[str, list[EventRef]]:
    if not canonical_ids:
        return {}
    rows = conn.execute(select(*_REF_COLUMNS).where(events.c.canonical_id.in_(canonical_ids))).all()
    ids = [r.id for r in rows]
    roles: dict[str, list[tuple[str, str | None]]] = {i: [] for i in ids}
    for event_id, role, entity_id in conn.execute(
            select(participants.c.event_id, participants.c.role, participants.c.entity_id)
            .where(participants.c.event_id.in_(ids))):
        roles[event_id].append((role, entity_id))
    out: dict[str, list[EventRef]] = {}
    for r in rows:
        out.setdefault(r.canonical_id, []).append(_ref(r, roles[r.id]))
    return out


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


SHORT_SPAN_DAYS = 62  # a canonical event's date range is a day, a month or a month before publication


def _january_firsts(lo: str, hi: str) -> list[str]:
    return [f"{y:04d}-01-01" for y in range(int(lo[:4]), int(hi[:4]) + 1)]


def _candidates(conn: Connection, ref: EventRef) -> list[str]:
    """Canonical events that may be ``ref``'s incident: same family, same or unknown country,
    date ranges overlapping within the slack; the latest ``MAX_CANDIDATES``.

    Why the start-day window: "starts before my end and ends after my start" alone makes the
    index scan every older event of the family, so each report cost more as the store grew.
    A canonical range is at most about two months long (a day, a month, or the month before
    publication) unless its precision is a year, and then it starts on 1 January: so its start
    lies within ``SHORT_SPAN_DAYS`` before ``ref``'s, or on a 1 January of those years. A range
    that members have stretched beyond two months otherwise is not found (it is rarely one
    incident)."""
    c = canonical_events.c
    by_country = [c.country == ref.country, c.country.is_(None)] if ref.country else [None]
    if ref.date_lo and ref.date_hi:
        lo, hi = _shift(ref.date_lo, -DATE_SLACK_DAYS), _shift(ref.date_hi, DATE_SLACK_DAYS)
        # two range searches of the index each (an OR of them would scan the whole country)
        windows = [[c.date_lo.between(_shift(lo, -SHORT_SPAN_DAYS), hi), c.date_hi >= lo],
                   [c.date_lo.in_(_january_firsts(_shift(lo, -366), hi)), c.date_hi >= lo]]
    else:
        windows = [[c.date_lo.is_(None)]]
    near = _within_reach(ref)
    found: dict[str, str | None] = {}
    for country in by_country:
        for window in windows:
            where = [c.family == ref.family, *([country] if country is not None else []), *window, *near]
            q = select(c.id, c.date_lo).where(and_(*where)).order_by(c.date_lo.desc(), c.id).limit(MAX_CANDIDATES)
            found.update((cid, day) for cid, day in conn.execute(q))
    ranked = sorted(sorted(found.items()), key=lambda kv: kv[1] or "", reverse=True)  # newest start, then id
    return [cid for cid, _ in ranked[:MAX_CANDIDATES]]


def _within_reach(ref: EventRef) -> list[Any]:
    """For a report placed finely: leave out canonical events placed finely more than
    ``FAR_KM`` away (a box a little larger than that circle). Lossless: a canonical event's
    place is one of its members' places, and ``score`` rules a report out of any cluster with a
    fine member that far. It matters where the store is dense: the block of a busy country and
    month held hundreds of events, mostly in other provinces, and only the newest 200 were read.
    Reviewed events are always read (a reviewer may have moved one)."""
    if not fine_place(ref):
        return []
    c = canonical_events.c
    dlat = FAR_KM / 111.0 + 0.05
    box = [c.lat.between(ref.lat - dlat, ref.lat + dlat)]
    widest = abs(ref.lat) + dlat  # type: ignore[arg-type]
    if widest < 85:
        dlon = FAR_KM / (111.0 * math.cos(math.radians(widest))) + 0.05
        if -180 < ref.lon - dlon and ref.lon + dlon < 180:  # type: ignore[operator]
            box.append(c.lon.between(ref.lon - dlon, ref.lon + dlon))
    return [or_(c.lat.is_(None), c.lon.is_(None), c.geo_precision.is_(None), c.geo_precision.not_in(sorted(FINE_PRECISIONS)),
                and_(*box), c.id.in_(select(event_reviews.c.canonical_id)))]


def _best(ref: EventRef, clusters: dict[str, list[EventRef]], threshold: float) -> str | None:
    best_id, best_score = None, threshold
    for cid, members in clusters.items():
        scores = [score(ref, m) for m in members]
        if not scores or any(s is None for s in scores):
            continue
        s = max(scores)  # type: ignore[type-var]
        if s >= best_score:
            best_id, best_score = cid, s
    return best_id


def attach_events(conn: Connection, event_ids: list[str], *, threshold: float = THRESHOLD) -> list[str]:
    """Give each new report a canonical event; return the canonical ids touched."""
    touched: list[str] = []
    for event_id in event_ids:
        ref = load_ref(conn, event_id)
        clusters = _members(conn, _candidates(conn, ref))
        cid = _best(ref, clusters, threshold)
        if cid is None:
            cid = "c" + hashlib.sha256(event_id.encode()).hexdigest()[:15]
            conn.execute(canonical_events.insert().values(
                id=cid, type=ref.type, family=ref.family, date_precision="unknown", status="reported",
                n_sources=0, n_events=0, updated_at=now(), data="{}"))
        conn.execute(events.update().where(events.c.id == event_id).values(canonical_id=cid))
        rebuild_canonical(conn, cid)
        if cid not in touched:
            touched.append(cid)
    return touched


def member_dicts(conn: Connection, canonical_id: str) -> list[dict[str, Any]]:
    q = (select(events.c.id, events.c.data, events.c.document_id, events.c.date_lo, events.c.date_hi,
                events.c.date_precision, documents.c.published, documents.c.url, documents.c.title,
                sources.c.name.label("source"))
         .join(documents, documents.c.id == events.c.document_id)
         .outerjoin(sources, sources.c.id == documents.c.source_id)
         .where(events.c.canonical_id == canonical_id))
    out = []
    for r in conn.execute(q).mappings():
        d = json.loads(r["data"])
        d.update(id=r["id"], document=r["document_id"], published=r["published"], url=r["url"],
                 title=r["title"], source=r["source"], _range=(r["date_lo"], r["date_hi"], r["date_precision"]))
        out.append(d)
    return out


def rebuild_canonical(conn: Connection, canonical_id: str) -> None:
    """Recompute a canonical event's fields from its members (or drop it when it has none)."""
    members = member_dicts(conn, canonical_id)
    if not members:
        conn.execute(canonical_events.delete().where(canonical_events.c.id == canonical_id))
        return
    merged = reconcile(members)
    merged["id"] = canonical_id
    _apply_review(conn, canonical_id, merged)
    first_pub = min((m["published"] for m in members if m.get("published")), default=None)
    lo, hi = date_range(merged["date"], first_pub)
    if merged["date"].get("precision", "unknown") == "unknown":
        ranges = [m["_range"] for m in members if m["_range"][0]]
        lo = min((r[0] for r in ranges), default=None)
        hi = max((r[1] for r in ranges), default=None)
    loc = merged.get("location") or {}
    fat, inj = merged.get("fatalities") or {}, merged.get("injuries") or {}
    conn.execute(canonical_events.update().where(canonical_events.c.id == canonical_id).values(
        type=merged["type"], subtype=merged.get("subtype"), family=family(merged["type"]),
        date_start=merged["date"].get("start"), date_end=merged["date"].get("end"),
        date_precision=merged["date"].get("precision", "unknown"), date_lo=lo, date_hi=hi,
        country=loc.get("country") or _member_country(members), admin1=loc.get("admin1"),
        location_name=loc.get("name"), location_entity=loc.get("entity"),
        lat=loc.get("lat"), lon=loc.get("lon"), geo_precision=loc.get("precision"),
        fatalities_min=fat.get("min"), fatalities_max=fat.get("max"),
        injuries_min=inj.get("min"), injuries_max=inj.get("max"),
        status=merged["status"], confidence=merged["confidence"], n_sources=merged["n_sources"],
        n_events=len(members), first_published=first_pub, updated_at=now(),
        data=json.dumps(merged, ensure_ascii=False, sort_keys=True)))


def _apply_review(conn: Connection, canonical_id: str, merged: dict[str, Any]) -> None:
    """A reviewer's judgement and edits, applied on top of the machine's values."""
    row = conn.execute(select(event_reviews).where(event_reviews.c.canonical_id == canonical_id)).mappings().first()
    if row is None:
        return
    edited = apply_overrides(merged, json.loads(row["overrides"]))
    merged["review"] = {"state": row["state"], "by": row["updated_by"], "at": row["updated_at"],
                        "edited": edited}


def _member_country(members: list[dict[str, Any]]) -> str | None:
    for m in members:
        loc = m.get("location") or {}
        if loc.get("country"):
            return loc["country"]
    return None
