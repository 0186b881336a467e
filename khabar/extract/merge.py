"""After the sentence pass: split 'respectively' lists, place events, join repeats.

An article names one incident several times ("held in a Taliban prison", "apprehended by
Taliban", "the detainees are ..."). Mentions of the same type join when nothing they say
conflicts: dates, places, actors, named targets and counts must agree where both give
them. Joining keeps the union of participants and every evidence sentence.
"""

from __future__ import annotations

import re

from khabar.extract.events import EventMention
from khabar.extract.story import ATTACK_FAMILY, main_event
from khabar.model import Entity, Event, Location, Participant
from khabar.nlp.dates import parse_published
from khabar.nlp.kb import STATE_KINDS
from khabar.nlp.places import haversine_km

__all__ = ["finalise_events"]

_PRECISION = {"facility": "point", "neighbourhood": "point", "city": "city", "district": "district",
              "province": "province", "region": "province", "country": "country"}
_STATUS_RANK = {"reported": 0, "claimed": 1, "alleged": 2, "denied": 3, "planned": 4}


def _split_respectively(m: EventMention) -> list[EventMention]:
    """'A and B were killed in July 2016 and February 2015, respectively': two events."""
    ev = m.event
    people = [p for p in ev.participants if p.role in ("victim", "target")]
    if "respectively" not in ev.evidence[0].text or len(people) < 2 or len(m.all_dates) != len(people):
        return [m]
    out = []
    for person, d in zip(people, m.all_dates, strict=True):
        clone = Event(id="", type=ev.type, subtype=ev.subtype, trigger=ev.trigger, date=d,
                      location=ev.location, status=ev.status, evidence=list(ev.evidence),
                      participants=[p for p in ev.participants if p.role not in ("victim", "target")] + [person],
                      fatalities=None, injuries=None)
        out.append(EventMention(clone, m.places, custody=m.custody))
    return out


def _location(m: EventMention, entities: dict[str, Entity]) -> Location | None:
    for eid, _tok in m.places:
        e = entities[eid]
        g = e.geo
        if g is None:
            return Location(eid, e.name, None, None, None, "unknown")
        precision = _PRECISION.get(g.feature or "", "unknown")
        if (g.gazetteer_id or "").startswith("within:"):
            precision = "city"  # a facility placed at its town's point
        return Location(eid, e.name, g.country, g.lat, g.lon, precision)
    return None


def _country(loc: Location | None) -> str | None:
    return loc.country if loc else None


_RANK = {"point": 0, "city": 1, "district": 2, "province": 3, "country": 4, "unknown": 5}


def _near(a: Location, b: Location) -> bool:
    """Two named places close enough to be one scene ('Baisaran, above Pahalgam in Anantnag')."""
    if a.lat is None or b.lat is None or a.country != b.country:
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= 50.0


def _outcome_of(a: Event, b: Event) -> bool:
    """A bare 'N were killed' (no actor, no date) is the outcome of an attack, not a new event."""
    for x, y in ((a, b), (b, a)):
        if x.type == "killing" and y.type in ATTACK_FAMILY and y.type != "killing" \
                and not any(p.role in ("actor", "claimant") for p in x.participants) and not x.date.start:
            return True
    return False


def _bare(ev: Event) -> bool:
    """A mention that names no actor, place or date ('the detainees are A and B')."""
    return ev.location is None and not ev.date.start and not any(
        p.role in ("actor", "claimant") and p.entity for p in ev.participants)


def _share_something(a: Event, b: Event) -> bool:
    ea = {p.entity for p in a.participants if p.entity and p.role != "source"}
    eb = {p.entity for p in b.participants if p.entity and p.role != "source"}
    if ea & eb:
        return True
    if a.date.start and b.date.start:
        return True  # already checked to agree
    if a.location and b.location:
        return True  # already checked to agree
    return False


