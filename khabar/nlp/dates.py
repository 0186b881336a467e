"""Dates for events: the calendar dates among the text's temporal expressions.

Why a layer over ``nlp.timex``: the TIMEX grammar finds every temporal expression and gives it
a TimeML value (weeks, quarters, durations, "PRESENT_REF" ...), reading tense as annotators do.
An event date is narrower (docs/conventions.md): a day, a month or a year the text states or
that the publication date pins down, resolved to its most recent past occurrence (a week's
grace for days of the month); weeks, seasons, durations, vague references and values TimeML
only implies ("the year", "10 a.m." on its own) never date an event. Without a publication
date a relative expression keeps its words and gets no calendar value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from khabar.nlp.timex import MONTHS, WEEKDAYS, Timex, find_timexes

__all__ = ["DateMention", "find_dates", "parse_published", "MONTHS", "WEEKDAYS"]

_PRECISION = {"day": "day", "part": "day", "time": "day", "month": "month", "year": "year"}
_CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")
# "post-1959 politics", "pre-war": a bound, not the time of an event (as "since 2011", conventions.md)
_BOUND = re.compile(r"(?:post|pre)-", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    end_value: str | None
    precision: str  # day | month | year | unknown


def parse_published(value: str | None) -> date | None:
    if not value:
        return None
    return date.fromisoformat(value[:10])


def as_date_mention(t: Timex) -> DateMention | None:
    """The event-layer reading of one TIMEX3, or None when it cannot date an event."""
    precision = _PRECISION.get(t.grain)
    if precision is None or t.type not in ("DATE", "TIME") or t.implied or _BOUND.match(t.text):
        return None
    value = t.value[:10] if t.value else None
    if value is not None and not _CALENDAR.fullmatch(value):
        return None
    return DateMention(t.start, t.end, t.text, value, t.end_value, precision if value else "unknown")


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every calendar date expression in ``text``, in order, never overlapping."""
    found = (as_date_mention(t) for t in find_timexes(text, published, policy="khabar"))
    return [d for d in found if d is not None]
