"""PLOVER event records (JSON objects, one per event) for event-data tools such as POLECAT users.

PLOVER (Open Event Data Alliance, manual draft 0.7b1) is an interchange format as much as an
ontology: event category + mode + context, source and recipient actor lists, an event location
object. Following its field names lets Khabar's events sit next to PLOVER/POLECAT data. Khabar's
own type, subtype and status travel along in ``khabar_*`` fields (PLOVER allows extra named
fields), so nothing is lost in the translation. docs/exports.md gives the mapping.
"""

from __future__ import annotations

from typing import Any

from khabar import __version__
from khabar.export.common import entity_name, iso3, kept, lowest, outlets, participant_class, people

__all__ = ["plover_records", "PLOVER_EVENTS"]

# Khabar type -> PLOVER event category; types absent here are not coded (PLOVER drops statements).
PLOVER_EVENTS = {"attack": "ASSAULT", "bombing": "ASSAULT", "killing": "ASSAULT", "kidnapping": "ASSAULT",
                 "military_operation": "ASSAULT", "armed_clash": "ASSAULT", "arrest": "COERCE",
                 "recruitment": "MOBILIZE", "accusation": "ACCUSE", "threat": "THREATEN", "protest": "PROTEST",
                 "riot": "PROTEST"}
_MODE_BY_SUBTYPE = {"suicide_bombing": "suicide-attack", "car_bomb": "explosives", "ied": "explosives",
                    "shelling": "heavy-weapons", "airstrike": "heavy-weapons", "drone_strike": "heavy-weapons",
                    "shooting": "firearms", "stabbing": "primitive", "arson": "primitive",
                    "assassination": "assassinate", "execution": "execute", "hostage_taking": "abduct"}
_MODE_BY_TYPE = {"bombing": "explosives", "kidnapping": "abduct", "arrest": "arrest", "recruitment": "troops",
                 "threat": "violence", "protest": "demo", "riot": "riot"}
_QUAD = {"ASSAULT": 4, "COERCE": 4, "PROTEST": 4, "MOBILIZE": 4, "THREATEN": 3, "ACCUSE": 3}
_SCALE = {"ASSAULT": -9.3, "COERCE": -7.2, "PROTEST": -6.6, "MOBILIZE": -5.3, "THREATEN": -5.1, "ACCUSE": -2.0}
_SECTOR = {"military": "MIL", "police": "COP", "armed": "REB", "criminal": "CRM", "political": "PTY",
           "media": "JRN", "ngo": "SOC", "religious": "REL", "education": "EDU", "business": "BUS",
           "civilian": "CVL", "tourist": "CVL", "transport": "BUS", "airport": "BUS"}


def _actor(p: dict[str, Any], entities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ent = entities.get(p.get("entity") or "") or {}
    cls = participant_class(p, entities)
    if ent.get("kind") == "intelligence":
        sector = "SPY"
    elif cls in ("government", "diplomatic"):
        sector = "GOV"
    else:
        sector = _SECTOR.get(cls)
    code = iso3(ent.get("country"))
    if not code:
        code = {"international": "IGO", "ngo": "NGO", "armed": "IMG"}.get(cls, "")
    return {"code": code or None, "sector": sector, "actor_text": p.get("name") or ent.get("name"),
            "identifier_id": ent.get("qid") or None, "identifier_text": entity_name(p, entities) or None,
            "khabar_entity": p.get("entity"), "entity_type": ent.get("type")}


def _context(ev: dict[str, Any], category: str, actor_classes: list[str]) -> list[str]:
    out: list[str] = []
    if category in ("ASSAULT", "THREATEN") and "armed" in actor_classes:
        out.append("terrorism")
    if ev.get("type") in ("military_operation", "armed_clash") or "military" in actor_classes:
        out.append("military")
    if "criminal" in actor_classes:
        out.append("crime")
    if ev.get("subtype") in ("conviction", "sentencing"):
        out.append("legal")
    status = ev.get("status")
    if status == "planned":
        out.append("hypothetical")
    elif status == "denied":
        out.append("negation")
    return out


def _location(loc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not loc:
        return None
    cc = (loc.get("country") or "").upper() or None
    return {"name": loc.get("name"), "latitude": loc.get("lat"), "longitude": loc.get("lon"),
            "country code": cc, "cc3": iso3(cc) or None, "admin1": loc.get("admin1"), "admin2": loc.get("admin2"),
            "precision": loc.get("precision"), "khabar_entity": loc.get("entity")}


def _date(date: dict[str, Any]) -> str | None:
    start = date.get("start")
    if not start:
        return None
    return start if len(start) == 10 else (start + "-01-01")[:10]


def _record(ev: dict[str, Any], entities: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    category = PLOVER_EVENTS.get(ev.get("type") or "")
    if category is None:
        return None
    sources = people(ev, "actor", "claimant")
    recipients = people(ev, "target", "victim")
    if ev.get("type") == "armed_clash":  # two-sided violence: every party is a source (PLOVER 0.7b1)
        sources, recipients = sources + recipients, []
    mode = _MODE_BY_SUBTYPE.get(ev.get("subtype") or "") if category == "ASSAULT" else None
    mode = mode or _MODE_BY_TYPE.get(ev.get("type") or "")
    date = ev.get("date") or {}
    dead, injured = lowest(ev), lowest(ev, "injuries")
    return {
        "id": ev.get("id"), "date": _date(date), "date_precision": date.get("precision") or "unknown",
        "enddate": date.get("end"),
        "source": [_actor(p, entities) for p in sources], "recipient": [_actor(p, entities) for p in recipients],
        "event": [category], "mode": [mode] if mode else [],
        "context": _context(ev, category, [participant_class(p, entities) for p in people(ev, "actor", "claimant")]),
        "event_loc": _location(ev.get("location")),
        "event_text": [" ".join(str(e.get("text") or "").split()) for e in ev.get("evidence") or []],
        "quad_code": _QUAD[category], "event_scale": _SCALE[category],
        "dead": dead, "injured": injured,
        "cite_info": [{"url": s.get("url"), "title": s.get("title"), "publication": s.get("source"),
                       "date": s.get("published"), "citation": s.get("document")} for s in ev.get("sources") or []],
        "publications": outlets(ev),
        "coder": f"khabar {__version__}", "codebook": "plover-0.7b1",
        "khabar_type": ev.get("type"), "khabar_subtype": ev.get("subtype"), "khabar_status": ev.get("status"),
        "confidence": ev.get("confidence"),
    }


def plover_records(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One PLOVER record per event of a codable type (statements, foundings and "other" are not
    PLOVER events). Undated events keep ``date: null`` and actor-less ones ``source: []``."""
    return [rec for ev in kept(events) if (rec := _record(ev, entities)) is not None]