def _compatible(a: Event, b: Event, entities: dict[str, Entity], *, anaphor: bool = False) -> bool:
    if a.type != b.type and not _outcome_of(a, b):
        return False
    if a.date.start and b.date.start and not (a.date.start.startswith(b.date.start) or b.date.start.startswith(a.date.start)):
        return False
    if a.location and b.location and a.location.entity != b.location.entity \
            and a.location.lat is not None and b.location.lat is not None:
        if _country(a.location) != _country(b.location) or not _country(a.location):
            return False
        if a.location.precision != "country" and b.location.precision != "country" and not _near(a.location, b.location):
            return False
    for roles in (("actor", "claimant"), ("target",), ("victim",)):
        ea = {p.entity for p in a.participants if p.role in roles and p.entity}
        eb = {p.entity for p in b.participants if p.role in roles and p.entity}
        if ea and eb and not ea & eb:
            return False
    if not (anaphor or _bare(a) or _bare(b) or _share_something(a, b)):
        return False  # two undated mentions of a type with nothing in common are two events
    for fa, fb in ((a.fatalities, b.fatalities), (a.injuries, b.injuries)):
        if fa and fb:
            lo = max(fa.min or 0, fb.min or 0)
            hi = min(fa.max if fa.max is not None else 10**9, fb.max if fb.max is not None else 10**9)
            if lo > hi:
                return False
    return True


_SPECIFIC = {"killing": 1, "attack": 2, "bombing": 3, "military_operation": 3, "kidnapping": 3, "armed_clash": 2}


def _antecedent(m: EventMention, merged: list[EventMention], by_id: dict[str, Entity],
                published: str | None) -> EventMention | None:
    """'that attack': the latest earlier attack that fits; 'the attack': the story's main one,
    i.e. the first attack dated within a fortnight of publication, else the latest that fits."""
    ev = m.event
    if ev.type not in ATTACK_FAMILY:
        return None
    earlier = [o for o in merged if o.event.type in ATTACK_FAMILY and o.event.trigger.start < ev.trigger.start]

    def fits(candidate: EventMention) -> bool:
        other = candidate.event
        probe = Event(id="", type=other.type, trigger=ev.trigger, date=ev.date, location=ev.location,
                      participants=ev.participants, fatalities=ev.fatalities, injuries=ev.injuries)
        return _compatible(other, probe, by_id, anaphor=True)

    if m.anaphoric == "main":
        main = _main_mention(earlier, published)
        if main is not None and fits(main):
            return main
    for other in reversed(earlier):
        return other if fits(other) else None
    return None


def _bare_outcome(ev: Event) -> bool:
    return ev.type == "killing" and not ev.date.start and not any(
        p.role in ("actor", "claimant", "victim") and p.entity for p in ev.participants)


def _main_mention(mentions: list[EventMention], published: str | None) -> EventMention | None:
    main = main_event((x.event for x in mentions), parse_published(published))
    return next((x for x in mentions if x.event is main), None)


def _without_counts(ev: Event) -> Event:
    return Event(id="", type=ev.type, trigger=ev.trigger, date=ev.date, location=ev.location,
                 participants=ev.participants)



_VAGUE = re.compile(r"(?i)\b(several|dozens|scores|hundreds|thousands|many|a few)\b")


def _better_count(a, b):
    """Keep the first count, unless it is vague ('a priest and several officers') and the other is not."""
    if a is None or (b is not None and _VAGUE.search(a.text or "") and not _VAGUE.search(b.text or "")):
        return b
    return a


