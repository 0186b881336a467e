"""Event triggers: the words that say something happened, and the type each one signals.

A trigger is a verb or noun token found by lemma. Some need company to count: "strike"
is an airstrike only with "air" or "drone"; "hold" is a detention only "in prison";
"capture" is an arrest of a person but a military operation against a place.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

__all__ = ["Trigger", "find_triggers", "PATIENT_NOUNS"]

VERBS: dict[str, tuple[str, str | None]] = {
    "attack": ("attack", None), "assault": ("attack", None), "storm": ("attack", "storming"),
    "stab": ("attack", "stabbing"), "ambush": ("attack", "ambush"), "shoot": ("attack", "shooting"),
    "besiege": ("attack", "siege"), "raid": ("military_operation", "raid"), "torch": ("attack", "arson"),
    "bomb": ("bombing", None), "explode": ("bombing", "explosion"), "detonate": ("bombing", "explosion"),
    "shell": ("bombing", "shelling"), "bombard": ("military_operation", "bombardment"),
    "kill": ("killing", None), "assassinate": ("killing", "assassination"), "execute": ("killing", "execution"),
    "behead": ("killing", "execution"), "murder": ("killing", None), "massacre": ("killing", "massacre"),
    "kidnap": ("kidnapping", None), "abduct": ("kidnapping", None),
    "arrest": ("arrest", None), "detain": ("arrest", "detention"), "apprehend": ("arrest", None),
    "capture": ("arrest", "capture"), "jail": ("arrest", "imprisonment"), "imprison": ("arrest", "imprisonment"),
    "nab": ("arrest", None), "catch": ("arrest", None), "charge": ("arrest", "charge"),
    "remand": ("arrest", "remand"), "hold": ("arrest", "detention"), "sentence": ("arrest", "sentencing"),
    "recruit": ("recruitment", None),
    "accuse": ("accusation", None), "blame": ("accusation", None),
    "threaten": ("threat", None),
    "protest": ("protest", None), "demonstrate": ("protest", None), "rally": ("protest", None),
    "riot": ("riot", None), "loot": ("riot", "looting"),
    "clash": ("armed_clash", None), "fight": ("armed_clash", None), "battle": ("armed_clash", None),
    "found": ("founding", None), "establish": ("founding", None), "create": ("founding", None),
    "form": ("founding", None),
    "release": ("statement", "release"), "issue": ("statement", None),
    "blow": ("bombing", None), "tear": ("bombing", None), "rip": ("bombing", None), "rock": ("bombing", None),
    "go": ("bombing", None), "set": ("attack", "arson"), "promise": ("statement", "vow"), "open": ("attack", "shooting"), "strike": ("military_operation", "airstrike"),
    "hit": ("military_operation", "airstrike"), "take": ("military_operation", "capture"),
    "seize": ("military_operation", "capture"), "overrun": ("military_operation", "capture"),
    "retake": ("military_operation", "capture"), "recapture": ("military_operation", "capture"),
    "launch": ("military_operation", "missile_strike"), "fire": ("military_operation", "missile_strike"), "march": ("protest", None),
    "deploy": ("military_operation", "deployment"),
    "acknowledge": ("statement", "admission"), "admit": ("statement", "admission"),
    "apologise": ("statement", "apology"), "apologize": ("statement", "apology"),
    "condemn": ("statement", "condemnation"), "vow": ("statement", "vow"), "warn": ("statement", "warning"),
    "deny": ("statement", "denial"), "disown": ("statement", "denial"), "dismiss": ("statement", "denial"), "reject": ("statement", "denial"), "announce": ("statement", None),
    "pledge": ("statement", "vow"), "urge": ("statement", "appeal"), "demand": ("statement", "demand"),
}
NOUNS: dict[str, tuple[str, str | None]] = {
    "attack": ("attack", None), "assault": ("attack", None), "shooting": ("attack", "shooting"),
    "stabbing": ("attack", "stabbing"), "ambush": ("attack", "ambush"), "siege": ("attack", "siege"),
    "massacre": ("killing", "massacre"), "arson": ("attack", "arson"), "rampage": ("attack", None), "storming": ("attack", "storming"),
    "bombing": ("bombing", None), "explosion": ("bombing", "explosion"), "blast": ("bombing", "explosion"),
    "shelling": ("bombing", "shelling"), "ied": ("bombing", "ied"),
    "airstrike": ("military_operation", "airstrike"), "strike": ("military_operation", "airstrike"),
    "raid": ("military_operation", "raid"), "offensive": ("military_operation", "offensive"),
    "operation": ("military_operation", None), "bombardment": ("military_operation", "bombardment"),
    "killing": ("killing", None), "assassination": ("killing", "assassination"),
    "execution": ("killing", "execution"), "murder": ("killing", None),
    "kidnapping": ("kidnapping", None), "abduction": ("kidnapping", None),
    "hostage": ("kidnapping", "hostage_taking"),
    "arrest": ("arrest", None), "detention": ("arrest", "detention"), "detainee": ("arrest", "detention"),
    "recruitment": ("recruitment", None),
    "accusation": ("accusation", None), "allegation": ("accusation", None),
    "threat": ("threat", None),
    "protest": ("protest", None), "demonstration": ("protest", None), "rally": ("protest", None),
    "riot": ("riot", None), "unrest": ("riot", None), "shootout": ("armed_clash", None),
    "crossfire": ("armed_clash", None), "march": ("protest", None), "deployment": ("military_operation", "deployment"),
    "takeover": ("military_operation", "capture"), "seizure": ("military_operation", "capture"), "exchange": ("armed_clash", None), "gunbattle": ("armed_clash", None),
    "clash": ("armed_clash", None), "fighting": ("armed_clash", None), "battle": ("armed_clash", None),
    "gunfight": ("armed_clash", None), "firefight": ("armed_clash", None), "skirmish": ("armed_clash", None),
}
# nouns that name the people an event happened to ("the detainees are A and B")
PATIENT_NOUNS = {"detainee", "hostage", "captive", "abductee"}
_BLAST_SUBJECTS = {"bomb", "blast", "explosion", "explosive", "ied", "device", "bomber", "car", "truck",
                   "vehicle", "grenade", "mine", "shell", "rocket", "missile"}
_BUILDINGS = {"hotel", "building", "school", "mosque", "church", "hospital", "mall", "compound", "theatre",
              "theater", "embassy", "restaurant", "office", "station", "airport", "prison", "university", "bank"}
_ANNOUNCED = {"death", "killing", "arrest", "capture", "operation", "ceasefire", "truce", "curfew", "emergency",
              "offensive", "withdrawal", "responsibility", "sanction", "investigation", "probe", "deployment"}
_CROWDS = {"protester", "protestor", "demonstrator", "crowd", "student", "youth", "supporter", "rioter", "activist"}
_ARMED = {"troop", "soldier", "force", "fighter", "militant", "rebel", "insurgent", "gunman", "militia", "army",
          "jihadist", "police", "guerrilla", "unit", "group", "faction", "military", "attacker", "separatist"}
_HAZARDS = {"storm", "flood", "earthquake", "quake", "fire", "blaze", "crash", "accident", "disease", "heat",
            "landslide", "avalanche", "cyclone", "hurricane", "typhoon", "tornado", "outbreak", "virus", "collapse",
            "heatwave", "wildfire", "lightning"}
_PERSON_OBJECTS = {"suspect", "man", "woman", "people", "person", "militant", "member", "attacker", "gunman",
                   "fighter", "accomplice", "resident", "national", "citizen", "official", "journalist", "student"}
_PLACE_OBJECTS = {"town", "city", "village", "stronghold", "territory", "base", "district", "province", "area",
                  "hill", "airport", "bridge", "position", "positions", "checkpoint", "outpost", "valley", "region"}
_AERIAL_SUBJECTS = {"drone", "jet", "aircraft", "warplane", "plane", "missile", "rocket", "helicopter", "airstrike",
                    "strike", "bomber", "uav", "gunship"}
_AIR = {"air", "drone", "missile", "aerial", "rocket", "uav"}
_CUSTODY = {"prison", "custody", "jail", "detention", "captivity", "cell"}
_MILITARY = {"military", "security", "counter-terrorism", "counterterrorism", "counter-insurgency",
             "clearance", "ground", "special", "army"}
_STATEMENT_OBJECTS = {"statement", "video", "interview", "interviews", "audio", "message", "communique",
                      "confession", "footage", "report", "warning", "ultimatum", "apology", "condemnation",
                      "denial", "appeal", "order"}


@dataclass
class Trigger:
    token: Token
    type: str
    subtype: str | None
    pos: str  # verb | noun


_PERPETRATOR_NOUNS = {
    "bomber": ("bombing", "suicide_bombing"), "gunman": ("attack", "shooting"), "shooter": ("attack", "shooting"),
    "sniper": ("attack", "shooting"), "attacker": ("attack", None), "assailant": ("attack", None),
    "militant": ("attack", None), "insurgent": ("attack", None), "jihadist": ("attack", None),
    "bomb": ("bombing", None), "explosion": ("bombing", "explosion"), "blast": ("bombing", "explosion"),
    "ied": ("bombing", "ied"), "airstrike": ("military_operation", "airstrike"), "drone": ("military_operation", "drone_strike"),
    "missile": ("military_operation", "missile_strike"), "rocket": ("bombing", "rocket"), "shell": ("bombing", "shelling"),
}


def _verb_ok(tok: Token, lemma: str) -> tuple[str, str | None] | None:
    type_, sub = VERBS[lemma]
    kids = list(tok.children)
    if lemma == "kill":
        subjects = [c for c in kids if c.dep_ == "nsubj"]
        if not subjects and tok.dep_ in ("advcl", "xcomp", "conj"):
            subjects = [c for c in tok.head.children if c.dep_ == "nsubj"]  # "The storm hit X, killing two"
        if any(c.lemma_.lower() in _HAZARDS for c in subjects):
            return None  # "the storm killed two people" is not political violence
        for c in kids:
            if c.dep_ == "nsubj" and c.lemma_.lower() in _PERPETRATOR_NOUNS:
                type_, sub = _PERPETRATOR_NOUNS[c.lemma_.lower()]
                if type_ == "bombing" and sub is None and any(g.lower_ == "suicide" for g in c.children):
                    sub = "suicide_bombing"
                return type_, sub
    if lemma == "hold":
        return (type_, sub) if any(
            c.dep_ == "prep" and any(g.lemma_.lower() in _CUSTODY for g in c.subtree) for c in kids
        ) else None
    if lemma == "capture":
        objs = [c for c in kids if c.dep_ in ("dobj", "nsubjpass")]
        if objs and all(o.ent_type_ in ("GPE", "LOC", "FAC") or o.lemma_.lower() in _PLACE_OBJECTS for o in objs):
            return ("military_operation", "capture")
    if lemma in ("found", "establish", "create", "form"):
        objs = [c for c in kids if c.dep_ in ("dobj", "nsubjpass")]
        ok = any(o.lemma_.lower() in ("group", "organization", "organisation", "movement", "faction", "branch",
                                      "front", "militia", "wing", "party") or o.ent_type_ == "ORG" or o.pos_ == "PROPN"
                 for o in objs)
        return (type_, sub) if ok else None
    if lemma in ("release", "issue"):
        objs = [c for c in kids if c.dep_ == "dobj"]
        return (type_, sub) if any(o.lower_ in _STATEMENT_OBJECTS or o.lemma_.lower() in _STATEMENT_OBJECTS
                                   for o in objs) else None
    if lemma in ("fight", "battle", "clash"):
        parties = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass")] + [
            g for c in kids if c.dep_ == "prep" and c.lower_ in ("with", "against", "between") for g in c.children]
        lemmas = {p.lemma_.lower() for p in parties} | {g.lemma_.lower() for p in parties for g in p.conjuncts}
        if lemmas & _CROWDS and lemmas & {"police", "officer", "force", "troop", "soldier"}:
            return ("riot", None)  # "protesters clashed with police"
        if lemmas & _ARMED or any(p.ent_type_ in ("ORG", "NORP", "GPE") for p in parties):
            return (type_, sub)
        return None  # "lawmakers clashed over the budget"
    if lemma == "sentence":
        to = [c for c in kids if c.dep_ == "prep" and c.lower_ == "to"]
        return ("arrest", "sentencing") if to else None
    if lemma in ("catch", "charge"):
        objs = [c for c in kids if c.dep_ in ("dobj", "nsubjpass")]
        persons = any(o.ent_type_ in ("PERSON", "CARDINAL") or o.lemma_.lower() in _PERSON_OBJECTS or o.pos_ == "NUM"
                      or o.like_num or o.lower_ in ("them", "him", "her") for o in objs)
        if lemma == "charge":
            persons = persons and any(c.dep_ == "prep" and c.lower_ == "with" for c in kids)
        return (type_, sub) if persons else None
    if lemma in ("tear", "rip", "rock", "go"):
        subj = [c for c in kids if c.dep_ == "nsubj"]
        if not subj or subj[0].lemma_.lower() not in _BLAST_SUBJECTS:
            return None
        if lemma == "go" and not any(c.dep_ == "prt" and c.lower_ == "off" for c in kids):
            return None
        return ("bombing", "explosion")
    if lemma == "set":
        fire = any((c.dep_ == "prep" and c.lower_ == "on" and any(g.lower_ == "fire" for g in c.children))
                   or c.lower_ in ("ablaze", "alight") for c in kids)
        return ("attack", "arson") if fire else None
    if lemma in ("launch", "fire"):
        objs = {c.lemma_.lower() for c in kids if c.dep_ == "dobj"}
        if objs & {"missile", "rocket", "drone", "shell", "mortar", "projectile", "strike", "airstrike"}:
            return ("military_operation", "drone_strike" if "drone" in objs else "missile_strike")
        if objs & {"attack", "offensive", "assault", "operation", "raid"}:
            return None  # "launched an attack": the noun is the trigger
        return None
    if lemma in ("strike", "hit"):
        subj = [c for c in kids if c.dep_ == "nsubj"]
        if subj and subj[0].lemma_.lower() in _AERIAL_SUBJECTS:
            return ("military_operation", "drone_strike" if subj[0].lemma_.lower() == "drone" else "airstrike")
        return None
    if lemma in ("take", "seize", "overrun", "retake", "recapture"):
        objs = [c for c in kids if c.dep_ == "dobj"]
        control = [o for o in objs if o.lower_ == "control"]
        of_what = [g for o in control for p in o.children if p.lower_ == "of" for g in p.children]
        if any(g.lemma_.lower() in _BUILDINGS for g in of_what) or any(o.lemma_.lower() in _BUILDINGS for o in objs):
            return ("attack", "storming")  # "had taken control of the hotel": part of an assault
        if control or any(o.ent_type_ in ("GPE", "LOC", "FAC") for o in objs):
            return ("military_operation", "capture")
        if lemma == "seize" and any(o.lemma_.lower() in ("hostage",) for o in objs):
            return ("kidnapping", "hostage_taking")
        return None
    if lemma == "open":
        return ("attack", "shooting") if any(c.dep_ == "dobj" and c.lower_ == "fire" for c in kids) else None
    if lemma == "march":
        crowd = {"demonstrator", "protester", "protestor", "thousand", "hundred", "crowd", "people", "supporter",
                 "student", "activist", "worker", "woman", "youth", "dozen"}
        return ("protest", None) if any(c.dep_ == "nsubj" and c.lemma_.lower() in crowd for c in kids) else None
    if lemma == "deploy":
        return None if tok.dep_ in ("amod", "acl") else ("military_operation", "deployment")
    if lemma == "shoot" and any(c.lower_ == "dead" for c in kids):
        return ("killing", "shooting")
    if lemma in ("accuse", "blame") and tok.dep_ in ("acl", "amod"):
        return None  # "the men accused of the massacre": an allegation about them, not an accusation event
    if lemma == "blow":
        if any(c.dep_ == "prt" and c.lower_ == "up" for c in kids):
            suicide = any(c.dep_ == "dobj" and c.lower_ in ("himself", "herself", "themselves") for c in kids)
            return ("bombing", "suicide_bombing" if suicide else None)
        return None
    if type_ == "statement" and lemma not in ("release", "issue"):
        if any(c.dep_ == "neg" for c in kids) or tok.dep_ in ("amod", "acl", "xcomp"):
            return None
        if lemma == "pledge" and any(c.dep_ == "dobj" and c.lower_ in ("allegiance", "loyalty", "support") for c in kids):
            return None  # a relation (affiliate_of), not a statement
        if lemma == "announce" and not any(c.dep_ in ("ccomp", "xcomp") for c in kids) and not any(
                c.dep_ == "dobj" and c.lemma_.lower() in _ANNOUNCED for c in kids):
            return None  # "Apple announced a new iPhone"
        if lemma in ("reject", "dismiss") and not any(c.dep_ == "dobj" and c.lemma_.lower() in (
                "finding", "report", "accusation", "allegation", "claim", "charge", "conclusion") for c in kids):
            return None
        return (type_, sub)
    if lemma == "shoot":
        return ("attack", "shooting")
    if lemma in ("form", "issue"):
        return None
    return (type_, sub)


def _noun_ok(tok: Token, lemma: str) -> tuple[str, str | None] | None:
    type_, sub = NOUNS[lemma]
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
    if lemma == "strike":
        return (type_, "drone_strike" if "drone" in mods else sub) if mods & _AIR else None
    if lemma == "operation":
        military = mods & _MILITARY or any("based" in m or m.startswith(("counter", "anti")) for m in mods)
        return (type_, sub) if military else None
    if lemma == "threat" and tok.head.lemma_ == "pose":
        return None
    if lemma == "hostage" and tok.head.lemma_ not in ("take", "hold", "seize"):
        return None
    if lemma == "march":
        return (type_, sub) if tok.tag_ == "NNS" or any(c.lower_ in ("protest", "street") for c in tok.children) else None
    if lemma == "deployment":
        return (type_, sub) if any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children) else None
    if lemma == "exchange":
        return (type_, sub) if any(c.dep_ == "prep" and any(g.lower_ in ("fire", "gunfire") for g in c.children)
                                   for c in tok.children) else None
    if lemma == "battle" and any(c.lower_ in ("gun",) for c in tok.children):
        return (type_, sub)
    return (type_, sub)


def find_triggers(sent) -> list[Trigger]:
    out: list[Trigger] = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and lemma in VERBS and tok.dep_ != "amod":
            hit = _verb_ok(tok, lemma)
            if hit:
                out.append(Trigger(tok, hit[0], hit[1], "verb"))
        elif tok.pos_ in ("NOUN", "PROPN") and (lemma in NOUNS or tok.lower_ in NOUNS):
            key = lemma if lemma in NOUNS else tok.lower_
            if tok.lower_ == "strike" or lemma == "strike":
                key = "strike"
            hit = _noun_ok(tok, key)
            if hit:
                out.append(Trigger(tok, hit[0], hit[1], "noun"))
        elif tok.pos_ == "VERB" and tok.dep_ == "amod" and lemma in ("detain", "kidnap", "abduct"):
            continue
    return out
