"""Group mentions into entities (one per real-world thing) and describe each one.

Mentions join when they share a KB entry, a country, a geocoded place, a normalised
name, an explicit alias pattern, or (for persons) a surname or given name that points at
exactly one full name in the article. Canonical names come from the KB where known.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from khabar.model import Entity, Geo, Span
from khabar.nlp.gazetteer import load_gazetteer, place_key
from khabar.nlp.kb import KnowledgeBase, load_kb
from khabar.nlp.mentions import Mention
from khabar.nlp.pipeline import doc_text
from khabar.nlp.places import base_name, geocode_mentions
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


def build_entities(doc: Doc, mentions: list[Mention], *, published: str | None = None,
                   kb: KnowledgeBase | None = None) -> tuple[list[Entity], dict[int, str]]:
    """Entities in order of first mention, and a map from mention index to entity id."""
    kb = kb or load_kb()
    text = doc_text(doc)
    n = len(mentions)
    uf = _UnionFind(n)

    # geocode the place mentions together, each with its local cues (nlp.places)
    place_of = geocode_mentions(doc, mentions, gaz=load_gazetteer(), kb=kb)

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
