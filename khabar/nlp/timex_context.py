"""Reading the context of a temporal expression: its sentence, its tense, which year a month
without one means, which Monday "Monday" is.

Why apart: this is where TimeML annotators and Khabar's event layer differ (``policy``), and where
the grammar depends on more than the words of the expression.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from khabar.nlp.timex_tense import cue_tense, parse_tense

__all__ = ["Context", "sentence_span", "tense", "choose", "year_for", "weekday_date", "GRACE_DAYS"]

# a past-tense sentence may still name a date up to this many days after publication ("extended
# the offer to Nov. 20"), and a future one a date this far before it; chosen on TimeBank and
# confirmed on the tune part with the parse-based tense (0: 80.85, 60: 82.20, 90 and 120: 82.51)
GRACE_DAYS = 90


@dataclass
class Context:
    """What the handlers may read besides their match: the text, its publication date, the policy
    (``timeml`` or ``khabar``, see ``khabar.nlp.timex``) and what the text has named so far."""

    text: str
    dct: date | None
    policy: str
    bounds: list[int]  # where sentences end
    refs: dict[str, date] = field(default_factory=dict)  # the last day, month and year the text named
    quarter: tuple[int, int] | None = None  # the last quarter the text named
    parser: Callable[[str], Any] | None = None  # text -> dependency parse, to read tense from verbs
    _doc: Any = None

    @property
    def doc(self) -> Any:
        """The parse of the whole text, made the first time a tense is asked for."""
        if self._doc is None and self.parser is not None:
            self._doc = self.parser(self.text)
        return self._doc


def sentence_span(ctx: Context, pos: int, back: int = 1) -> tuple[int, int]:
    """(start, end) of the sentence around ``pos``, widened by ``back - 1`` sentences before it."""
    i = bisect.bisect_right(ctx.bounds, pos)
    lo = ctx.bounds[i - back] if i >= back else 0
    return lo, ctx.bounds[i] if i < len(ctx.bounds) else len(ctx.text)


def tense(ctx: Context, m: re.Match[str]) -> int:
    """+1 when the expression matched by ``m`` points ahead of publication, -1 behind, 0 when
    nothing says (``timex_tense``): the governing verb in the parse when there is one, else the
    nearest tense word in the sentence."""
    if ctx.parser is not None and (direction := parse_tense(ctx.doc, m.start(), m.end())):
        return direction
    lo, hi = sentence_span(ctx, m.start())
    return cue_tense(ctx.text, lo, hi, m.start(), m.end())


def choose(cands: list[date], ctx: Context, m: re.Match[str]) -> date:
    """Which of the same day in neighbouring years the text means (see the module docstring)."""
    dct = ctx.dct
    assert dct is not None
    if ctx.policy == "khabar":
        past = [d for d in cands if d <= dct + timedelta(days=7)]
        return max(past) if past else min(cands)
    direction = tense(ctx, m)
    if direction < 0:
        cands = [d for d in cands if (d - dct).days <= GRACE_DAYS] or cands
    elif direction > 0:
        cands = [d for d in cands if (dct - d).days <= GRACE_DAYS] or cands
    return min(cands, key=lambda d: abs((d - dct).days))


def year_for(month: int, day: int | None, ctx: Context, m: re.Match[str]) -> int | None:
    """The year of a month (and day) the text gives without one."""
    if ctx.dct is None:
        return None
    y, d = ctx.dct.year, min(day or (1 if ctx.policy == "khabar" else 15), 28)
    return choose([date(y + k, month, d) for k in (-1, 0, 1)], ctx, m).year


def weekday_date(wd: int, ctx: Context, m: re.Match[str], rel: str = "") -> date | None:
    """Which Monday "Monday" is: the one before publication (publication day included) unless
    the policy is ``timeml`` and the text points ahead; "last"/"next" step over publication day."""
    dct = ctx.dct
    if dct is None:
        return None
    back, ahead = (dct.weekday() - wd) % 7, (wd - dct.weekday()) % 7
    rel = rel.lower()
    if rel == "last":
        return dct - timedelta(days=back or 7)
    if rel == "next":
        return dct + timedelta(days=ahead or 7)
    if ctx.policy == "timeml" and (rel in ("this", "coming", "this coming") or tense(ctx, m) > 0):
        return dct + timedelta(days=ahead)
    return dct - timedelta(days=back)
