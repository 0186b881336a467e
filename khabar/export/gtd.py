"""GTD-style CSV rows: terrorism incidents in the Global Terrorism Database's column names and codes.

Terrorism researchers merge with the GTD, so the rows use GTD variable names (in GTD's column
order) and GTD's numeric codes with their ``_txt`` labels. Only what the GTD would include is
written: attacks by non-state actors that took place (not foiled plots, not state violence), with
a year and a country. Columns Khabar cannot judge (the inclusion criteria crit1-3) stay blank.
docs/exports.md gives the code tables.
"""

from __future__ import annotations

import re
from typing import Any

from khabar.export.common import (
    GTD_REGIONS,
    STATE_KINDS,
    count_range,
    country_name,
    entity_name,
    first_sentence,
    kept,
    lowest,
    outlets,
    participant_class,
    people,
    regions,
    stable_number,
)

__all__ = ["GTD_COLUMNS", "gtd_rows", "ATTACK_TYPES", "TARGET_TYPES", "WEAPON_TYPES"]

GTD_COLUMNS = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "country_txt", "region", "region_txt",
    "provstate", "city", "latitude", "longitude", "specificity", "location", "summary", "crit1", "crit2", "crit3",
    "doubtterr", "success", "suicide", "attacktype1", "attacktype1_txt", "targtype1", "targtype1_txt", "target1",
    "gname", "guncertain1", "claimed", "weaptype1", "weaptype1_txt", "nkill", "nwound", "ishostkid", "addnotes",
    "scite1", "scite2", "scite3", "dbsource",
)
ATTACK_TYPES = {1: "Assassination", 2: "Armed Assault", 3: "Bombing/Explosion", 4: "Hijacking",
                5: "Hostage Taking (Barricade Incident)", 6: "Hostage Taking (Kidnapping)",
                7: "Facility/Infrastructure Attack", 8: "Unarmed Assault", 9: "Unknown"}
TARGET_TYPES = {1: "Business", 2: "Government (General)", 3: "Police", 4: "Military", 5: "Abortion Related",
                6: "Airports & Aircraft", 7: "Government (Diplomatic)", 8: "Educational Institution",
                9: "Food or Water Supply", 10: "Journalists & Media", 11: "Maritime", 12: "NGO", 13: "Other",
                14: "Private Citizens & Property", 15: "Religious Figures/Institutions", 16: "Telecommunication",
                17: "Terrorists/Non-State Militia", 18: "Tourists", 19: "Transportation", 20: "Unknown",
                21: "Utilities", 22: "Violent Political Party"}
WEAPON_TYPES = {1: "Biological", 2: "Chemical", 3: "Radiological", 4: "Nuclear", 5: "Firearms", 6: "Explosives",
                7: "Fake Weapons", 8: "Incendiary", 9: "Melee",
                10: "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)",
                11: "Sabotage Equipment", 12: "Other", 13: "Unknown"}

_TYPES = ("attack", "bombing", "killing", "kidnapping")
_EXPLOSIVE = ("suicide_bombing", "car_bomb", "ied", "shelling", "airstrike", "drone_strike")
_ATTACK_BY_SUBTYPE = {"assassination": 1, "shooting": 2, "stabbing": 2, "raid": 2, "execution": 2,
                      "hostage_taking": 5, "arson": 7}
_WEAPON_BY_SUBTYPE = {"shooting": 5, "stabbing": 9, "arson": 8}
_WEAPON_WORDS = ((5, r"gun|rifle|firearm|pistol|kalashnikov|ak-47|automatic weapon"),
                 (6, r"bomb|explosive|ied|grenade|rocket|mortar|missile|suicide vest|shell"),
                 (8, r"fire|petrol|gasoline|molotov|incendiar|arson"),
                 (9, r"knife|knives|machete|axe|blade|sword"),
                 (10, r"vehicle|car\b|truck|lorry"))
_TARGET_BY_CLASS = {"military": 4, "police": 3, "government": 2, "political": 2, "armed": 17, "criminal": 17,
                    "media": 10, "international": 7, "diplomatic": 7, "ngo": 12, "religious": 15,
                    "education": 8, "airport": 6, "transport": 19, "tourist": 18, "business": 1, "civilian": 14}
_SPECIFICITY = {"point": 1, "city": 1, "district": 3, "province": 4, "country": 5, "unknown": 5}


def _attack_type(ev: dict[str, Any]) -> int:
    sub = ev.get("subtype")
    if ev.get("type") == "bombing" or sub in _EXPLOSIVE:
        return 3
    if ev.get("type") == "kidnapping":
        return 6
    return _ATTACK_BY_SUBTYPE.get(sub or "", 9)


def _weapon_type(ev: dict[str, Any], attack: int) -> int:
    if attack == 3:
        return 6
    if weapon := _WEAPON_BY_SUBTYPE.get(ev.get("subtype") or ""):
        return weapon
    for p in people(ev, "instrument"):
        for code, words in _WEAPON_WORDS:
            if re.search(rf"\b(?:{words})", p.get("name") or "", re.I):
                return code
    return 13


