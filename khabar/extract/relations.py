"""Relations between entities: what the article states, and what the KB knows.

Stated relations carry the sentence as evidence; KB relations are marked ``basis: kb``
and are emitted only between entities the article names.
"""

from __future__ import annotations

import re

from khabar.model import Entity, Relation, Span
from khabar.nlp.kb import load_kb

__all__ = ["find_relations"]

_KB_TYPES = {"affiliate_of": "affiliate_of", "hostile_to": "hostile_to", "linked_to": "linked_to",
             "allied_with": "allied_with", "part_of": "member_of"}
_PATTERNS = [
    (re.compile(r"^\W*(?:is|was|,)?\s*(?:an?|the)\s+(?:\w+\s+)?(?:affiliate|branch|offshoot|franchise|wing|faction|province)\s+of\s*(?:the\s+)?$", re.I), "affiliate_of"),
    (re.compile(r"^\W*(?:has|have|had)?\s*(?:also\s+)?(?:pledged|sworn|swore)\s+(?:its\s+|their\s+)?(?:allegiance|loyalty)\s+to\s*(?:the\s+)?$", re.I), "affiliate_of"),
    (re.compile(r"^\W*(?:is|was|are|were)?\s*(?:closely\s+)?(?:linked|allied|aligned|affiliated)\s+(?:to|with)\s*(?:the\s+)?$", re.I), "linked_to"),
    (re.compile(r"^\s*[-\u2013]\s*(?:linked|backed|aligned|affiliated|allied|funded|sponsored)\s+(?:\w+\s+){0,3}?$", re.I), "linked_to_rev"),
    (re.compile(r"^\s*(?:and|,)\s*(?:the\s+)?$", re.I), "pair"),
]
_HOSTILE = re.compile(r"\b(enem(?:y|ies)|rivals?|foes?|fight(?:s|ing)?\s+each\s+other)\b", re.I)


def find_relations(text: str, entities: list[Entity], sentences: list[tuple[int, int]]) -> list[Relation]:
    rels: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()

    def add(type_: str, a: str, b: str, ev: list[Span], basis: str) -> None:
        if a == b or (type_, a, b) in seen:
            return
        seen.add((type_, a, b))
        rels.append(Relation(type_, a, b, ev, basis))

    orgs = [e for e in entities if e.type == "organization"]
    mentions = sorted((m.start, m.end, e.id) for e in orgs for m in e.mentions)
    for s_lo, s_hi in sentences:
        inside = [m for m in mentions if s_lo <= m[0] < s_hi]
        for (_a_lo, a_hi, a), (b_lo, _b_hi, b) in zip(inside, inside[1:], strict=False):
            gap = text[a_hi:b_lo]
            evidence = [Span(s_lo, s_hi, text[s_lo:s_hi])]
            for pattern, type_ in _PATTERNS:
                if pattern.match(gap):
                    if type_ == "linked_to_rev":
                        add("linked_to", b, a, evidence, "text")
                    elif type_ == "pair":
                        if _HOSTILE.search(text[b_lo:s_hi][:80]):
                            add("hostile_to", a, b, evidence, "text")
                    else:
                        add(type_, a, b, evidence, "text")
                    break
    kb = load_kb()
    present = {e.kb_id: e.id for e in entities if e.kb_id}
    for kb_id, eid in present.items():
        entry = kb.get(kb_id)
        if entry is None:
            continue
        for key, targets in entry.relations.items():
            for t in targets:
                if t in present and key in _KB_TYPES:
                    add(_KB_TYPES[key], eid, present[t], [], "kb")
    return rels
