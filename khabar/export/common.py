"""What every export shares: countries and regions, participants and their classes, counts,
evidence text, outlets, and CSV writing that spreadsheets cannot turn into formulas.

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

from khabar.ingest.sources import domain_of
from khabar.nlp.kb import STATE_KINDS, read_yaml

__all__ = [
    "kept", "country_name", "iso3", "iso_numeric", "regions", "GTD_REGIONS", "STATE_KINDS", "people",
    "entity_name", "participant_class", "lowest", "count_range", "first_sentence", "outlets", "write_csv",
    "csv_safe", "stable_number",
]

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
    data = read_yaml(path) if path.exists() else {}
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
        name = s.get("source") or domain_of(s.get("url"))
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
