"""Rank gazetteer candidates for the place mentions of one article, jointly.

Why jointly: a name alone ("Dublin", "Paris", "Georgia") has a dozen homes; what picks one is
what else the article names. Each mention's candidates are first scored on their own (what
the words around the mention say, the countries the article names, the feature the text
implies, the population as a prior); then each choice is revisited in the light of the
others' (the same province, the same country, a neighbour within ``near_km``), twice, the way
a reader settles "Dublin" once "Laurens County" and "Ga." have been read. One name keeps one
place within an article ("one sense per discourse").

This module knows no text: ``khabar.nlp.places`` reads the cues from the words and hands them
here with the candidates. The weights were chosen on the ``tune`` half of LGL
(``docs/eval/geocode.md``) and checked on the conflict-news gates.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from khabar.model import Geo
from khabar.nlp.gazetteer import Place, place_key

__all__ = ["Cue", "Context", "Weights", "WEIGHTS", "haversine_km", "to_geo", "feature_fit", "local_score",
           "resolve"]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class Cue:
    """What the words right around one mention say about it."""

    hint: str | None = None  # the feature a designator or settlement word implies
    near_country: str | None = None  # "Mastung, Pakistan", "Russia's Vladimir oblast", "the Iranian city of"
    near_admin1: str | None = None  # "Kulob in Khatlon province", "Alexandria, La."
    sentence_countries: frozenset[str] = frozenset()
    base: str | None = None  # the name's key without its designator ("rapides" for "Rapides Parish")


@dataclass
class Context:
    """What the whole article says about geography."""

    countries: Counter  # ISO2 -> mentions (countries, demonyms, resolved KB places)
    admin1: set[tuple[str, str]] = field(default_factory=set)  # (cc, admin1 key) named with a designator


@dataclass(frozen=True)
class Weights:
    """Score terms; the defaults are the ones chosen on LGL tune."""

    population: float = 0.8  # per decade of population (people inside, for provinces and districts)
    own_name: float = 1.5  # the candidate's own name, not one of its alternate names
    near_country: float = 4.0
    far_country: float = -3.0
    near_admin1: float = 3.0
    far_admin1: float = -1.0
    sentence_country: float = 0.5
    article_country: float = 0.0
    article_country_share: float = 1.0
    article_admin1: float = 2.0
    no_point: float = -0.5
    same_admin1: float = 6.0  # another name of the article resolved inside the same province
    same_admin2: float = 2.0  # ... inside the same district (a town and its county)
    same_country_share: float = 1.0
    near: float = 3.0  # another resolved town or district within near_km
    near_km: float = 150.0
    min_names: int = 2  # shares of the other names are taken over at least this many
    capital: float = 0.5
    capital_over_province: float = 2.0
    rounds: int = 3  # sweeps over the choices, each revisited given the others
    shortlist: int = 20  # candidates per name kept after their own scores
    restarts: int = 8  # runners-up per name tried as the start of another reading ...
    restart_margin: float = 5.0  # ... when their own score is this close to the first's
    max_restarts: int = 40  # at most this many readings per article, the closest first


WEIGHTS = Weights()


def to_geo(place: Place, feature: str) -> Geo:
    return Geo(lat=place.lat, lon=place.lon, country=place.country, admin1=place.admin1,
               feature=feature, gazetteer_id=place.id)


def feature_fit(place: Place, hint: str | None) -> float:
    """How well the candidate's feature fits the one the words imply ("Vladimir oblast")."""
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


@lru_cache(maxsize=1 << 16)
def _key(name: str) -> str:
    """``place_key``, remembered: the same few thousand names are compared over and over."""
    return place_key(name)


def _admin1_key(place: Place) -> tuple[str, str] | None:
    if not place.country or not place.admin1:
        return None
    return place.country, _key(place.admin1)


