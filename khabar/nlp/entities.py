"""Group mentions into entities (one per real-world thing) and describe each one.

Mentions join when they share a KB entry, a country, a geocoded place, a normalised
name, an explicit alias pattern, or (for persons) a surname or given name that points at
exactly one full name in the article. Canonical names come from the KB where known.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from khabar.model import Entity, Geo, Span
from khabar.nlp.gazetteer import Gazetteer, load_gazetteer, place_key
from khabar.nlp.kb import KnowledgeBase, load_kb
from khabar.nlp.mentions import Mention
from khabar.nlp.pipeline import doc_text
from khabar.nlp.places import Context, base_name, geocode, to_geo
from khabar.nlp.text import norm_name

__all__ = ["build_entities"]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _context(mentions: list[Mention], gaz: Gazetteer) -> Context:
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


def _sentence_countries(doc: Doc, m: Mention, mentions: list[Mention]) -> frozenset[str]:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return frozenset()
    lo, hi = span.sent.start_char, span.sent.end_char
    return frozenset(x.country for x in mentions if x.country and lo <= x.start < hi and x is not m)


def _is_admin1(name: str) -> bool:
    return any(p.feature == "province" for p in load_gazetteer().candidates(name))


def _local_constraints(i: int, mentions: list[Mention], text: str) -> tuple[str | None, str | None]:
    """Country and province that the words right around a place mention pin it to."""
    m = mentions[i]
    country = admin1 = None
    if i + 1 < len(mentions):
        nxt = mentions[i + 1]
        gap = text[m.end:nxt.start]
        if nxt.type == "place" and gap.strip() in (",", "in", ", in") and len(gap) <= 6:
            if nxt.feature == "country":
                country = nxt.country
            elif nxt.feature == "province" or (nxt.feature is None and _is_admin1(nxt.text)):
                admin1 = base_name(nxt.text)
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


def build_entities(doc: Doc, mentions: list[Mention], *, published: str | None = None,
                   kb: KnowledgeBase | None = None) -> tuple[list[Entity], dict[int, str]]:
    """Entities in order of first mention, and a map from mention index to entity id."""
    kb = kb or load_kb()
    gaz = load_gazetteer()
    text = doc_text(doc)
    ctx = _context(mentions, gaz)
    n = len(mentions)
    uf = _UnionFind(n)

    # geocode place mentions one by one, with local constraints
    place_of: dict[int, tuple[str, Geo | None]] = {}
    for i, m in enumerate(mentions):
        if m.type != "place":
            continue
        if m.feature == "country" and m.country:
            p = gaz.country(m.country)
            place_of[i] = (f"country:{m.country}", to_geo(p, "country") if p else Geo(country=m.country, feature="country"))
            continue
        if m.kb_id:
            e = kb.entries[m.kb_id]
            place_of[i] = (f"kb:{e.id}", Geo(lat=e.lat, lon=e.lon, country=e.country, admin1=e.admin1,
                                            feature=e.feature or "facility", gazetteer_id=f"kb:{e.id}"))
            continue
        near_country, near_admin1 = _local_constraints(i, mentions, text)
        hit = geocode([m.text], gaz=gaz, ctx=ctx, hint=m.feature, near_country=near_country,
                      near_admin1=near_admin1, sentence_countries=_sentence_countries(doc, m, mentions))
        if hit is None:
            place_of[i] = (f"name:{place_key(base_name(m.text))}", None)
        else:
            place, feature = hit
            place_of[i] = (place.id if feature == place.feature or place.feature != "city" else f"{place.id}:{feature}",
                           to_geo(place, feature))

    _contain_facilities(mentions, place_of, text)

    # cluster
    keys: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if m.type == "norp":
            continue
        if m.kb_id:
            key = f"kb:{m.kb_id}"
        elif m.type == "place":
            key = place_of[i][0]
        else:
            key = f"{m.type}:{norm_name(m.text)}"
        if key in keys:
            uf.union(keys[key], i)
        else:
            keys[key] = i
        for j in m.same_as:
            if mentions[j].type != "norp":
                uf.union(i, j)
    _link_person_names(mentions, uf)
    # "Anantnag district" and "Anantnag" in one article are one place
    by_base: dict[tuple[str, str | None], int] = {}
    for i, m in enumerate(mentions):
        if m.type == "place" and m.feature != "country" and not m.kb_id:
            geo = place_of.get(i, (None, None))[1]
            key = (place_key(base_name(m.text)), geo.country if geo else None)
            if key in by_base:
                uf.union(by_base[key], i)
            else:
                by_base[key] = i

    clusters: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        if m.type != "norp":
            clusters.setdefault(uf.find(i), []).append(i)
    entities: list[Entity] = []
    owner: dict[int, str] = {}
    for members in sorted(clusters.values(), key=lambda ms: mentions[ms[0]].start):
        ent = _make_entity(f"e{len(entities) + 1}", [mentions[i] for i in members],
                           [place_of.get(i) for i in members], kb, published)
        entities.append(ent)
        for i in members:
            owner[i] = ent.id
    return entities, owner


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _contain_facilities(mentions: list[Mention], place_of: dict, text: str) -> None:
    """A facility no gazetteer knows takes the point of the place the text puts it in:
    'the Hayat Hotel in Mogadishu', or else the dateline's city."""
    dateline = next((i for i, m in enumerate(mentions) if m.source == "dateline" and i in place_of
                     and place_of[i][1] is not None and place_of[i][1].feature != "country"), None)
    for i, m in enumerate(mentions):
        if m.type != "place" or i not in place_of or place_of[i][1] is not None:
            continue
        host = None
        for j in range(i + 1, min(i + 3, len(mentions))):
            gap = text[m.end:mentions[j].start].strip().lower()
            if mentions[j].type == "place" and gap in (",", "in", "near", "outside", "on the outskirts of") \
                    and j in place_of and place_of[j][1] is not None:
                host = j
                break
        if host is None and m.feature == "facility":
            host = dateline
        if host is not None:
            g = place_of[host][1]
            place_of[i] = (place_of[i][0], Geo(lat=g.lat, lon=g.lon, country=g.country, admin1=g.admin1,
                                               feature="facility", gazetteer_id=f"within:{g.gazetteer_id}"))


