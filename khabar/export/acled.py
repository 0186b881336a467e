"""ACLED-style CSV rows from canonical events.

Analysts load ACLED files into tools that expect ACLED's exact columns and code values, so this
module writes ACLED's current public column list (codebook 2024+, with ``inter1``/``inter2``/
``interaction`` as text labels) and only the events ACLED itself would code. docs/exports.md
gives every mapping and the reasons for it.
"""

from __future__ import annotations

from typing import Any

from khabar.export.common import (
    count_range,
    country_name,
    entity_name,
    first_sentence,
    iso3,
    iso_numeric,
    kept,
    lowest,
    outlets,
    participant_class,
    people,
    regions,
    stable_number,
)

__all__ = ["ACLED_COLUMNS", "acled_rows"]

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)

# ---------------------------------------------------------------- ACLED

_INTER = ("State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
          "Civilians", "External/Other forces")
_VIOLENT = ("attack", "bombing", "killing", "kidnapping", "military_operation", "armed_clash")
_REMOTE = {"suicide_bombing": "Suicide bomb", "car_bomb": "Remote explosive/landmine/IED",
           "ied": "Remote explosive/landmine/IED", "shelling": "Shelling/artillery/missile attack",
           "airstrike": "Air/drone strike", "drone_strike": "Air/drone strike"}
_ARMED = ("military", "police", "government", "armed", "criminal", "international")  # after _unarmed
_TIME_PRECISION = {"day": 1, "month": 3}
_GEO_PRECISION = {"point": 1, "city": 1, "district": 2, "province": 3, "country": 3, "unknown": 3}


def _disorder(event_type: str, sub: str) -> str:
    if event_type == "Strategic developments":
        return "Strategic developments"
    if sub == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if event_type == "Protests" or sub == "Violent demonstration":
        return "Demonstrations"
    return "Political violence"


def _acled_type(ev: dict[str, Any], target_classes: list[str], state_present: bool) -> tuple[str, str] | None:
    """ACLED (event_type, sub_event_type), or None for an event ACLED would not record."""
    etype, sub, status = ev.get("type"), ev.get("subtype"), ev.get("status")
    hurt = bool(lowest(ev) or lowest(ev, "injuries"))
    if status == "denied":
        return None
    if status == "planned":
        return ("Strategic developments", "Disrupted weapons use") if etype in _VIOLENT[:4] else None
    if etype in ("attack", "bombing", "killing", "military_operation") and sub in _REMOTE:
        return "Explosions/Remote violence", _REMOTE[sub]
    if etype == "bombing":
        return "Explosions/Remote violence", "Remote explosive/landmine/IED"
    armed_target = any(c in _ARMED for c in target_classes)
    if etype == "armed_clash" or (etype in ("attack", "killing", "military_operation") and armed_target):
        return "Battles", "Armed clash"
    if etype == "kidnapping" or (sub == "hostage_taking" and not hurt):
        return "Violence against civilians", "Abduction/forced disappearance"
    if etype == "attack" and sub == "arson" and not hurt:
        return "Strategic developments", "Looting/property destruction"
    if etype in ("attack", "killing"):
        return "Violence against civilians", "Attack"
    if etype == "military_operation":
        return ("Battles", "Armed clash") if hurt else ("Strategic developments", "Other")
    if etype == "arrest":
        return "Strategic developments", ("Other" if sub in ("conviction", "sentencing") else "Arrests")
    if etype in ("recruitment", "founding"):
        return "Strategic developments", "Change to group/activity"
    if etype == "protest":
        if state_present:
            return "Protests", "Excessive force against protesters" if hurt else "Protest with intervention"
        return "Protests", "Peaceful protest"
    if etype == "riot":
        return "Riots", "Violent demonstration"
    return None  # accusation, statement, threat, other: ACLED does not code them


def _unarmed(p: dict[str, Any], entities: dict[str, dict[str, Any]]) -> bool:
    """Targeted officials and party members are civilians to ACLED; intelligence bodies are not."""
    kind = (entities.get(p.get("entity") or "") or {}).get("kind")
    return participant_class(p, entities) in ("government", "political") and kind != "intelligence"


def _side(ps: list[dict[str, Any]], entities: dict[str, dict[str, Any]], cc: str, *,
          default: tuple[str, str] | None, targets: bool = False) -> tuple[str, str, str]:
    """(actor, associated actors, inter label) for one side of an event."""
    country = country_name(cc)
    named: list[tuple[str, str]] = []
    assoc: list[str] = []
    for p in ps:
        ent = entities.get(p.get("entity") or "") or {}
        cls = participant_class(p, entities)
        org = ent.get("type") == "organization" and ent.get("name")
        if targets and _unarmed(p, entities):
            cls = "civilian"
        if cls in ("military", "police", "government"):
            inter = "State forces" if (ent.get("country") or cc) == cc else "External/Other forces"
            generic = {"military": "Military Forces", "police": "Police Forces", "government": "Government"}[cls]
            named.append((org or f"{generic} of {country}", inter))
        elif cls in ("armed", "criminal", "political", "international"):
            inter = {"armed": "Rebel group", "international": "External/Other forces"}.get(cls, "Political militia")
            named.append((org, inter) if org else (f"Unidentified Armed Group ({country})", "Political militia"))
        else:
            named.append((f"Civilians ({country})", "Civilians"))
            if org:
                assoc.append(org)
    if not named and default:
        named.append(default)
    if not named:
        return "", "; ".join(assoc), ""
    actor, inter = named[0]
    assoc = [n for n, _ in named[1:] if n != actor] + [a for a in assoc if a != actor]
    return actor, "; ".join(dict.fromkeys(assoc)), inter


