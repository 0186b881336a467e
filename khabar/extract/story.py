"""The story's main event: what "the attack", an object-less "X claimed responsibility" and a
bare "84 people were killed" point at in a news report.

News leads with the incident it is about; background comes later. The main event is the first
event of the attack family dated within a fortnight before publication.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from khabar.model import Event

__all__ = ["ATTACK_FAMILY", "is_recent", "main_event"]

# event types that are violence against someone: they share triggers, anaphors and death tolls
ATTACK_FAMILY = frozenset({"attack", "bombing", "killing", "military_operation", "armed_clash", "kidnapping"})
RECENT_DAYS = 14


def is_recent(value: str | None, published: date | None) -> bool:
    """Whether a YYYY[-MM[-DD]] date starts within a fortnight before publication."""
    if not value or published is None:
        return False
    padded = value + "-01-01"[len(value) - 4:] if len(value) < 10 else value
    try:
        days = (published - date.fromisoformat(padded)).days
    except ValueError:
        return False
    return 0 <= days <= RECENT_DAYS


def main_event(events: Iterable[Event], published: date | None) -> Event | None:
    for ev in events:
        if ev.type in ATTACK_FAMILY and is_recent(ev.date.start, published):
            return ev
    return None