def _join(a: Event, b: Event) -> None:
    if not a.date.start and b.date.start:
        a.date = b.date
    if b.location and (a.location is None or _RANK.get(b.location.precision, 5) < _RANK.get(a.location.precision, 5)):
        a.location = b.location
    if a.type == "killing" and b.type in ATTACK_FAMILY and b.type != "killing":
        a.type, a.subtype = b.type, b.subtype
    for p in b.participants:
        if not any(q.role == p.role and q.entity == p.entity and q.name == p.name for q in a.participants):
            a.participants.append(p)
    a.fatalities = _better_count(a.fatalities, b.fatalities)
    a.injuries = _better_count(a.injuries, b.injuries)
    if any(p.role == "claimant" for p in b.participants) and a.status == "reported":
        a.status = "claimed"  # a claim of responsibility makes the attack a claimed one
    elif _STATUS_RANK[b.status] < _STATUS_RANK[a.status] and not any(p.role == "claimant" for p in a.participants):
        a.status = b.status
    for s in b.evidence:
        if s not in a.evidence:
            a.evidence.append(s)
    a.subtype = a.subtype or b.subtype


def _confidence(ev: Event) -> float:
    filled = sum([
        ev.date.start is not None,
        ev.location is not None,
        any(p.role in ("actor", "claimant") and p.entity for p in ev.participants),
        any(p.role in ("target", "victim") and p.entity for p in ev.participants),
        ev.fatalities is not None,
    ])
    return min(0.95, 0.4 + 0.1 * filled + 0.05 * (len(ev.evidence) - 1))


def _absorb(into: EventMention, m: EventMention) -> None:
    _join(into.event, m.event)
    into.custody = into.custody or m.custody


def finalise_events(mentions: list[EventMention], entities: list[Entity], *, published: str | None) -> list[Event]:
    """Event mentions of one article -> its events: located, split, joined, numbered."""
    by_id = {e.id: e for e in entities}
    staged: list[EventMention] = []
    for m in mentions:
        if m.generic:
            continue
        # what a speaker says is not where they say it: statements get no place from their content
        speech = m.event.type in ("statement", "accusation", "threat")
        m.event.location = None if speech else _location(m, by_id)
        staged.extend(_split_respectively(m))
    merged: list[EventMention] = []
    for m in staged:
        ev = m.event
        main = _main_mention(merged, published) if _bare_outcome(ev) else None
        if main is not None and _compatible(main.event, _without_counts(ev), by_id, anaphor=True):
            _absorb(main, m)  # "84 people had been killed": the story's attack, whatever the tally
            continue
        for other in merged:
            if _compatible(other.event, ev, by_id):
                _absorb(other, m)
                break
        else:
            antecedent = _antecedent(m, merged, by_id, published) if m.anaphoric else None
            if antecedent is not None:
                target = antecedent.event
                if _SPECIFIC.get(ev.type, 0) > _SPECIFIC.get(target.type, 0):
                    target.type, target.subtype = ev.type, ev.subtype or target.subtype
                _absorb(antecedent, m)
            else:
                merged.append(m)
    events = []
    for m in merged:
        ev = m.event
        if ev.location is None and ev.type == "arrest" and m.custody:
            ev.location = _actor_country(ev, by_id, published)
        ev.participants = _dedupe(ev.participants)
        ev.confidence = _confidence(ev)
        events.append(ev)
    events.sort(key=lambda e: e.trigger.start)
    for i, ev in enumerate(events, 1):
        ev.id = f"v{i}"
    return events


def _dedupe(parts: list[Participant]) -> list[Participant]:
    seen = set()
    out = []
    for p in parts:
        key = (p.role, p.entity or p.name)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _actor_country(ev: Event, by_id: dict[str, Entity], published: str | None) -> Location | None:
    """Someone held in a state body's prison is held in its territory: marked as inferred."""
    from khabar.nlp.gazetteer import load_gazetteer
    from khabar.nlp.kb import load_kb

    kb = load_kb()
    for p in ev.participants:
        if p.role != "actor" or not p.entity:
            continue
        ent = by_id[p.entity]
        entry = kb.get(ent.kb_id)
        if entry is None or not entry.country:
            continue
        _, kind = entry.at(ev.date.start or published)
        if kind in STATE_KINDS:
            place = load_gazetteer().country(entry.country)
            name = place.name if place else entry.country
            return Location(None, name, entry.country, place.lat if place else None,
                            place.lon if place else None, "country", basis="actor_country")
    return None