def local_score(place: Place, asked: set[str], cue: Cue, ctx: Context, w: Weights = WEIGHTS) -> float:
    """A candidate's score from the mention and the article alone, before the other choices."""
    score = feature_fit(place, cue.hint)
    if cue.near_country:
        score += w.near_country if place.country == cue.near_country else w.far_country
    if cue.near_admin1 and place.admin1:
        score += w.near_admin1 if _key(place.admin1) == _key(cue.near_admin1) else w.far_admin1
    if place.country in cue.sentence_countries:
        score += w.sentence_country
    if place.country in ctx.countries:
        total = sum(ctx.countries.values()) or 1
        score += w.article_country + w.article_country_share * ctx.countries[place.country] / total
    a1 = _admin1_key(place)
    if place.feature != "province" and a1 in ctx.admin1 and a1[1] != cue.base:  # type: ignore[index]
        score += w.article_admin1  # a province the article names, other than by this very mention
    score += w.population * math.log10(max(place.population, place.inside) + 10)
    key = _key(place.name)
    if key in asked or (key == cue.base and place.feature != "city"):
        score += w.own_name  # "Henderson County" names the county by its own name, not the town
    if place.capital:
        score += w.capital
    if place.lat is None:
        score += w.no_point
    return score


def _admin2_key(place: Place) -> tuple[str, str, str] | None:
    a1 = _admin1_key(place)
    return (*a1, _key(place.admin2)) if a1 and place.admin2 else None


def _has_point(place: Place) -> bool:
    return place.lat is not None and place.lon is not None and place.feature in ("city", "district", "facility")


class _Board:
    """The places chosen so far and the pull they exert; one per article. Counts are kept for
    the whole board and each choice is weighed against all the others (its own share taken
    out), so that revisiting one choice costs a few look-ups, not a pass over the article."""

    def __init__(self, base: dict[str, dict[str, tuple[float, Place]]], fixed: Sequence[tuple[str, Place]],
                 w: Weights) -> None:
        self.base, self.w = base, w
        self.fixed = list({key: place for key, place in fixed if key not in base}.values())
        self._near: dict[tuple[str, str], bool] = {}
        self._keys: dict[str, tuple[tuple[str, str] | None, tuple[str, str, str] | None, bool]] = {}

    def near(self, a: Place, b: Place) -> bool:
        key = (a.id, b.id)
        hit = self._near.get(key)
        if hit is None:
            hit = self._near[key] = abs(a.lat - b.lat) < 2 and \
                haversine_km(a.lat, a.lon, b.lat, b.lon) <= self.w.near_km  # type: ignore[arg-type]
        return hit

    def keys(self, place: Place) -> tuple[tuple[str, str] | None, tuple[str, str, str] | None, bool]:
        """(admin1 key, admin2 key, has a point) of a place, worked out once per article."""
        hit = self._keys.get(place.id)
        if hit is None:
            hit = self._keys[place.id] = (_admin1_key(place), _admin2_key(place), _has_point(place))
        return hit

    def tally(self, assign: dict[str, Place]) -> tuple[Counter, list[Place]]:
        counts: Counter = Counter()
        points: list[Place] = []
        for place in [*self.fixed, *assign.values()]:
            a1, a2, point = self.keys(place)
            counts["*"] += 1
            counts[place.country] += 1
            counts[a1] += 1
            counts[a2] += 1
            if point:
                points.append(place)
        return counts, points

    def pull(self, place: Place, own: Place, counts: Counter, points: list[Place]) -> float:
        """The other choices' pull on ``place`` as the choice for the name now holding ``own``;
        each term is a share of the other names, so one Chicago among fifteen names does not
        draw "Washington" to Illinois."""
        w = self.w
        names = counts["*"] - 1
        if names <= 0:
            return 0.0
        share = 1.0 / max(names, w.min_names)
        score = 0.0
        if place.country:
            score += w.same_country_share * (counts[place.country] - (own.country == place.country)) * share
        a1, a2, point = self.keys(place)
        own_a1, own_a2, own_point = self.keys(own)
        if a1:
            score += w.same_admin1 * (counts[a1] - (own_a1 == a1)) * share
            if a2:
                score += w.same_admin2 * (counts[a2] - (own_a2 == a2)) * share
        if point and place.feature != "facility":
            near = sum(1 for p in points if self.near(place, p)) - (own_point and self.near(place, own))
            score += w.near * near * share
        return score

    def settle(self, assign: dict[str, Place]) -> tuple[dict[str, Place], float]:
        """Revisit each choice in turn given the others until none changes; the assignment and
        its total score (every name's own score plus the pull of the others on it)."""
        assign = dict(assign)
        tallied: tuple[Counter, list[Place]] | None = None
        for _ in range(self.w.rounds):
            changed = False
            for key, scored in self.base.items():
                if len(scored) == 1:  # nothing to choose between: the choice stands
                    continue
                if tallied is None:  # counted again only after a choice changed
                    tallied = self.tally(assign)
                counts, points = tallied
                own = assign[key]
                pick = max(scored.values(), key=lambda sp: sp[0] + self.pull(sp[1], own, counts, points))[1]
                if pick is not own:
                    assign[key], changed, tallied = pick, True, None
            if not changed:
                break
        counts, points = self.tally(assign)
        total = sum(self.base[k][p.id][0] + self.pull(p, p, counts, points) for k, p in assign.items())
        return assign, total


