"""Participants from the learned role tagger, added beside the rules' (stage 6b of ``extract``).

Why: the rules decide which events an article reports and read their arguments from the
parse; they miss arguments the parse hides (long appositions, "a group of heavily armed
men", weapons named in a separate clause). The tagger (``khabar.learn.roles``, trained on
MUC-4) marks the phrases that fill the perpetrator, target, victim and weapon roles. Here a
tagged phrase joins an event only when

* the event is violence MUC-4 knows (an attack, bombing, killing or kidnapping);
* the phrase lies inside one of the event's evidence sentences;
* no participant of the event already covers those characters (the rules win), and the
  event has no participant of that role yet (weapons excepted: an attack may use several);
* the tagger is confident (``min_score``);
* the role is a victim or an instrument (``ADDED_ROLES``). Measured on dev data
  (WikiEvents dev head F1; the demo corpus and seed slot accuracy): adding every role cost
  1.3 points on WikiEvents for 0.9 on our own gold; victims and weapons alone cost nothing on
  WikiEvents and kept half the gain. Perpetrators and targets are where MUC-4's conventions
  ("urban guerrillas", "the embassy") differ most from Khabar's and where the rules and the
  actor KB are already strong.

The participant names the entity whose mention the phrase covers, else the phrase itself,
and says ``basis: "model"`` so a reader can tell it from the rules' ``"text"``.
"""

from __future__ import annotations

from collections.abc import Sequence

from khabar.learn.roles import RoleSpan
from khabar.model import Entity, Event, Participant, Span

__all__ = ["add_learned_roles", "learned_regions", "ROLE_OF", "EVENT_TYPES", "ADDED_ROLES"]

ROLE_OF = {"PerpInd": "actor", "PerpOrg": "actor", "Target": "target", "Victim": "victim", "Weapon": "instrument"}
EVENT_TYPES = frozenset({"attack", "bombing", "killing", "kidnapping"})
_REPEATABLE = {"instrument"}
ADDED_ROLES = frozenset({"victim", "instrument"})


def _covering_entity(span: RoleSpan, entities: Sequence[Entity]) -> Entity | None:
    """The entity with a mention inside the phrase (the longest such mention)."""
    best: tuple[int, Entity] | None = None
    for e in entities:
        for m in e.mentions:
            if span.start <= m.start and m.end <= span.end and (best is None or m.end - m.start > best[0]):
                best = (m.end - m.start, e)
    return best[1] if best else None


def _overlaps(a: Span, start: int, end: int) -> bool:
    return a.start < end and start < a.end


def learned_regions(events: Sequence[Event], *, gap: int = 2) -> list[tuple[int, int]]:
    """The character ranges the tagger must read: the evidence sentences of the events it can
    add to, with neighbours (at most ``gap`` characters apart) merged into one range."""
    spans = sorted({(s.start, s.end) for ev in events if ev.type in EVENT_TYPES for s in ev.evidence})
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def add_learned_roles(events: Sequence[Event], spans: Sequence[RoleSpan], entities: Sequence[Entity], *,
                      min_score: float = 0.6) -> int:
    """Add the tagger's phrases as participants of ``events`` (in place); returns how many."""
    added = 0
    for ev in events:
        if ev.type not in EVENT_TYPES or not ev.evidence:
            continue
        for s in spans:
            if s.score < min_score or not any(e.start <= s.start and s.end <= e.end for e in ev.evidence):
                continue
            role = ROLE_OF[s.role]
            if role not in ADDED_ROLES:
                continue
            if any(p.span is not None and _overlaps(p.span, s.start, s.end) for p in ev.participants):
                continue
            if role not in _REPEATABLE and any(p.role == role for p in ev.participants):
                continue
            ent = _covering_entity(s, entities)
            if ent is not None and any(p.entity == ent.id for p in ev.participants):
                continue
            ev.participants.append(Participant(role, ent.id if ent else None, ent.name if ent else s.text,
                                               Span(s.start, s.end, s.text), basis="model"))
            added += 1
    return added
