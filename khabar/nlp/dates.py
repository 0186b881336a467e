"""Find date expressions and resolve them against the publication date.

No library reads news dates well enough (see docs/conventions.md), so this is a small
grammar: absolute dates, month-year, bare months and days resolved to the most recent
past occurrence, "this/last year" phrases, weekdays and today/yesterday. Precision is
explicit; a phrase that cannot be pinned to a calendar value keeps ``start`` None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateMention", "find_dates", "parse_published"]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
            "sunday": 6}

_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?:\s*[-\u2013\u2014]\s*|\s+to\s+)(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_REL = r"(?P<rel>this|last|next)\s+year"
_PATTERNS = [
    # 2024-01-03
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    # January 3, 2024 / January 3-4 2024 / January 3 this year / March 22
    re.compile(rf"\b{_MON}\s+{_DAY}(?:{_DAY2})?(?:,?\s+{_YEAR}\b|\s+(?:of\s+)?{_REL}\b)?(?![\w-])"),
    # 3 January 2024 / 14-15 April 2014 / 3 January this year / 22 March
    re.compile(rf"\b(?:the\s+)?{_DAY}(?:{_DAY2})?\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR}\b|\s+{_REL}\b)?(?![\w-])"),
    # July 2016 / July of 2016 / January this year / January last year
    re.compile(rf"\b{_MON}(?:\s+of)?\s+(?:{_YEAR}\b|{_REL}\b)"),
    # last January / this March
    re.compile(rf"\b(?P<relm>(?i:last|this|early|late|mid-?))\s*{_MON}\b"),
    # in/since/during May (a bare month needs a preposition: "May" is also a verb)
    re.compile(rf"\b(?P<prep>(?i:in|since|during|until|till|by|from|through|early|late|mid-?))\s+{_MON}\b(?!\s+\d)"),
    # a bare year after a preposition: in 2011, since 2011, by early 2015
    re.compile(rf"\b(?P<yprep>(?i:in|since|during|until|till|by|from|of|early|late|mid-?|around|before|after))\s+(?:early\s+|late\s+|mid-?)?{_YEAR}\b(?![-\d])(?!\s*(?:people|troops|soldiers|civilians|men|women|children|fighters|members|km|kilometres|miles))"),
    # "the 2008 Mumbai attacks": a year used as a modifier
    re.compile(rf"\b(?:the|a|an|its)\s+{_YEAR}(?=\s+[A-Za-z])"),
    # weekdays: on Monday, last Friday, Tuesday night
    re.compile(r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    # relative words
    re.compile(r"\b(?P<word>today|yesterday|last\s+night|earlier\s+this\s+month|this\s+month|last\s+month|earlier\s+this\s+year|this\s+year|last\s+year)\b", re.I),
]


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


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _past_year(month: int, day: int | None, pub: date | None) -> int | None:
    """The year of the most recent such month/day on or before publication (a week's grace)."""
    if pub is None:
        return None
    candidate = date(pub.year, month, min(day or 1, 28))
    return pub.year if candidate <= pub + timedelta(days=7) else pub.year - 1


def _rel_year(rel: str, pub: date | None) -> int | None:
    if pub is None:
        return None
    return pub.year + {"this": 0, "last": -1, "next": 1}[rel.lower()]


def _fmt(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is None:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _resolve(m: re.Match[str], pub: date | None) -> tuple[str | None, str | None, str]:
    g = m.groupdict()
    if g.get("iso"):
        return g["iso"], None, "day"
    if g.get("word"):
        w = re.sub(r"\s+", " ", g["word"].lower())
        if pub is None:
            return None, None, "unknown"
        if w == "today":
            return pub.isoformat(), None, "day"
        if w in ("yesterday", "last night"):
            return (pub - timedelta(days=1)).isoformat(), None, "day"
        if w in ("this month", "earlier this month"):
            return _fmt(pub.year, pub.month), None, "month"
        if w == "last month":
            first = pub.replace(day=1) - timedelta(days=1)
            return _fmt(first.year, first.month), None, "month"
        if w in ("this year", "earlier this year"):
            return _fmt(pub.year), None, "year"
        return _fmt(pub.year - 1), None, "year"
    if g.get("wd"):
        if pub is None:
            return None, None, "unknown"
        back = (pub.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        return (pub - timedelta(days=back)).isoformat(), None, "day"
    if g.get("mon"):
        month = _month(g["mon"])
        day = int(g["day"]) if g.get("day") else None
        day2 = int(g["day2"]) if g.get("day2") else None
        if g.get("year"):
            year = int(g["year"])
        elif g.get("rel"):
            year = _rel_year(g["rel"], pub)
        elif g.get("relm") and g["relm"].lower() == "last" and pub is not None:
            year = pub.year - 1 if month >= pub.month else pub.year
        else:
            year = _past_year(month, day, pub)
        if day is not None:
            if day > 31 or day == 0:
                return None, None, "unknown"
            return _fmt(year, month, day), _fmt(year, month, day2) if day2 else None, "day" if year else "unknown"
        return _fmt(year, month), None, "month" if year else "unknown"
    if g.get("year"):
        return g["year"], None, "year"
    return None, None, "unknown"


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in ``text``, longest first where they overlap."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if m.groupdict().get("prep") or m.groupdict().get("yprep"):
                # keep the preposition out of the mention, but "early/late/mid" stay in
                lead = m.group("prep") if m.groupdict().get("prep") else m.group("yprep")
                if lead.lower() not in ("early", "late", "mid", "mid-"):
                    start = m.start() + len(lead) + 1
            if m.groupdict().get("day") and text[start:start + 4].lower() == "the ":
                start += 4
            if m.groupdict().get("year") and not m.groupdict().get("mon") and not m.groupdict().get("yprep"):
                start = m.start("year")
            if any(s < end and start < e for s, e in taken):
                continue
            if m.groupdict().get("year") and _is_age_or_count(text, start, end):
                continue
            value, end_value, precision = _resolve(m, published)
            taken.append((start, end))
            found.append(DateMention(start, end, text[start:end], value, end_value, precision))
    found.sort(key=lambda d: d.start)
    return found


def _is_age_or_count(text: str, start: int, end: int) -> bool:
    return bool(re.match(r"\s*-?\s*year-old", text[end:end + 12]))