def _capital_over_province(scored: dict[str, tuple[float, Place]], w: Weights) -> None:
    """A capital outranks a province of its own name ("Washington", "Baghdad", "Khartoum"):
    news names the capital far more often, whatever the province's population."""
    provinces = {_key(p.name) for _, p in scored.values() if p.feature == "province"}
    for pid, (s, p) in list(scored.items()):
        if p.capital and _key(p.name) in provinces:
            scored[pid] = (s + w.capital_over_province, p)


def resolve(keys: Sequence[str], candidates: Sequence[Sequence[Place]], asked: Sequence[set[str]],
            cues: Sequence[Cue], ctx: Context, *, fixed: Sequence[tuple[str, Place]] = (),
            weights: Weights = WEIGHTS) -> list[Place | None]:
    """The chosen place for each mention. ``keys`` group mentions of one name (they get one
    place); ``fixed`` are places already known (countries, KB places) that pull the others.

    Each name starts at its best candidate on its own; every choice is then revisited given
    the others (``_Board.settle``). That can settle in the wrong reading when two readings are
    each coherent ("Huntsville" and "Walker County" fit Alabama and Texas alike), so the
    settling is also started from the close runners-up, and the reading with the best total
    wins."""
    w = weights
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    base: dict[str, dict[str, tuple[float, Place]]] = {}
    for key, members in groups.items():
        best: dict[str, tuple[float, Place]] = {}
        for i in members:
            for place in candidates[i]:
                s = local_score(place, asked[i], cues[i], ctx, w)
                if place.id not in best or s > best[place.id][0]:
                    best[place.id] = (s, place)
        if best:
            if not any(cues[i].hint in ("province", "district") for i in members):
                _capital_over_province(best, w)
            base[key] = dict(sorted(best.items(), key=lambda kv: -kv[1][0])[:w.shortlist])
    board = _Board(base, fixed, w)
    start = {k: next(iter(v.values()))[1] for k, v in base.items()}
    choice, best_total = board.settle(start)
    seeds = []
    for key, scored in base.items():
        ranked = list(scored.values())
        seeds += [(ranked[0][0] - s, n, key, place) for n, (s, place) in enumerate(ranked[1:w.restarts + 1])
                  if ranked[0][0] - s <= w.restart_margin]
    for _, _, key, place in sorted(seeds, key=lambda t: (t[0], t[1]))[:w.max_restarts]:
        assign, total = board.settle({**start, key: place})
        if total > best_total + 1e-9:
            choice, best_total = assign, total
    return [choice.get(key) for key in keys]
