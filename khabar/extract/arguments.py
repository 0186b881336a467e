"""Arguments of a trigger: who did it, to whom, where, when, and how many died.

Roles come from the dependency parse: the subject or "by" agent acts; the object, the
passive subject or an "on/against" phrase is targeted; persons killed are victims. A
noun trigger takes its actor from a modifier ("an IS-K bombing", "a Taliban prison").
Pronouns and "the group" resolve to the nearest fitting entity before them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from khabar.extract.triggers import PATIENT_NOUNS, Trigger

__all__ = ["DocIndex", "Args", "collect_args", "clause_tokens", "entities_in", "residence_of"]

_SUBJ = ("nsubj", "csubj")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
_OBJ = ("dobj", "obj", "attr", "oprd")
_TARGET_PREPS = ("on", "against", "at", "upon", "targeting")
_VICTIM_TYPES = ("killing", "kidnapping")
_PATIENT_TYPES = ("arrest", "recruitment", "kidnapping", "accusation", "killing")
_FEATURE_RANK = {"facility": 0, "neighbourhood": 1, "city": 2, "district": 3, "province": 4, "region": 5,
                 "country": 6, None: 7}
_PEOPLE_NOUNS = {"official", "officials", "minister", "nationals", "national", "citizen", "citizens", "man", "men",
                 "woman", "women", "people", "troops", "soldier", "soldiers", "forces", "diplomat", "diplomats",
                 "authorities", "government", "leader", "leaders", "president", "spokesman", "media", "embassy"}
_KILL_VERBS = {"kill", "murder", "assassinate", "execute", "behead", "massacre", "slay"}
_RESIDENCE_NOUNS = {"resident", "native", "citizen", "national", "inhabitant", "commander", "minister", "governor",
                    "mayor"}
WEAPONS = {"gun", "rifle", "pistol", "knife", "machete", "axe", "bomb", "explosive", "grenade", "missile",
           "rocket", "drone", "vehicle", "car", "truck", "motorcycle", "weapon", "firearm", "ied", "mortar",
           "artillery", "shell", "mine", "belt", "vest", "kalashnikov", "ak-47", "sword", "stone", "acid",
           "arrow", "shotgun", "launcher", "bullet", "gunfire", "fire"}
_GROUP_NOUNS = {"group", "organization", "organisation", "movement", "militia", "outfit", "faction"}


@dataclass
class DocIndex:
    """Token -> entity id, and entity id -> (type, kind, feature, country), for one document."""

    token_entity: dict[int, str]
    info: dict[str, tuple[str, str | None, str | None, str | None]]
    mention_starts: list[tuple[int, str]]  # (token index, entity id) in document order

    def entity_of(self, tok: Token) -> str | None:
        return self.token_entity.get(tok.i)

    def type_of(self, eid: str) -> str:
        return self.info[eid][0]

    def most_mentioned_before(self, tok: Token, type_: str, *, kinds: tuple[str, ...]) -> str | None:
        """The most salient entity so far: most mentions before ``tok``, the latest on a tie."""
        counts: dict[str, tuple[int, int]] = {}
        for i, eid in self.mention_starts:
            if i >= tok.i:
                break
            t, kind, _, _ = self.info[eid]
            if t == type_ and kind in kinds:
                n, _ = counts.get(eid, (0, 0))
                counts[eid] = (n + 1, i)
        return max(counts, key=lambda e: counts[e]) if counts else None

    def last_before(self, tok: Token, type_: str, *, kinds: tuple[str, ...] | None = None,
                    window: int = 80) -> str | None:
        """The entity of that type mentioned last before ``tok``, within ``window`` tokens."""
        best = None
        for i, eid in self.mention_starts:
            if i >= tok.i:
                break
            if tok.i - i > window:
                continue
            t, kind, _, _ = self.info[eid]
            if t == type_ and (kinds is None or kind in kinds):
                best = eid
        return best


@dataclass
class Args:
    actors: list[tuple[str, Token]] = field(default_factory=list)
    targets: list[tuple[str, Token]] = field(default_factory=list)
    victims: list[tuple[str, Token]] = field(default_factory=list)
    instruments: list[tuple[str | None, Token]] = field(default_factory=list)
    places: list[tuple[str, Token]] = field(default_factory=list)
    alleged: bool = False


_OUTCOME_VERBS = {"wound", "injure", "hurt", "kill", "leave", "maim"}


def clause_tokens(trig: Token) -> list[Token]:
    """The trigger's subtree without coordinated clauses (their own events).

    Coordinated outcome verbs stay in ("killed nearly 100 people and wounded scores").
    """
    out: list[Token] = []
    stack = [trig]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if t.i == trig.i and c.dep_ in ("cc", "parataxis"):
                continue
            if c.dep_ == "conj" and (t.i == trig.i or c.pos_ in ("VERB", "AUX")) and c.lemma_.lower() not in _OUTCOME_VERBS:
                continue
            stack.append(c)
    return sorted(out, key=lambda t: t.i)


def entities_in(tok: Token, idx: DocIndex, *, types: tuple[str, ...], stop_at: set[int],
                 deep: bool = False) -> list[tuple[str, Token]]:
    """Entities named in the phrase headed by ``tok`` (appositions and conjuncts included).

    When the head itself names an entity, only it and its conjuncts/appositions count:
    "Taliban-linked outlet Al-Mersaad" is Al-Mersaad. ``deep`` searches the whole subtree.
    """
    out: list[tuple[str, Token]] = []
    head_eid = idx.entity_of(tok)
    if head_eid and idx.type_of(head_eid) in types and not deep:
        out.append((head_eid, tok))
        for c in tok.children:
            if c.dep_ in ("conj", "appos"):
                out += [x for x in entities_in(c, idx, types=types, stop_at=stop_at) if x[0] not in [e for e, _ in out]]
        return out
    if deep:
        for t in tok.subtree:
            eid = idx.entity_of(t)
            if eid and idx.type_of(eid) in types and eid not in [e for e, _ in out]:
                out.append((eid, t))
        return out
    stack = [tok]
    while stack:
        t = stack.pop()
        if t.i in stop_at and t.i != tok.i:
            continue
        eid = idx.entity_of(t)
        if eid and idx.type_of(eid) in types and eid not in [e for e, _ in out]:
            out.append((eid, t))
        for c in t.children:
            if c.dep_ in ("relcl", "acl", "advcl", "ccomp") or (c.dep_ == "prep" and c.lower_ not in ("of",)):
                continue
            stack.append(c)
    if not out:
        resolved = _resolve_anaphor(tok, idx)
        if resolved and idx.type_of(resolved) in types:
            out.append((resolved, tok))
    return out


def _resolve_anaphor(tok: Token, idx: DocIndex) -> str | None:
    low = tok.lower_
    if low in ("they", "he", "she", "it", "we") and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ccomp":
        # "Uzbek authorities said that they had detained ...": the speaker
        speaker = next((c for c in tok.head.head.children if c.dep_ == "nsubj"), None)
        found = entities_in(speaker, idx, types=("organization", "person"), stop_at=set()) if speaker is not None else []
        eid = found[0][0] if found else None
        if eid is not None:
            kind = idx.type_of(eid)
            if (low in ("he", "she") and kind == "person") or (low in ("they", "it", "we") and kind == "organization"):
                return eid
    if low in ("who", "that", "which") and tok.head.dep_ == "relcl":
        return idx.entity_of(tok.head.head)
    if low in ("he", "she", "him", "her"):
        return idx.last_before(tok, "person")
    if low in ("it", "its"):
        return idx.last_before(tok, "organization", window=40)
    if tok.lemma_.lower() in _GROUP_NOUNS and any(c.lower_ in ("the", "this") for c in tok.children):
        kinds = ("armed_group", "political_org", "criminal_group")
        # the previous sentence's subject is the likeliest antecedent ("IS-K remains ... The group killed")
        sent = tok.sent
        if sent.start > 0:
            prev = tok.doc[sent.start - 1].sent
            for t in prev:
                if t.dep_ in ("nsubj", "nsubjpass"):
                    eid = idx.entity_of(t)
                    if eid and idx.type_of(eid) == "organization" and idx.info[eid][1] in kinds:
                        return eid
        return idx.most_mentioned_before(tok, "organization", kinds=kinds)
    return None


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)


def collect_args(trig: Trigger, idx: DocIndex, *, other_triggers: set[int]) -> Args:
    a = Args()
    tok = trig.token
    actor_types = ("organization", "person", "place") if trig.type in ("accusation", "statement", "threat") else ("organization", "person")
    who = ("organization", "person", "place")
    killed = trig.type == "killing" or tok.lemma_.lower() in _KILL_VERBS
    patient_role = a.victims if trig.type in _VICTIM_TYPES or killed else a.targets
    stop = other_triggers - {tok.i}

    def add(lst, items):
        for eid, t in items:
            if eid not in [e for e, _ in lst]:
                lst.append((eid, t))

    if trig.pos == "verb":
        for c in tok.children:
            if c.dep_ in _SUBJ:
                if trig.type == "founding":
                    add(a.actors, entities_in(c, idx, types=("organization",), stop_at=stop))
                else:
                    found = entities_in(c, idx, types=actor_types, stop_at=stop)
                    eid = idx.entity_of(c)
                    if not found and eid and idx.type_of(eid) == "place" and idx.info[eid][2] == "country":
                        found = [(eid, c)]  # "Russia launched 40 missiles": the state acts
                    add(a.actors, found)
            elif c.dep_ in _PASS_SUBJ:
                role = a.actors if trig.type == "founding" else patient_role
                found = entities_in(c, idx, types=who, stop_at=stop)
                add(role, [(e, t) for e, t in found if not killed or idx.type_of(e) == "person"])
            elif c.dep_ in _OBJ:
                found = entities_in(c, idx, types=who, stop_at=stop)
                role = a.actors if trig.type == "founding" else patient_role
                if killed:
                    found = [(e, t) for e, t in found if idx.type_of(e) == "person"]
                add(role, found)
            elif c.dep_ == "agent":
                p = _pobj(c)
                if p is not None:
                    add(a.actors, entities_in(p, idx, types=("organization", "person"), stop_at=stop))
            elif c.dep_ == "prep" and c.lower_ in ("with", "using") and trig.type in ("attack", "bombing", "killing") \
                    and not any(x.lower_ == "along" for x in c.children):
                p = _pobj(c)
                if p is not None and p.lemma_.lower() in WEAPONS and idx.entity_of(p) is None:
                    a.instruments.append((None, p))
    else:
        for c in tok.children:
            if c.dep_ in ("compound", "poss", "amod", "nmod"):
                add(a.actors, entities_in(c, idx, types=("organization", "person"), stop_at=stop))
            elif c.dep_ == "prep" and c.lower_ in ("by", "between", "among"):
                p = _pobj(c)
                if p is not None:
                    add(a.actors, entities_in(p, idx, types=("organization", "person"), stop_at=stop))
            elif c.dep_ == "prep" and c.lower_ == "of" and trig.type in _PATIENT_TYPES:
                p = _pobj(c)
                if p is not None:
                    add(patient_role, entities_in(p, idx, types=who, stop_at=stop))
        if tok.lemma_.lower() in PATIENT_NOUNS:
            # "The detainees are A and B": the copula's attribute names them
            head = tok.head
            if tok.dep_ == "nsubj" and head.lemma_ == "be":
                for c in head.children:
                    if c.dep_ in ("attr", "acomp"):
                        add(a.targets, entities_in(c, idx, types=("person",), stop_at=stop, deep=True))
            for c in tok.children:
                if c.dep_ == "appos":
                    add(a.targets, entities_in(c, idx, types=("person",), stop_at=stop))
        # "X carried out / conducted / launched the attack"
        head = tok.head
        if tok.dep_ in ("dobj", "nsubjpass") and head.lemma_ in ("carry", "conduct", "launch", "stage", "mount", "perpetrate", "commit", "order", "plan", "claim"):
            for c in head.children:
                if c.dep_ in _SUBJ or (c.dep_ == "agent"):
                    src = _pobj(c) if c.dep_ == "agent" else c
                    if src is not None:
                        add(a.actors, entities_in(src, idx, types=("organization", "person"), stop_at=stop))

    blamed = tok.dep_ == "dobj" and tok.head.lemma_.lower() in ("blame", "attribute")
    if blamed:  # "blamed that attack on the Hafiz Gul Bahadur group": the alleged perpetrator
        for c in list(tok.children) + list(tok.head.children):
            if c.dep_ == "prep" and c.lower_ in ("on", "to"):
                p = _pobj(c)
                if p is not None:
                    add(a.actors, entities_in(p, idx, types=("organization", "person"), stop_at=stop))
                    a.alleged = True
    for c in tok.children:
        if blamed and c.lower_ in ("on", "to"):
            continue
        if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS and trig.type not in ("arrest", "recruitment", "protest"):
            p = _pobj(c)
            if p is not None:
                found = entities_in(p, idx, types=("organization", "person", "place"), stop_at=stop)
                add(a.targets, [(e, t) for e, t in found if idx.type_of(e) != "place"])
    # custody: "held in a Taliban prison", "detained in the prison of the Islamic Emirate"
    if trig.type == "arrest":
        for t in clause_tokens(tok):
            if t.lemma_.lower() in ("prison", "custody", "jail", "detention"):
                for c in t.children:
                    if c.dep_ in ("compound", "poss", "amod"):
                        add(a.actors, entities_in(c, idx, types=("organization",), stop_at=stop))
                    if c.dep_ == "prep" and c.lower_ in ("of", "by"):
                        p = _pobj(c)
                        if p is not None:
                            add(a.actors, entities_in(p, idx, types=("organization",), stop_at=stop))
    if trig.type in ("arrest", "kidnapping", "recruitment", "killing"):
        patient_role[:] = [(e, t) for e, t in patient_role if idx.type_of(e) != "place"]
    # places: every place named in the clause, most specific first
    for t in clause_tokens(tok):
        eid = idx.entity_of(t)
        if eid and idx.type_of(eid) == "place" and eid not in [e for e, _ in a.places] \
                and eid not in [e for e, _ in a.targets + a.actors] and not _under_other(t, tok, stop) \
                and not residence_of(t):
            a.places.append((eid, t))
    a.places.sort(key=lambda p: (_FEATURE_RANK.get(idx.info[p[0]][2], 7), p[1].i))
    # an actor mentioned only as the owner of a place phrase is not a place
    a.actors = [(e, t) for e, t in a.actors if e not in [x for x, _ in a.targets + a.victims]]
    return a


def residence_of(t: Token) -> bool:
    """'a resident of Kulob', 'citizens of Tajikistan', 'one of them from Nepal', 'US officials':
    the place says who someone is, not where the event happened."""
    if t.dep_ == "pobj" and t.head.lower_ == "from" and t.head.head.pos_ in ("NOUN", "PRON", "NUM", "PROPN"):
        return True
    if t.dep_ in ("compound", "amod", "nmod") and t.head.pos_ in ("NOUN", "PROPN") \
            and t.head.lemma_.lower() in _PEOPLE_NOUNS:
        return True
    for x in t.ancestors:
        if x.dep_ == "prep" and x.lower_ in ("of", "from") and x.head.lemma_.lower() in _RESIDENCE_NOUNS:
            return True
    return False


def _under_other(t: Token, trig: Token, other: set[int]) -> bool:
    """True if ``t`` hangs under another trigger inside this one's clause (its own event)."""
    cur = t
    while cur.i != trig.i and cur.head.i != cur.i:
        if cur.i in other:
            return True
        cur = cur.head
    return False
