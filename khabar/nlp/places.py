"""Geocode place entities using the article as context.

Picking the most populous match is right only about half the time on news, so each
candidate is scored by what the article says around it: an adjacent country ("Mastung,
Pakistan"), a containing province ("Kulob in Khatlon province"), a demonym ("the Iranian
city of Kerman"), the other countries the article names, the designator the text uses
("Vladimir oblast" is a province, not the city), and only then population.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from khabar.model import Geo
from khabar.nlp.gazetteer import Gazetteer, Place, place_key
from khabar.nlp.mentions import DESIGNATOR_FEATURE

__all__ = ["Context", "geocode", "base_name", "haversine_km", "to_geo"]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class Context:
    """What the whole article says about geography."""

    countries: Counter  # ISO2 -> mentions (countries, demonyms, resolved KB places)
    admin1: set[tuple[str, str]]  # (cc, admin1 key) named in the article


def base_name(name: str) -> str:
    words = name.split()
    if len(words) > 1 and words[-1].lower() in DESIGNATOR_FEATURE:
        return " ".join(words[:-1])
    return name


def _feature_fit(place: Place, hint: str | None) -> float:
    if hint is None:
        return {"city": 0.5, "province": 0.3, "district": 0.0, "country": 1.0}.get(place.feature, 0.0)
    if place.feature == hint:
        return 2.0
    if hint == "district" and place.feature == "city":
        return 1.2
    if hint == "province" and place.feature == "city":
        return 0.4
    if hint == "city" and place.feature in ("district", "province"):
        return 0.2
    return -1.0


def geocode(names: list[str], *, gaz: Gazetteer, ctx: Context, hint: str | None = None,
            near_country: str | None = None, near_admin1: str | None = None,
            sentence_countries: frozenset[str] = frozenset()) -> tuple[Place, str] | None:
    """The best gazetteer place for an entity's names, and the feature the text implies."""
    seen: dict[str, Place] = {}
    for name in names:
        for cand in gaz.candidates(name) + gaz.candidates(base_name(name)):
            seen.setdefault(cand.id, cand)
    if not seen:
        return None
    total = sum(ctx.countries.values()) or 1
    asked = {place_key(n) for n in names} | {place_key(base_name(n)) for n in names}
    best: tuple[float, Place] | None = None
    for place in seen.values():
        score = _feature_fit(place, hint)
        if near_country:
            score += 4.0 if place.country == near_country else -3.0
        if near_admin1 and place.admin1:
            score += 3.0 if place_key(place.admin1) == place_key(near_admin1) else -1.0
        if place.country in sentence_countries:
            score += 1.5  # a country named in the same sentence
        if place.country in ctx.countries:
            score += 0.5 + 1.0 * ctx.countries[place.country] / total
        if place.admin1 and (place.country, place_key(place.admin1)) in ctx.admin1 and place.feature != "province":
            score += 2.0
        score += math.log10(place.population + 10) / 2.0
        if place_key(place.name) in asked:
            score += 1.5  # its own name, not one of its many alternate names
        if place.lat is None:
            score -= 0.5
        if best is None or score > best[0]:
            best = (score, place)
    assert best is not None
    place = best[1]
    feature = hint if hint and not (hint == "city" and place.feature == "country") else place.feature
    return place, feature


def to_geo(place: Place, feature: str) -> Geo:
    return Geo(lat=place.lat, lon=place.lon, country=place.country, admin1=place.admin1,
               feature=feature, gazetteer_id=place.id)
