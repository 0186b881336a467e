"""Casualty counts: "at least 144 people were killed", "killed nearly 100", "13 ... and 169".

A count is a range: ``min``/``max`` with None for an open side. Qualifiers decide the
side ("at least" opens the top, "nearly" bounds it); conjoined counts of the same
outcome add up ("13 American soldiers and at least 169 Afghans" is at least 182).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CountMention", "find_counts", "parse_quantity", "word_to_number"]

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# vague plurals: (min, max)
_VAGUE = {"dozens": (24, None), "scores": (40, None), "hundreds": (200, None), "thousands": (2000, None),
          "several": (3, None), "a dozen": (12, 12), "a few": (2, None), "many": (2, None)}
_NUMWORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_PERSON_NOUN = (r"(?:man|woman|boy|girl|child|soldier|policeman|policewoman|officer|civilian|person|journalist|"
                r"student|teacher|worker|guard|farmer|doctor|nurse|priest|imam|judge|official|tourist|"
                r"resident|fighter|militant|commander|protester|passer-by|bystander|pilgrim)")
_NUM = (rf"(?:an?(?=\s+{_PERSON_NOUN}\b)|\d{{1,3}}(?:,\d{{3}})+|\d+|(?:(?:{_NUMWORD})(?:[\s-](?:{_NUMWORD}))?)"
        rf"(?:\s+(?:hundred|thousand|million))?|a\s+dozen|dozens|scores|hundreds|thousands|several)")
_QUAL = (r"(?:a\s+total\s+of|at\s+least|more\s+than|over|some|about|around|roughly|approximately|nearly|almost|"
         r"up\s+to|fewer\s+than|less\s+than|as\s+many\s+as|an\s+estimated|estimated)")
_QTY = rf"(?:{_QUAL}\s+)?(?<![\w-]){_NUM}(?![\w-])"
_WORDS = r"(?:(?!(?:that|which|who|and|or)\b)[A-Za-z\u2019'-]+\s+){0,4}?"
_ASIDE = r"(?:[A-Za-z\u2019'-]*,[^,.;]{1,60},\s+)?"
_GROUP = rf"(?P<qty>{_QTY}(?:\s+{_WORDS}(?:and|,)\s+{_QTY})?)"

_KILL_AFTER = re.compile(
    rf"\b(?P<cue>killed|killing|kills|kill|massacred|executed|left|leaving)\s+{_GROUP}"
    rf"(?P<tail>\s+{_WORDS}(?:dead|killed))?", re.I)
_KILL_BEFORE = re.compile(
    rf"{_GROUP}\s+{_WORDS}{_ASIDE}(?:(?:were|was|have\s+been|had\s+been|are|being)\s+)?(?:reportedly\s+)?"
    rf"(?P<cue>killed|dead|died|deaths|fatalities|lost\s+their\s+lives|perished|bodies)\b", re.I)
_TOLL = re.compile(
    rf"\bdeath\s+toll\s+(?:[^\s.;]+\s+){{0,25}}?(?:to|at|of|reached|hit|stood\s+at|is|was)\s+{_GROUP}", re.I)
_HURT_AFTER = re.compile(
    rf"\b(?P<cue>wounded|wounding|injured|injuring|injure|hurt|wound)\s+{_GROUP}", re.I)
_HURT_BEFORE = re.compile(
    rf"{_GROUP}\s+{_WORDS}{_ASIDE}(?:(?:were|was|have\s+been|had\s+been|are)\s+)?"
    rf"(?P<cue>wounded|injured|hurt|injuries)\b", re.I)


@dataclass(frozen=True)
class CountMention:
    start: int
    end: int
    text: str
    min: int | None
    max: int | None
    outcome: str  # killed | injured


MAX_COUNT = 10_000_000  # no casualty toll is larger: longer digit runs are ids, phone numbers or noise


def _digits(part: str) -> int | None:
    """ASCII digits only ('²' is a digit to Python, not a number); None beyond MAX_COUNT."""
    if not (part.isascii() and part.isdecimal()) or len(part) > len(str(MAX_COUNT)):
        return None
    n = int(part)
    return n if n <= MAX_COUNT else None


def word_to_number(text: str) -> int | None:
    t = text.lower().replace(",", "").strip()
    if t.isdigit():
        return _digits(t)
    total, current = 0, 0
    for part in re.split(r"[\s-]+", t):
        if part in _UNITS:
            current += _UNITS[part]
        elif part in _SCALES:
            current = max(current, 1) * _SCALES[part]
            if _SCALES[part] >= 1000:
                total, current = total + current, 0
        elif part.isdigit():
            n = _digits(part)
            if n is None:
                return None
            current += n
        else:
            return None
    value = total + current
    return value if value and value <= MAX_COUNT else None


def _one(text: str) -> tuple[int | None, int | None]:
    m = re.match(rf"\s*(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})", text, re.I)
    if not m:
        return None, None
    q = re.sub(r"\s+", " ", (m.group("q") or "").lower())
    word = re.sub(r"\s+", " ", m.group("n").lower()).strip()
    if word in ("a", "an"):
        lo, hi = 1, 1
    elif word in _VAGUE:
        lo, hi = _VAGUE[word]
    else:
        n = word_to_number(word)
        if n is None:
            return None, None
        lo, hi = n, n
    if q in ("at least", "more than", "over", "as many as"):
        return lo, None
    if q in ("nearly", "almost", "up to", "fewer than", "less than"):
        return None, hi
    return lo, hi


def parse_quantity(text: str) -> tuple[int | None, int | None]:
    """(min, max) of a quantity phrase; conjoined quantities add up."""
    if text.strip().lower() in ("a", "an"):
        return 1, 1
    parts = re.findall(_QTY, text, re.I)
    if not parts:
        return None, None
    lo_sum, hi_sum, lo_open, hi_open = 0, 0, False, False
    for p in parts:
        lo, hi = _one(p)
        if lo is None and hi is None:
            continue
        if lo is None:
            lo_open = True
        else:
            lo_sum += lo
        if hi is None:
            hi_open = True
        else:
            hi_sum += hi
    return (None if lo_open and not lo_sum else lo_sum or None, None if hi_open else hi_sum or None)


def find_counts(text: str, *, offset: int = 0) -> list[CountMention]:
    """Casualty counts in a sentence (``offset`` maps back to document offsets)."""
    out: list[CountMention] = []
    for outcome, patterns in (("killed", (_KILL_AFTER, _KILL_BEFORE, _TOLL)),
                              ("injured", (_HURT_AFTER, _HURT_BEFORE))):
        for pattern in patterns:
            for m in pattern.finditer(text):
                if m.groupdict().get("cue", "").lower() in ("left", "leaving") and not m.group("tail"):
                    continue
                qty = m.group("qty")
                lo, hi = parse_quantity(qty)
                if lo is None and hi is None:
                    continue
                s, e = m.span("qty")
                if any(c.start < offset + e and offset + s < c.end for c in out):
                    continue
                out.append(CountMention(offset + s, offset + e, qty, lo, hi, outcome))
    return sorted(out, key=lambda c: c.start)
