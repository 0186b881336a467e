"""Geocode place mentions using the article as context.

Picking the most populous match is right only about half the time on news, so each
candidate is scored by what the article says around it: an adjacent country ("Mastung,
Pakistan"), a containing province ("Kulob in Khatlon province", "Alexandria, La."), a demonym
("the Iranian city of Kerman"), the other countries the article names, the designator the text
uses ("Vladimir oblast" is a province, not the city), where the article's other names were
resolved, and only then population. This module reads those cues from the words;
``khabar.nlp.geo_rank`` weighs them.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc

from khabar.model import Geo
from khabar.nlp.gazetteer import Gazetteer, Place, place_key
from khabar.nlp.geo_rank import WEIGHTS, Context, Cue, Weights, haversine_km, resolve, to_geo
from khabar.nlp.kb import KnowledgeBase
from khabar.nlp.mentions import DESIGNATOR_FEATURE, Mention
from khabar.nlp.pipeline import doc_text

__all__ = ["Context", "Cue", "geocode_mentions", "rank_mentions", "article_context", "mention_cues", "local_constraints",
           "sentence_countries", "candidates", "base_name", "designator_hint", "haversine_km", "to_geo"]

# designators the mention finder does not fold in but the gazetteer's names carry
_HINTS = {**DESIGNATOR_FEATURE, "parish": "district", "borough": "district", "co.": "district"}
_VARIANTS = (("mt", "mount"), ("ft", "fort"), ("pt", "point"), ("st", "saint"))


def designator_hint(name: str) -> str | None:
    """The feature a trailing designator implies: "Rapides Parish" is a district."""
    words = name.split()
    return _HINTS.get(words[-1].lower()) if len(words) > 1 else None


def base_name(name: str) -> str:
    """The name without its trailing designator ("Anbar province" -> "Anbar")."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _HINTS:
        return " ".join(words[:-1])
    return name


def _spellings(name: str) -> list[str]:
    """The name and the other spelling of a leading "Mt."/"Ft."/"St." word."""
    out = [name]
    first, _, rest = name.partition(" ")
    if rest:
        short = first.lower().rstrip(".")
        for a, b in _VARIANTS:
            if short in (a, b):
                out.append(f"{b if short == a else a} {rest}")
    return out


_DEMONYM_ENDINGS = (("ians", "ia"), ("ian", "ia"), ("ians", "io"), ("ans", "a"), ("an", "a"), ("ans", ""),
                    ("an", ""), ("ese", ""), ("i", ""), ("is", ""), ("ns", ""), ("ers", ""), ("ites", ""))


def _demonym_bases(word: str) -> list[str]:
    """Names a demonym may come from, by the common English endings: 'Dagestani' -> Dagestan,
    'South Ossetian' -> South Ossetia, 'Ontarians' -> Ontario, 'New Londoners' -> New London."""
    out = []
    for ending, repl in _DEMONYM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: len(word) - len(ending)] + repl)
    return out


def candidates(name: str, gaz: Gazetteer) -> list[Place]:
    """Every gazetteer place the name may mean; a demonym ("Sudanese") means its country, and a
    name with no entry of its own may be a demonym of a province or region ("Dagestani")."""
    code = gaz.country_of_demonym(name)
    if code and gaz.country(code) is not None:
        return [gaz.country(code)]
    seen: dict[str, Place] = {}
    for spelling in [*_spellings(name), *_spellings(base_name(name))]:
        for p in gaz.candidates(spelling):
            seen.setdefault(p.id, p)
    if not seen and name[:1].isupper():
        features = {"country", "province", "region"}
        if name.endswith(("ers", "ites")):
            features.add("city")  # "New Londoners", "Brooklynites": the people of a town
        for base in _demonym_bases(name):
            for p in gaz.candidates(base):
                if p.feature in features:
                    seen.setdefault(p.id, p)
            if not seen and base.endswith("a"):
                for p in gaz.candidates(base[:-1] + "e"):  # European -> Europe
                    if p.feature == "region":
                        seen.setdefault(p.id, p)
    return list(seen.values())


def _namesakes(name: str, country: Place, gaz: Gazetteer) -> list[Place]:
    """Places that carry a country's name as their own ("Palestine", Texas; the US state of
    Georgia): only these may take a country name from the country, and only in context."""
    key = place_key(name)
    return [p for p in gaz.candidates(name) if p is not country and p.feature in ("city", "province")
            and place_key(p.name) == key and p.lat is not None]


def _base_key(name: str) -> str | None:
    base = base_name(name)
    return place_key(base) if base != name else None


def _asked(name: str) -> set[str]:
    return {place_key(s) for s in _spellings(name)}


def article_context(mentions: list[Mention], gaz: Gazetteer) -> Context:
    """Countries and provinces the whole article names (countries, demonyms, KB places)."""
    countries: Counter = Counter()
    admin1: set[tuple[str, str]] = set()
    for m in mentions:
        if m.country and m.type in ("place", "norp"):
            countries[m.country] += 1
        if m.type == "place" and m.feature == "province":
            for p in gaz.candidates(base_name(m.text)):
                if p.feature == "province" and p.country:
                    admin1.add((p.country, place_key(p.name)))
    return Context(countries, admin1)


