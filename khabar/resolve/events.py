"""Is this the same incident? Pairwise evidence between event reports, and reconciliation.

Two reports describe one incident when nothing rules it out (a different kind of incident,
dates that cannot meet, places too far apart, different countries) and enough agrees: the
day, the place, the actors, the toll, and what the sentences say (sentence embeddings and
the trigger word). ``score`` adds that evidence up in log-odds-like points; ``THRESHOLD``
is where a report joins an existing canonical event. Blocking (family, date range,
country) happens in the store query, so scoring never sees all pairs.

``reconcile`` turns the member reports of one canonical event into its fields: the most
precise date and place, the union of actors, the death toll as the range over sources,
and the disagreements kept visible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from khabar.nlp.places import haversine_km

__all__ = ["EventRef", "family", "date_range", "score", "text_score", "reconcile", "THRESHOLD",
           "DATE_SLACK_DAYS", "UNDATED_WINDOW_DAYS", "FAR_KM", "FINE_PRECISIONS", "fine_place"]

FAMILIES = {"attack": "violence", "bombing": "violence", "killing": "violence",
            "armed_clash": "violence", "military_operation": "violence",
            "protest": "unrest", "riot": "unrest"}
INCIDENTS = frozenset({"violence", "unrest", "kidnapping", "arrest"})
THRESHOLD = 2.5
DATE_SLACK_DAYS = 1
UNDATED_WINDOW_DAYS = 30
PRECISION_RANK = {"day": 3, "month": 2, "year": 1, "unknown": 0}
FAR_KM = 150  # two finely placed reports this far apart are never one incident
GEO_RANK = {"point": 5, "city": 4, "district": 3, "province": 2, "country": 1, "unknown": 0}
FINE_PRECISIONS = frozenset(p for p, rank in GEO_RANK.items() if rank >= GEO_RANK["district"])  # finer than a province
TYPE_RANK = ("bombing", "killing", "kidnapping", "armed_clash", "military_operation", "attack")
ACTOR_ROLES = ("actor", "claimant")
TARGET_ROLES = ("target", "victim")


def family(event_type: str) -> str:
    """The blocking family: an 'attack' in one article can be a 'bombing' in another."""
    return FAMILIES.get(event_type, event_type)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def date_range(when: dict[str, Any] | None, published: str | None) -> tuple[str | None, str | None]:
    """The days an event may lie in: its own date at its precision, else the month before publication."""
    when = when or {}
    start, precision = when.get("start"), when.get("precision", "unknown")
    try:
        if start and precision == "day":
            first = _day(start[:10])
            end = when.get("end") or start
            last = _day(end[:10]) if len(end) >= 10 else first
            return first.isoformat(), max(first, last).isoformat()
        if start and precision == "month":
            first = date(int(start[:4]), int(start[5:7]), 1)
            m = first.month
            last = date(first.year + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
            return first.isoformat(), last.isoformat()
        if start and precision == "year":
            y = date(int(start[:4]), 1, 1).year
            if not start[:4].isdigit():
                return None, None
            return f"{y:04d}-01-01", f"{y:04d}-12-31"
        if published:
            pub = _day(published[:10])
            return (pub - timedelta(days=UNDATED_WINDOW_DAYS)).isoformat(), pub.isoformat()
    except ValueError:
        return None, None
    return None, None


@dataclass
class EventRef:
    """What the resolver compares: one article's report of an event, flattened."""

    id: str
    document: str
    type: str
    subtype: str | None = None
    precision: str = "unknown"
    date_lo: str | None = None
    date_hi: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str = "unknown"
    actors: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    fatalities: tuple[int | None, int | None] | None = None
    embedding: np.ndarray | None = None
    lemma: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return family(self.type)


def fine_place(ref: EventRef) -> bool:
    return ref.lat is not None and ref.geo_precision in FINE_PRECISIONS


def text_score(a: EventRef, b: EventRef) -> float:
    """What the words say: embedding cosine around 0.5 is neutral; a shared trigger lemma helps."""
    points = 0.0
    if a.embedding is not None and b.embedding is not None and a.embedding.any() and b.embedding.any():
        points += 4.0 * (float(np.dot(a.embedding, b.embedding)) - 0.5)
    if a.lemma and a.lemma == b.lemma:
        points += 0.5
    return points


def score(a: EventRef, b: EventRef) -> float | None:
    """Evidence that ``a`` and ``b`` report the same incident; None when something rules it out."""
    if a.document == b.document or a.family != b.family:
        return None
    if a.country and b.country and a.country != b.country:
        return None
    points = 0.0
    # When: ranges must meet (with a day of slack for time zones and late reports).
    if a.date_lo and b.date_lo and a.date_hi and b.date_hi:
        slack = timedelta(days=DATE_SLACK_DAYS)
        if _day(a.date_lo) > _day(b.date_hi) + slack or _day(b.date_lo) > _day(a.date_hi) + slack:
            return None
        if a.precision == b.precision == "day":
            points += 2.0 if a.date_lo == b.date_lo else 1.0
        elif a.precision != "unknown" and b.precision != "unknown":
            points += 0.5
        else:
            points += _fresh_points(a, b) + _fresh_points(b, a)
    # Where.
    if fine_place(a) and fine_place(b):
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if km > FAR_KM:
            return None
        points += 2.0 if km <= 30 else 1.0 if km <= 100 else 0.0
    elif a.admin1 and b.admin1:
        points += 0.5 if a.admin1 == b.admin1 else -0.5
    # Who.
    if a.actors and b.actors:
        points += 1.5 if a.actors & b.actors else -1.0
    if a.targets & b.targets:
        points += 1.0
    # What.
    if a.type == b.type:
        points += 0.5
        if a.subtype and a.subtype == b.subtype:
            points += 0.3
    points += _toll_points(a.fatalities, b.fatalities)
    points += text_score(a, b)
    if a.family not in INCIDENTS and not (a.precision == b.precision == "day"):
        points -= 1.5  # statements and threats without a day are too alike to merge on words
    return points


