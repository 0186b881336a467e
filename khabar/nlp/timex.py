"""Temporal expressions as TimeML's TIMEX3 sees them: find them and give them a TimeML value.

Why a grammar of our own: the normalisers that score well (HeidelTime, SUTime) are Java
programs, and Khabar must run offline in one Python process and explain its dates. News time
expressions are a small closed language (calendar dates, weekdays, "last week", "two years ago",
"the third quarter", "10 a.m.", durations); this is that language as regular patterns plus
resolution rules, chosen on a tune part of TimeBank and AQUAINT and measured on a held-out dev
part (docs/eval/timex.md). The pieces: ``timex_rules`` (patterns and handlers), ``timex_context``
(which year, which Monday), ``timex_tense`` (does the verb point ahead or behind),
``timex_calendar`` (number words and calendar arithmetic); this module settles overlaps.

Values follow TimeML 1.2: ``1998-08-07``, ``1998-08``, ``1998``, ``1998-W32``, ``1998-W32-WE``,
``1998-Q3``, ``1998-H1``, ``1998-SU``, ``199`` (the 1990s), ``19`` (the 20th century),
``1998-08-07T10:00``, ``1998-08-07TMO``, ``P3Y``, ``PT2H``, ``PXY``, ``PRESENT_REF``,
``PAST_REF``, ``FUTURE_REF`` and ``XXXX-WXX-4`` (every Thursday). A relative expression needs an
anchor (the publication date); without one its value is None, never a guess.

Two resolution policies: ``timeml`` reads the tense of the verb an expression modifies ("will
meet on Friday" lies ahead) and takes the occurrence nearest to publication, as TimeML annotators do;
``khabar`` always takes the most recent past occurrence (a week's grace for days of the month),
which is what the event layer wants from news about things that happened (docs/conventions.md).

How: every rule's pattern is matched over the whole text; where candidates overlap the longest
wins (then the earlier rule); the survivors are resolved in reading order, so that "the next
day" can count from the last day the text named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from khabar.nlp.timex_calendar import MONTHS, WEEKDAYS, parse_number
from khabar.nlp.timex_context import Context
from khabar.nlp.timex_rules import COMPILED, LEAD, SENT_END, group, keep

__all__ = ["Timex", "find_timexes", "parse_number", "MONTHS", "WEEKDAYS"]


@dataclass(frozen=True)
class Timex:
    """One TIMEX3; ``text[start:end] == self.text``.

    ``grain`` says what kind of value this is (day, month, year, week, weekend, quarter, half,
    season, decade, century, time, part (of a day), ref, duration, set), so that callers keep
    what they use: the event layer keeps day, month and year. ``end_value`` is the last day of a
    range ("14-15 April 2014"), a Khabar addition that TimeML does not have. ``implied`` marks
    values TimeML reads into words that do not state them ("the year" as the current year,
    "10 a.m." as publication day): an event date must not rest on them (docs/conventions.md)."""

    start: int
    end: int
    text: str
    type: str
    value: str | None
    grain: str
    end_value: str | None = None
    implied: bool = False


_GRAINS = {"day": 0, "part": 0, "time": 0, "month": 1, "year": 2}
_CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?(?:T|$)")


def find_timexes(text: str, published: date | None, *, policy: str = "timeml",
                 parser: Callable[[str], Any] | None = None) -> list[Timex]:
    """Every temporal expression in ``text``, in reading order, never overlapping.

    ``parser`` (text -> spaCy ``Doc``, e.g. ``khabar.nlp.pipeline.parse``) lets the ``timeml``
    policy read tense from the verb an expression modifies; it is called at most once, and only
    when some expression's direction depends on tense."""
    cands: list[tuple[int, int, int, re.Match[str]]] = []
    for i, (rx, handler, key) in enumerate(COMPILED):
        if key is not None and key.search(text) is None:
            continue  # no match can lack its key: the scan would find nothing
        for m in rx.finditer(text):
            s, e = m.span("t") if group(m, "t") is not None else m.span()
            if e > s and keep(m, handler, text):
                cands.append((s, e, i, m))
    cands.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int, int, re.Match[str]]] = []
    free = [True] * (len(text) + 1)
    for c in cands:
        if all(free[c[0]:c[1]]):
            taken.append(c)
            free[c[0]:c[1]] = [False] * (c[1] - c[0])
    ctx = Context(text, published, policy, [m.end() for m in SENT_END.finditer(text)], parser=parser)
    out: list[Timex] = []
    for start, end, i, m in sorted(taken):
        try:
            result = COMPILED[i][1](m, ctx)
        except (OverflowError, ValueError):  # "99999 years ago", a publication date at the calendar's edge
            result = None
        if result is None:
            continue
        typ, value, grain = result[:3]
        end_value = result[3] if len(result) > 3 else None
        implied = bool(result[4]) if len(result) > 4 else False
        if typ in ("DATE", "TIME") and value and grain in _GRAINS and not implied and _CALENDAR.match(value):
            when = date.fromisoformat((value[:10] + "-01-01"[len(value[:10]) - 4:])[:10])
            for g in ("day", "month", "year")[_GRAINS[grain]:]:
                ctx.refs[g] = when
        s, e = start, end
        while e > s and text[e - 1] in " ,":
            e -= 1
        if typ == "DATE" and grain in ("year", "month", "week", "decade", "day", "quarter", "season"):
            lead = LEAD.search(text, max(0, s - 40), s)
            if lead and not (out and out[-1].end > lead.start()):
                s = lead.start()
        out.append(Timex(s, e, text[s:e], typ, value, grain, end_value, implied))
    return out