def _citation(source: dict[str, Any]) -> str:
    parts = [source.get("source") or "", f'"{source["title"]}"' if source.get("title") else "",
             source.get("published") or "", source.get("url") or ""]
    return ", ".join(p for p in parts if p)


def _gtd_row(ev: dict[str, Any], entities: dict[str, dict[str, Any]], used: set[str]) -> dict[str, Any] | None:
    date, loc = ev.get("date") or {}, ev.get("location") or {}
    start, cc = date.get("start") or "", (loc.get("country") or "").upper()
    perpetrators = people(ev, "actor", "claimant")
    state = any((entities.get(p.get("entity") or "") or {}).get("kind") in STATE_KINDS for p in perpetrators)
    if ev.get("type") not in _TYPES or ev.get("status") in ("planned", "denied") or state or len(start) < 4 or not country_name(cc):
        return None
    year, month, day = int(start[:4]), int(start[5:7] or 0), int(start[8:10] or 0)
    prefix = f"{year:04d}{month:02d}{day:02d}"
    seq = stable_number(str(ev.get("id")), 4)
    while f"{prefix}{seq:04d}" in used:  # a hash clash inside one file: take the next free number
        seq = (seq + 1) % 10000
    eventid = f"{prefix}{seq:04d}"
    used.add(eventid)
    precision = loc.get("precision") or "unknown"
    region_code = regions(cc)[1]
    targets = people(ev, "target", "victim")
    target_type = _TARGET_BY_CLASS[participant_class(targets[0], entities)] if targets else 20
    attack = _attack_type(ev)
    weapon = _weapon_type(ev, attack)
    gname = entity_name(perpetrators[0], entities) if perpetrators else "Unknown"
    claimed = bool(people(ev, "claimant")) or ev.get("status") == "claimed"
    group_known = any(participant_class(p, entities) == "armed" for p in perpetrators)
    summary = first_sentence(ev)
    if summary and day:
        summary = f"{month:02d}/{day:02d}/{year:04d}: {summary}"
    sources = [s for s in ev.get("sources") or [] if s.get("url") or s.get("title")]
    notes = [f"Khabar event {ev.get('id')}", f"status {ev.get('status') or 'reported'}"]
    if count_range(ev):
        notes.append(f"fatalities reported {count_range(ev)}")
    if outlets(ev):
        notes.append("sources " + "; ".join(outlets(ev)))
    lat, lon = loc.get("lat"), loc.get("lon")
    wounded = lowest(ev, "injuries")
    return {
        "eventid": eventid, "iyear": year, "imonth": month, "iday": day,
        "approxdate": (date.get("text") or start) if (date.get("precision") != "day") else "",
        "extended": 1 if date.get("end") and date.get("end") != start else 0,
        "country_txt": country_name(cc), "region": region_code or "", "region_txt": GTD_REGIONS.get(region_code, ""),
        "provstate": loc.get("admin1") or (loc.get("name") if precision == "province" else "") or "",
        "city": loc.get("name") if precision in ("point", "city") else "Unknown",
        "latitude": round(float(lat), 6) if lat is not None else "",
        "longitude": round(float(lon), 6) if lon is not None else "",
        "specificity": _SPECIFICITY.get(precision, 5),
        "location": loc.get("name") if precision not in ("point", "city", "country") else "",
        "summary": summary, "crit1": "", "crit2": "", "crit3": "",
        "doubtterr": 0 if group_known else 1, "success": 1,
        "suicide": 1 if ev.get("subtype") == "suicide_bombing" else 0,
        "attacktype1": attack, "attacktype1_txt": ATTACK_TYPES[attack],
        "targtype1": target_type, "targtype1_txt": TARGET_TYPES[target_type],
        "target1": entity_name(targets[0], entities) if targets else "",
        "gname": gname, "guncertain1": "" if not perpetrators else (1 if ev.get("status") == "alleged" else 0),
        "claimed": 1 if claimed else -9,
        "weaptype1": weapon, "weaptype1_txt": WEAPON_TYPES[weapon],
        "nkill": lowest(ev) if lowest(ev) is not None else "", "nwound": wounded if wounded is not None else "",
        "ishostkid": 1 if attack in (5, 6) else 0, "addnotes": "; ".join(notes),
        "scite1": _citation(sources[0]) if len(sources) > 0 else "",
        "scite2": _citation(sources[1]) if len(sources) > 1 else "",
        "scite3": _citation(sources[2]) if len(sources) > 2 else "",
        "dbsource": "KHABAR",
    }


def gtd_rows(events: list[dict[str, Any]], entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One GTD-style row per terrorism-like incident (attack, bombing, killing, kidnapping by a
    non-state or unknown actor, carried out, dated to a year, located in a country)."""
    used: set[str] = set()
    return [row for ev in kept(events) if (row := _gtd_row(ev, entities, used)) is not None]