def _fresh_points(undated: EventRef, dated: EventRef) -> float:
    """Breaking news leaves the day unsaid: an undated report published within two days
    after the other's day is probably about it (its range ends on its publication day)."""
    if undated.precision != "unknown" or dated.precision != "day" or not undated.date_hi or not dated.date_lo:
        return 0.0
    return 1.0 if 0 <= (_day(undated.date_hi) - _day(dated.date_lo)).days <= 2 else 0.0


def _toll_points(a: tuple[int | None, int | None] | None, b: tuple[int | None, int | None] | None) -> float:
    """Tolls rise as bodies are counted, so only a wide gap counts against."""
    if not a or not b or a[0] is None or b[0] is None:
        return 0.0
    lo, hi = sorted((a[0], b[0]))
    if hi == lo or (hi <= 1.5 * lo):
        return 0.7
    if hi - lo > 10 and hi > 4 * max(lo, 1):
        return -1.0
    return 0.0


def _count_range(counts: list[dict[str, Any]]) -> dict[str, Any] | None:
    values = [c for c in counts if c and c.get("min") is not None]
    if not values:
        return None
    lo = min(c["min"] for c in values)
    hi = max(c["max"] if c.get("max") is not None else c["min"] for c in values)
    open_ended = all(c.get("max") is None and c["min"] == hi for c in values if c["min"] == hi)
    text = f"{lo}" if lo == hi else f"{lo}-{hi}"
    return {"min": lo, "max": None if open_ended and lo == hi else hi, "text": text,
            "sources": len(values)}


def _disagreement(members: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[tuple, list[str]] = {}
    for m in members:
        c = m.get(key)
        if c and c.get("min") is not None:
            seen.setdefault((c["min"], c.get("max")), []).append(m["document"])
    if len(seen) < 2:
        return []
    order = sorted(seen.items(), key=lambda kv: (kv[0][0], float("inf") if kv[0][1] is None else kv[0][1]))
    return [{"min": lo, "max": hi, "documents": sorted(set(docs))} for (lo, hi), docs in order]


def reconcile(members: list[dict[str, Any]]) -> dict[str, Any]:
    """One canonical event from its member reports (contract event dicts plus ``document``,
    ``published`` and ``source`` keys), oldest report first."""
    members = sorted(members, key=lambda m: (m.get("published") or "9999", m["document"], m["id"]))
    types = Counter(m["type"] for m in members)
    best_count = max(types.values())
    tied = [t for t, n in types.items() if n == best_count]
    etype = min(tied, key=lambda t: TYPE_RANK.index(t) if t in TYPE_RANK else len(TYPE_RANK))
    subtypes = Counter(m.get("subtype") for m in members if m.get("subtype"))
    dated = [m["date"] for m in members if m.get("date")]
    when = max(dated, key=lambda d: (PRECISION_RANK.get(d.get("precision", "unknown"), 0),
                                     sum(1 for x in dated if x.get("start") == d.get("start"))),
               default=None)
    places = [m["location"] for m in members if m.get("location")]
    where = max(places, key=lambda p: (GEO_RANK.get(p.get("precision", "unknown"), 0),
                                       sum(1 for x in places if x.get("name") == p.get("name"))),
                default=None)
    participants: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for m in members:
        for p in m.get("participants", []):
            key = (p["role"], p.get("entity") or p.get("name", "").casefold())
            if key not in seen:
                seen.add(key)
                participants.append({k: p[k] for k in ("role", "entity", "name", "basis") if k in p})
    statuses = Counter(m.get("status", "reported") for m in members)
    status = "claimed" if statuses["claimed"] else statuses.most_common(1)[0][0]
    confidence = 1.0
    for m in members:
        confidence *= 1.0 - float(m.get("confidence", 0.5))
    sources = [{"document": m["document"], "event": m["id"], "url": m.get("url"), "title": m.get("title"),
                "published": m.get("published"), "source": m.get("source"),
                "type": m["type"], "fatalities": m.get("fatalities"), "injuries": m.get("injuries"),
                "status": m.get("status"), "trigger": m.get("trigger"),
                "evidence": m.get("evidence", [])} for m in members]
    disagreements = {k: v for k in ("fatalities", "injuries") if (v := _disagreement(members, k))}
    first = members[0]
    return {
        "type": etype,
        "subtype": subtypes.most_common(1)[0][0] if subtypes else None,
        "trigger": {**first["trigger"], "document": first["document"]} if first.get("trigger") else None,
        "date": when or {"start": None, "end": None, "precision": "unknown", "text": None},
        "location": where,
        "participants": participants,
        "fatalities": _count_range([m.get("fatalities") for m in members]),
        "injuries": _count_range([m.get("injuries") for m in members]),
        "status": status,
        "evidence": [{**e, "document": m["document"]} for m in members for e in m.get("evidence", [])[:1]],
        "confidence": round(min(0.99, 1.0 - confidence), 3),
        "sources": sources,
        "disagreements": disagreements,
        "n_sources": len({m["document"] for m in members}),
    }