def _interaction(inter1: str, inter2: str) -> str:
    if not inter1:
        return ""
    if not inter2:
        return f"{inter1} only"
    a, b = sorted((inter1, inter2), key=_INTER.index)
    return f"{b}-{a}" if (a, b) == ("Civilians", "External/Other forces") else f"{a}-{b}"


def _acled_row(ev: dict[str, Any], entities: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    date, loc = ev.get("date") or {}, ev.get("location") or {}
    cc = (loc.get("country") or "").upper()
    tp = _TIME_PRECISION.get(date.get("precision") or "unknown")
    start = date.get("start") or ""
    if not country_name(cc) or not tp or len(start) < 7:
        return None
    actors, targets = people(ev, "actor", "claimant"), people(ev, "target", "victim")
    classes = ["civilian" if _unarmed(p, entities) else participant_class(p, entities) for p in targets]
    state_present = any(participant_class(p, entities) in ("military", "police") for p in actors + targets)
    kind = _acled_type(ev, classes, state_present)
    if kind is None:
        return None
    event_type, sub = kind
    country = country_name(cc)
    if ev.get("type") == "protest":
        protesters = [p for p in actors if participant_class(p, entities) not in ("military", "police")]
        side1 = _side([], entities, cc, default=(f"Protesters ({country})", "Protesters"))
        side1 = (side1[0], "; ".join(entity_name(p, entities) for p in protesters), side1[2])
        side2 = _side([p for p in actors + targets if p not in protesters], entities, cc, default=None)
    elif ev.get("type") == "riot":
        side1 = _side([], entities, cc, default=(f"Rioters ({country})", "Rioters"))
        side2 = _side(targets, entities, cc, default=None, targets=True)
    else:
        unknown = (f"Unidentified Armed Group ({country})", "Political militia")
        if ev.get("type") == "arrest":
            unknown = (f"Police Forces of {country}", "State forces")
        elif event_type == "Strategic developments" and ev.get("status") != "planned":
            unknown = None
        side1 = _side(actors, entities, cc, default=unknown)
        if side1[2] in ("", "Civilians") and unknown and event_type != "Strategic developments":
            side1 = (unknown[0], side1[1], unknown[1])
        side2 = _side(targets, entities, cc, default=None, targets=True)
    fatal, counted = lowest(ev), ev.get("fatalities") or {}
    note = first_sentence(ev)
    if counted.get("min") is not None and ((ev.get("disagreements") or {}).get("fatalities")
                                           or counted.get("max") not in (None, counted["min"])):
        note = f"{note} [Reported fatalities: {count_range(ev)}; the lowest figure is recorded.]".strip()
    day = start[:10] if tp == 1 else f"{start[:7]}-15"
    lat, lon = loc.get("lat"), loc.get("lon")
    tags = [f"khabar id: {ev.get('id')}"] + ([f"khabar status: {ev.get('status')}"] if ev.get("status") != "reported" else [])
    return {
        "event_id_cnty": f"{iso3(cc)}{stable_number(str(ev.get('id')), 12)}",
        "event_date": day, "year": int(day[:4]), "time_precision": tp,
        "disorder_type": _disorder(event_type, sub), "event_type": event_type, "sub_event_type": sub,
        "actor1": side1[0], "assoc_actor_1": side1[1], "inter1": side1[2],
        "actor2": side2[0], "assoc_actor_2": side2[1], "inter2": side2[2],
        "interaction": _interaction(side1[2], side2[2]),
        "civilian_targeting": "Civilians targeted" if side2[2] == "Civilians" and event_type in (
            "Violence against civilians", "Explosions/Remote violence") else "",
        "iso": iso_numeric(cc), "region": regions(cc)[0], "country": country,
        "admin1": loc.get("admin1") or "", "admin2": loc.get("admin2") or "", "admin3": "",
        "location": loc.get("name") or country,
        "latitude": round(float(lat), 4) if lat is not None else "",
        "longitude": round(float(lon), 4) if lon is not None else "",
        "geo_precision": _GEO_PRECISION.get(loc.get("precision") or "unknown", 3),
        "source": "; ".join(outlets(ev)), "source_scale": "", "notes": note,
        "fatalities": fatal or 0, "tags": "; ".join(tags), "timestamp": "",
    }


def acled_rows(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One ACLED row per event ACLED would code (dated to the day or month, located in a country,
    of a type ACLED records), keyed by ``ACLED_COLUMNS``."""
    return [row for ev in kept(events) if (row := _acled_row(ev, entities)) is not None]