def _link_person_names(mentions: list[Mention], uf: _UnionFind) -> None:
    """'Fayzov' is 'Aminjon Fayzov' when exactly one full name in the article ends so."""
    full: dict[str, set[int]] = {}
    for i, m in enumerate(mentions):
        words = [w for w in norm_name(m.text).split() if w not in _SUFFIXES]
        if m.type == "person" and len(words) >= 2:
            for w in (words[-1], words[0]):
                full.setdefault(w, set()).add(uf.find(i))
    for i, m in enumerate(mentions):
        words = norm_name(m.text).split()
        if m.type == "person" and len(words) == 1:
            roots = full.get(words[0], set())
            roots = {uf.find(r) for r in roots}
            if len(roots) == 1:
                uf.union(next(iter(roots)), i)


def _make_entity(eid: str, ms: list[Mention], places: list, kb: KnowledgeBase, published: str | None) -> Entity:
    types = Counter(m.type for m in ms)
    type_ = types.most_common(1)[0][0]
    kb_ids = [m.kb_id for m in ms if m.kb_id]
    entry = kb.get(kb_ids[0]) if kb_ids else None
    surface = []
    for m in ms:
        if m.text not in surface:
            surface.append(m.text)
    if entry is not None and entry.type == type_:
        name, kind = entry.at(published)
        name = entry.name
        known = [a for a in entry.aliases if a not in surface]
        aliases = [s for s in surface if s != name] + [a for a in known if a != name]
        ent = Entity(eid, type_, name, aliases, kind=kind, kb_id=entry.id, qid=entry.qid)
    else:
        name = max(surface, key=lambda s: (len(s.split()), len(s))) if type_ == "person" else surface[0]
        if type_ == "place":
            bases = [base_name(s) for s in surface if not (s.isupper() and len(s) > 4)] or \
                    [base_name(s).title() for s in surface]
            name = Counter(bases).most_common(1)[0][0]
        ent = Entity(eid, type_, name, [s for s in surface if s != name])
    if type_ == "place":
        geos = [p[1] for p in places if p and p[1] is not None]
        if geos:
            ent.geo = geos[0]
            for g in geos:
                if g.feature in ("province", "district", "city") and ent.geo.feature == "city" and g.feature != "city":
                    ent.geo.feature = g.feature
            ent.kind = ent.geo.feature
    ent.mentions = [Span(m.start, m.end, m.text) for m in ms]
    return ent
