"""ACLED-style CSV rows from canonical events, and the helpers every export shares.

Analysts load ACLED files into tools that expect ACLED's exact columns and code values, so this
module writes ACLED's current public column list (codebook 2024+, with ``inter1``/``inter2``/
``interaction`` as text labels) and only the events ACLED itself would code. The helpers at the
top (countries, regions, participants, CSV writing) live here because the CSV formats were the
first to need them; GTD, PLOVER, the graph and Parquet exports import them from here.
docs/exports.md gives every mapping and the reasons for it.
"""

from __future__ import annotations

import csv
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

from khabar.nlp.kb import STATE_KINDS

__all__ = [
    "ACLED_COLUMNS", "acled_rows", "kept", "country_name", "iso3", "iso_numeric", "regions", "GTD_REGIONS",
    "STATE_KINDS", "people", "entity_name", "participant_class", "lowest", "count_range", "first_sentence",
    "outlets", "write_csv", "csv_safe", "stable_number",
]

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)

# ---------------------------------------------------------------- shared helpers

# ISO2 codes by zone: (ACLED region, GTD region number). An approximation of both projects'
# country lists (UN M49 sub-regions with their known differences); docs/exports.md says so.
_ZONES: tuple[tuple[str, int, str], ...] = (
    ("North America", 1, "US CA GL BM PM"),
    ("Central America", 2, "MX GT BZ SV HN NI CR PA"),
    ("Caribbean", 2, "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"),
    ("South America", 3, "AR BO BR CL CO EC FK GF GY PE PY SR UY VE"),
    ("East Asia", 4, "CN HK JP KP KR MN MO TW"),
    ("Southeast Asia", 5, "BN ID KH LA MM MY PH SG TH TL VN"),
    ("South Asia", 6, "AF BD BT IN LK MV NP PK"),
    ("Caucasus and Central Asia", 7, "AM AZ GE KG KZ TJ TM UZ"),
    ("Europe", 8, "AD AT AX BE CH CY DE DK ES FI FO FR GB GG GI GR IE IM IS IT JE LI LU MC MT NL NO PT SE SJ SM VA"),
    ("Europe", 9, "AL BA BG BY CZ EE HR HU LT LV MD ME MK PL RO RS RU SI SK UA XK"),
    ("Middle East", 10, "AE BH IL IQ IR JO KW LB OM PS QA SA SY TR YE"),
    ("Northern Africa", 10, "DZ EG LY MA TN EH"),
    ("Northern Africa", 11, "SD"),
    ("Western Africa", 11, "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    ("Middle Africa", 11, "AO CF CG CM CD GA GQ ST TD"),
    ("Eastern Africa", 11, "BI DJ ER ET KE KM MG MU RE RW SC SO SS TZ UG YT"),
    ("Southern Africa", 11, "BW LS MW MZ NA SZ ZA ZM ZW"),
    ("Oceania", 12, "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS"),
)
_REGIONS = {code: (acled, gtd) for acled, gtd, codes in _ZONES for code in codes.split()}
GTD_REGIONS = {1: "North America", 2: "Central America & Caribbean", 3: "South America", 4: "East Asia",
               5: "Southeast Asia", 6: "South Asia", 7: "Central Asia", 8: "Western Europe", 9: "Eastern Europe",
               10: "Middle East & North Africa", 11: "Sub-Saharan Africa", 12: "Australasia & Oceania"}

_KIND_CLASS = {"state_force": "military", "police": "police", "government": "government", "intelligence": "government",
               "armed_group": "armed", "militant_media": "armed", "criminal_group": "criminal",
               "political_org": "political", "political_party": "political", "media": "media", "state_media": "media",
               "international_org": "international", "international": "international", "ngo": "ngo",
               "platform": "business", "research_org": "civilian", "civilian": "civilian"}
# Words in a name that say what an unresolved participant or a targeted place is, first match wins.
_WORD_CLASS = tuple((cls, re.compile(rf"\b(?:{words})", re.I)) for cls, words in (
    ("police", r"police|policem|officer|constable|gendarm|militsiya"),
    ("military", r"soldier|troop|army|military|servicem|border guard|checkpoint|garrison"),
    ("armed", r"militant|fighter|insurgent|rebel|terrorist|jihadist"),
    ("religious", r"mosque|church|synagogue|temple|shrine|cathedral|monastery|worshipper|priest|imam|cleric|pilgrim"),
    ("education", r"school|universit|college|madrasa|student|teacher"),
    ("media", r"journalist|reporter|newspaper|television|broadcaster"),
    ("diplomatic", r"embass|consulate|diplomat"),
    ("airport", r"airport|airline|aircraft|airliner"),
    ("transport", r"bus\b|buses|train|railway|metro|subway|station"),
    ("tourist", r"tourist"),
    ("government", r"official|minister|governor|mayor|lawmaker|parliament|government"),
    ("business", r"hotel|mall|market|shop|store|bank|restaurant|cafe|café|concert|hall|theat|cinema|compan|factor|business"),
))
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def kept(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events an export writes: all but those a reviewer rejected."""
    return [e for e in events if ((e.get("review") or {}).get("status")) != "rejected"]


@lru_cache(maxsize=1)
def _kb_names() -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "kb" / "countries.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {code: entry["name"] for code, entry in (data or {}).items() if isinstance(entry, dict) and entry.get("name")}


def _country(iso2: str | None) -> Any:
    return pycountry.countries.get(alpha_2=iso2.upper()) if iso2 and len(iso2) == 2 else None


def country_name(iso2: str | None) -> str:
    """The short English name news uses ("Russia"), from kb/countries.yaml, else pycountry."""
    if not iso2:
        return ""
    if name := _kb_names().get(iso2.upper()):
        return name
    c = _country(iso2)
    return (getattr(c, "common_name", None) or c.name) if c else ""


def iso3(iso2: str | None) -> str:
    if iso2 and iso2.upper() == "XK":
        return "XKX"
    c = _country(iso2)
    return c.alpha_3 if c else ""


def iso_numeric(iso2: str | None) -> int | None:
    c = _country(iso2)
    return int(c.numeric) if c else None


def regions(iso2: str | None) -> tuple[str, int | None]:
    """(ACLED region, GTD region number) for a country; ("", None) when the table lacks it."""
    return _REGIONS.get((iso2 or "").upper(), ("", None))


def people(event: dict[str, Any], *roles: str) -> list[dict[str, Any]]:
    """Participants in the given roles, in role order then report order, each entity or name once."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for role in roles:
        for p in event.get("participants") or []:
            key = p.get("entity") or (p.get("name") or "").casefold()
            if p.get("role") == role and key and key not in seen:
                seen.add(key)
                out.append(p)
    return out


def entity_name(p: dict[str, Any], entities: dict[str, dict[str, Any]]) -> str:
    ent = entities.get(p.get("entity") or "") or {}
    return ent.get("name") or p.get("name") or ""


def participant_class(p: dict[str, Any], entities: dict[str, dict[str, Any]]) -> str:
    """A coarse class (military, police, armed, media, religious, business, civilian, ...) from the
    entity's kind, else from words in its name (places and unresolved participants)."""
    ent = entities.get(p.get("entity") or "") or {}
    if ent.get("kind") in _KIND_CLASS:
        return _KIND_CLASS[ent["kind"]]
    if ent.get("type") == "person":
        return "civilian"
    name = f"{ent.get('name') or ''} {p.get('name') or ''}"
    return next((cls for cls, rx in _WORD_CLASS if rx.search(name)), "civilian")


def lowest(event: dict[str, Any], key: str = "fatalities") -> int | None:
    """The lowest count any source reported (the event's range minimum and every source's)."""
    values = [c.get("min") for c in [event.get(key)] + [s.get(key) for s in event.get("sources") or []] if c]
    values += [d.get("min") for d in (event.get("disagreements") or {}).get(key, [])]
    values = [int(v) for v in values if v is not None]
    return min(values) if values else None


def count_range(event: dict[str, Any], key: str = "fatalities") -> str:
    c = event.get(key) or {}
    lo, hi = c.get("min"), c.get("max")
    if lo is None:
        return ""
    return f"{lo}" if hi == lo else f"{lo}-{hi}" if hi is not None else f"at least {lo}"


def first_sentence(event: dict[str, Any], limit: int = 500) -> str:
    """The first evidence sentence on one line (newlines and runs of spaces become one space)."""
    for ev in list(event.get("evidence") or []) + [e for s in event.get("sources") or [] for e in s.get("evidence") or []]:
        text = " ".join(str(ev.get("text") or "").split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


def outlets(event: dict[str, Any]) -> list[str]:
    """Outlet names of the sources, once each; the URL's host where the outlet is unknown."""
    out: list[str] = []
    for s in event.get("sources") or []:
        name = s.get("source") or re.sub(r"^www\.", "", re.sub(r"^[a-z]+://([^/]+).*$", r"\1", s.get("url") or ""))
        if name and name not in out:
            out.append(name)
    return out


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading single quote; numbers pass."""
    if isinstance(value, str) and value.startswith(_CSV_TRIGGERS):
        return "'" + value
    return value


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: csv_safe("" if row.get(c) is None else row[c]) for c in columns})
    return len(rows)


def stable_number(text: str, digits: int) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 10**digits


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
