"""Person attributes stated next to a name: age, residence, nationality, title.

Read from the words just before the name (back to the previous name, "and", or the
sentence start) and from an apposition just after it ("Ali, 34, a resident of Herat").
Only what the text says: a residence in Tajikistan does not make a Tajik.
"""

from __future__ import annotations

import re

from khabar.model import Entity
from khabar.nlp.gazetteer import load_gazetteer
from khabar.nlp.mentions import Mention

__all__ = ["person_attributes", "group_nationality"]

_GROUP = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(?:nationals|citizens)\b")

_AGE_BEFORE = re.compile(r"(\d{1,3})[\s-]*years?[\s-]*old", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:,\s*(?:aged\s+)?|\(\s*)(\d{1,3})\s*(?:,|\)|years)", re.I)
_RESIDENT = re.compile(r"(?:resident|native|inhabitant)s?\s+of\s+(?:the\s+(?:city|town|village|district|province)\s+of\s+)?", re.I)
TITLES = [
    "Lieutenant-General", "Lieutenant General", "Major-General", "Major General", "Brigadier-General",
    "Brigadier General", "General", "Gen.", "Colonel", "Col.", "Major", "Captain", "Commander", "Admiral",
    "President", "Prime Minister", "Vice President", "Minister", "Foreign Minister", "Defence Minister",
    "Defense Minister", "Interior Minister", "Governor", "Mayor", "Senator", "Ambassador", "Sheikh",
    "Mullah", "Maulana", "Emir", "Ayatollah", "Imam", "Chief", "Inspector General", "Spokesman",
    "Spokesperson", "Police Chief", "Judge", "Prosecutor", "King", "Queen", "Prince", "Sergeant",
]
_TITLE_RE = re.compile(r"(" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)) + r")\s*$")


def person_attributes(text: str, mentions: list[Mention], owner: dict[int, str], entities: list[Entity]) -> None:
    """Fill ``attributes`` of person entities in place."""
    gaz = load_gazetteer()
    by_id = {e.id: e for e in entities}
    for i, m in enumerate(mentions):
        if m.type != "person" or i not in owner:
            continue
        ent = by_id[owner[i]]
        lo = max(0, m.start - 160)
        for j in range(i - 1, -1, -1):
            prev = mentions[j]
            if prev.type == "person" and prev.end <= m.start:
                lo = max(lo, prev.end)
                break
        window = text[lo:m.start]
        for stop in (". ", "; ", "\n"):
            k = window.rfind(stop)
            if k >= 0:
                window, lo = window[k + len(stop):], lo + k + len(stop)
        after = text[m.end:m.end + 120]
        age = _AGE_BEFORE.search(window)
        age_after = _AGE_AFTER.match(after)
        if age_after:
            ent.attributes.setdefault("age", int(age_after.group(1)))
        elif age and int(age.group(1)) < 120:
            ent.attributes.setdefault("age", int(age.group(1)))
        for seg_lo, seg in ((lo, window), (m.end, after[: after.find(".") if "." in after else len(after)])):
            res = _RESIDENT.search(seg)
            if res:
                pos = seg_lo + res.end()
                place = next((k for k, x in enumerate(mentions) if x.type == "place" and x.start == pos), None)
                if place is not None and place in owner:
                    ent.attributes.setdefault("residence", owner[place])
                break
        for x in mentions:
            if x.type == "norp" and x.country and lo <= x.start and x.end <= m.start:
                ent.attributes.setdefault("nationality", x.country)
        citizen = re.search(r"citizen\s+of\s+([A-Z][\w ]+)", after[:60])
        if citizen:
            place = gaz.candidates(citizen.group(1).strip())
            countries = [p.country for p in place if p.feature == "country"]
            if countries:
                ent.attributes.setdefault("nationality", countries[0])
        title = _TITLE_RE.search(text[max(0, m.start - 40):m.start].rstrip())
        if title and text[max(0, m.start - 40):m.start].rstrip().endswith(title.group(1)):
            ent.attributes.setdefault("title", title.group(1))


def group_nationality(text: str, events: list, entities: list[Entity]) -> None:
    """'two Tajik nationals ... held in a Taliban prison' and 'the detainees are A and B', joined
    into one event: A and B are the Tajik nationals. Only persons who are that event's targets
    or victims, only when its own evidence names the nationality."""
    gaz = load_gazetteer()
    by_id = {e.id: e for e in entities}
    for ev in events:
        codes = {gaz.country_of_demonym(m.group(1)) for s in ev.evidence for m in _GROUP.finditer(s.text)}
        codes.discard(None)
        if len(codes) != 1:
            continue
        code = codes.pop()
        for p in ev.participants:
            ent = by_id.get(p.entity or "")
            if ent is not None and ent.type == "person" and p.role in ("target", "victim"):
                ent.attributes.setdefault("nationality", code)