def sentence_countries(doc: Doc, m: Mention, mentions: list[Mention]) -> frozenset[str]:
    """Countries named in the mention's own sentence."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return frozenset()
    lo, hi = span.sent.start_char, span.sent.end_char
    return frozenset(x.country for x in mentions if x.country and lo <= x.start < hi and x is not m)


def _is_admin1(gaz: Gazetteer, name: str) -> bool:
    return any(p.feature == "province" for p in gaz.candidates(name))


_STATE_AFTER = re.compile(r",\s*((?:[A-Z][a-z]{0,4}\.\s?){1,2}|[A-Z]{2}\b)")


def local_constraints(i: int, mentions: list[Mention], text: str, gaz: Gazetteer) -> tuple[str | None, str | None]:
    """Country and province that the words right around a place mention pin it to."""
    m = mentions[i]
    country = admin1 = None
    if i + 1 < len(mentions):
        nxt = mentions[i + 1]
        gap = text[m.end:nxt.start]
        if nxt.type == "place" and gap.strip() in (",", "in", ", in") and len(gap) <= 6:
            if nxt.feature == "country":
                country = nxt.country
            elif nxt.feature == "province" or (nxt.feature is None and _is_admin1(gaz, nxt.text)):
                admin1 = base_name(nxt.text)
    if admin1 is None and country is None:
        after = _STATE_AFTER.match(text, m.end)  # "Alexandria, La.", "Paris, TX": no mention needed
        state = gaz.abbreviation(after.group(1).strip()) if after else None
        if state is not None:
            admin1 = state.admin1 or state.name
    if i > 0:
        prev = mentions[i - 1]
        gap = text[prev.end:m.start]
        if prev.type == "place" and prev.feature == "country" and gap.strip() in ("'s", "\u2019s", "'", "\u2019"):
            country = prev.country
        if prev.type == "norp" and prev.country and m.start - prev.end <= 20 and gap.strip().lower() in (
            "city of", "town of", "village of", "province of", "region of", "capital", "city", "town"
        ):
            country = prev.country
    return country, admin1


def mention_cues(doc: Doc, mentions: list[Mention], gaz: Gazetteer) -> list[Cue | None]:
    """The cue of every place mention (None for other mentions)."""
    text = doc_text(doc)
    out: list[Cue | None] = []
    for i, m in enumerate(mentions):
        if m.type != "place":
            out.append(None)
            continue
        near_country, near_admin1 = local_constraints(i, mentions, text, gaz)
        out.append(Cue(m.feature or designator_hint(m.text), near_country, near_admin1,
                       sentence_countries(doc, m, mentions), _base_key(m.text)))
    return out


def _feature(place: Place, hint: str | None) -> str:
    return hint if hint and not (hint == "city" and place.feature == "country") else place.feature


def geocode_mentions(doc: Doc, mentions: list[Mention], *, gaz: Gazetteer, kb: KnowledgeBase,
                     weights: Weights = WEIGHTS) -> dict[int, tuple[str, Geo | None]]:
    """Every place mention's clustering key and point, all resolved together in the article's
    context (``geo_rank.resolve``)."""
    return rank_mentions(mentions, mention_cues(doc, mentions, gaz), gaz=gaz, kb=kb, weights=weights)


def rank_mentions(mentions: list[Mention], cues: list[Cue | None], *, gaz: Gazetteer, kb: KnowledgeBase,
                  weights: Weights = WEIGHTS) -> dict[int, tuple[str, Geo | None]]:
    """``geocode_mentions`` once the cues are read (the part that needs no parse)."""
    ctx = article_context(mentions, gaz)
    place_of: dict[int, tuple[str, Geo | None]] = {}
    fixed: list[tuple[str, Place]] = []
    ranked: list[int] = []
    for i, m in enumerate(mentions):
        if m.type != "place":
            continue
        if m.kb_id:
            e = kb.entries[m.kb_id]
            place_of[i] = (f"kb:{e.id}", Geo(lat=e.lat, lon=e.lon, country=e.country, admin1=e.admin1,
                                            feature=e.feature or "facility", gazetteer_id=f"kb:{e.id}"))
            fixed.append((f"kb:{e.id}", Place(f"kb:{e.id}", e.name, e.feature or "facility", e.country,
                                              e.lat, e.lon, 0, e.admin1)))
        elif m.feature == "country" and m.country:
            p = gaz.country(m.country)
            if p is not None and _namesakes(m.text, p, gaz):
                ranked.append(i)  # "Palestine", "Lebanon", "Georgia": a town or a state may win
                continue
            place_of[i] = (f"country:{m.country}", to_geo(p, "country") if p else Geo(country=m.country, feature="country"))
            if p is not None:
                fixed.append((p.id, p))
        else:
            ranked.append(i)
    names = [mentions[i].text for i in ranked]
    lists: list[list[Place]] = []
    ranked_cues: list[Cue] = []
    for i, name in zip(ranked, names, strict=True):
        m, cue = mentions[i], cues[i] or Cue()
        if m.feature == "country" and m.country and gaz.country(m.country) is not None:
            country = gaz.country(m.country)
            lists.append([country, *_namesakes(name, country, gaz)])
            cue = Cue(None, cue.near_country, cue.near_admin1, cue.sentence_countries, cue.base)
        else:
            lists.append(candidates(name, gaz))
        ranked_cues.append(cue)
    chosen = resolve([place_key(n) for n in names], lists, [_asked(n) for n in names], ranked_cues, ctx,
                     fixed=fixed, weights=weights)
    for i, place, cue in zip(ranked, chosen, ranked_cues, strict=True):
        m = mentions[i]
        if place is None:
            place_of[i] = (f"name:{place_key(base_name(m.text))}", None)
            continue
        feature = "country" if place.feature == "country" else _feature(place, cue.hint)
        place_of[i] = (place.id if feature == place.feature or place.feature != "city" else f"{place.id}:{feature}",
                       to_geo(place, feature))
    return place_of
