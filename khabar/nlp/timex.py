"""Temporal expressions as TimeML's TIMEX3 sees them: find them and give them a TimeML value.

Why a grammar of our own: the normalisers that score well (HeidelTime, SUTime) are Java
programs, and Khabar must run offline in one Python process and explain its dates. News time
expressions are a small closed language (calendar dates, weekdays, "last week", "two years ago",
"the third quarter", "10 a.m.", durations); this module is that language as regular patterns
plus resolution rules, developed on TimeBank and measured on AQUAINT (docs/eval/timex.md).

Values follow TimeML 1.2: ``1998-08-07``, ``1998-08``, ``1998``, ``1998-W32``, ``1998-W32-WE``,
``1998-Q3``, ``1998-H1``, ``1998-SU``, ``199`` (the 1990s), ``19`` (the 20th century),
``1998-08-07T10:00``, ``1998-08-07TMO``, ``P3Y``, ``PT2H``, ``PXY``, ``PRESENT_REF``,
``PAST_REF``, ``FUTURE_REF`` and ``XXXX-WXX-4`` (every Thursday). A relative expression needs an
anchor (the publication date); without one its value is None, never a guess.

Two resolution policies: ``timeml`` reads the tense around the expression ("will meet on
Friday" lies ahead) and takes the occurrence nearest to publication, as TimeML annotators do;
``khabar`` always takes the most recent past occurrence (a week's grace for days of the month),
which is what the event layer wants from news about things that happened (docs/conventions.md).

How: every rule's pattern is matched over the whole text; where candidates overlap the longest
wins (then the earlier rule); the survivors are resolved in reading order, so that "the next
day" can count from the last day the text named.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Timex", "find_timexes", "parse_number", "MONTHS", "WEEKDAYS"]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
            "sunday": 6}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORD = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
ORDINALS = {w: i + 1 for i, w in enumerate(_ORD)} | {"thirtieth": 30, "thirty-first": 31} | {
    f"twenty-{w}": 20 + i + 1 for i, w in enumerate(_ORD[:9])}
_UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W", "month": "M",
          "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE"}
_GRAIN_OF = {"Y": "year", "M": "month", "D": "day", "W": "week", "Q": "quarter", "DE": "decade", "CE": "century"}


def _alt(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# ---- pattern pieces (compiled with re.I; month and weekday names stay case-sensitive) -------------
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_MON = rf"(?-i:(?P<mon>{_MONTH_FULL}|{_MONTH_FULL.upper()}|{_MONTH_ABBR}))"
_MONB = rf"(?-i:(?P<mon>{_MONTH_FULL.replace('May|', '')}))"  # a bare month name ("May" is a verb)
_WDN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WD = rf"(?-i:(?P<wd>{_WDN}|{_WDN.upper()}))"
_DAY = rf"(?P<day>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)|{_alt(list(ORDINALS))})"
_DAY2 = r"(?:(?:\s*[-\u2013]\s*|\s+to\s+)(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d))"
_YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)(?![\d%]|,\d|\.\d)"
_YEAR2, _YEAR3 = _YEAR.replace("<year>", "<year2>"), _YEAR.replace("<year>", "<year3>")
_YREL = r"(?P<yrel>this|last|next)\s+year"
_NUMW = rf"(?:(?:{_alt(list(_TENS))})(?:[-\s](?:{_alt(_SMALL[1:10])}))?|{_alt(_SMALL)})"
_NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+\d/\d)?|(?:{_NUMW}|a|one)\s+hundred(?:\s+(?:and\s+)?{_NUMW})?"
        rf"|{_NUMW}(?:\s+and\s+a\s+half)?|a\s+couple\s+of|a\s+dozen|half\s+an?|an?(?:\s+and\s+a\s+half)?)")
_VAGUE = r"(?:a\s+few|few|several|some|many|a\s+number\s+of|numerous)"
_UNIT = r"(?P<unit>seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies))"
_UNIT1 = r"(?P<unit>second|minute|hour|day|week|month|quarter|year|decade|century)"
_MOD = (r"(?:(?:about|around|approximately|roughly|nearly|almost|some|over(?=\s+\d)|under|more\s+than|"
        r"less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|close\s+to|as\s+(?:many|much|long|little)\s+as)\s+)")
_EARLY = r"(?:(?:early|late|mid)\s*-?\s*)"
_PART = r"(?P<part>morning|afternoon|evening|night)"
_QORD = r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
_EDGE = r"(?<![\w-])"
# the verbs that decide whether a weekday or month lies ahead or behind
_FUTURE = (r"will|shall|wo|'ll|going\s+to|plans?\s+to|planning\s+to|scheduled|expects?\s+to|expected\s+to|"
           r"due\s+to|set\s+to|intends?\s+to|is\s+to|are\s+to|to\s+be\s+(?:held|released|signed)|upcoming|"
           r"ahead\s+of|likely\s+to")
_PAST = (r"said|says|was|were|had|did|told|came|went|took|made|began|fell|rose|won|lost|held|met|left|sent|saw|"
         r"gave|found|paid|ended|(?-i:(?!hundred)[a-z]{3,}ed)")
_CUE = re.compile(rf"\b(?:(?P<f>{_FUTURE})|(?P<p>{_PAST}))\b", re.I)
# a past-tense sentence may still name a date up to this many days after publication ("extended
# the offer to Nov. 20"), and a future one a date this far before it; chosen on TimeBank
_GRACE_DAYS = 90


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


@dataclass
class _Ctx:
    text: str
    dct: date | None
    policy: str
    bounds: list[int]  # where sentences end
    refs: dict[str, date] = field(default_factory=dict)  # the last day, month and year the text named
    quarter: tuple[int, int] | None = None  # the last quarter the text named


# (type, value, grain), optionally with end_value and implied (see ``Timex``)
Result = tuple  # tuple[str, str | None, str] | ... [, str | None[, bool]]
Handler = Callable[[re.Match[str], _Ctx], Result | None]


# ---- numbers and calendar arithmetic ------------------------------------------------------------

def parse_number(words: str) -> float | None:
    """A cardinal in digits or words ("21", "twenty-one", "a hundred", "5 1/2"); None if vague."""
    s = re.sub(r"[-\s]+", " ", words.lower().replace(",", "")).strip()
    special = {"a couple of": 2.0, "a dozen": 12.0, "half a": 0.5, "half an": 0.5}
    if s in special:
        return special[s]
    if re.fullmatch(_VAGUE, s):
        return None
    extra = 0.0
    if s.endswith("and a half"):
        s, extra = s[: -len("and a half")].strip(), 0.5
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)(?: (\d)/(\d))?", s):
        frac = int(m.group(2)) / int(m.group(3)) if m.group(2) and int(m.group(3)) else 0.0
        return float(m.group(1)) + frac + extra
    total, cur = 0, 0
    for w in s.split():
        if w in ("a", "an", "one"):
            cur += 1
        elif w in _SMALL:
            cur += _SMALL.index(w)
        elif w in _TENS:
            cur += _TENS[w]
        elif w == "hundred":
            cur = max(cur, 1) * 100
        elif w == "thousand":
            total, cur = total + max(cur, 1) * 1000, 0
        elif w != "and":
            return None
    return float(total + cur) + extra


def _day_number(word: str) -> int:
    w = word.lower()
    return int(re.match(r"\d+", w).group()) if w[0].isdigit() else ORDINALS[w]  # type: ignore[union-attr]


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _ymd(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    if not 0 < k // 12 < 10000:
        raise OverflowError("outside the calendar")
    return k // 12, k % 12 + 1


def _shift(anchor: date, n: float, unit: str) -> str:
    """The date ``n`` units from ``anchor`` at that unit's granularity ("two years ago" -> 1996)."""
    k = round(n)
    if not 0 < anchor.year + k * {"Y": 1, "DE": 10, "CE": 100}.get(unit, 0) < 10000:
        raise OverflowError("outside the calendar")
    if unit == "Y":
        return f"{anchor.year + k:04d}"
    if unit == "M":
        y, m = _add_months(anchor.year, anchor.month, k)
        return f"{y:04d}-{m:02d}"
    if unit == "Q":
        y, m = _add_months(anchor.year, anchor.month, 3 * k)
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if unit == "W":
        return _week(anchor + timedelta(weeks=k))
    if unit == "DE":
        return f"{(anchor.year + 10 * k) // 10:03d}"
    if unit == "CE":
        return f"{(anchor.year + 100 * k) // 100:02d}"
    return (anchor + timedelta(days=k if unit == "D" else 0)).isoformat()  # hours: the day is what we know


def _unit(word: str) -> str:
    w = word.lower().split("-")[0]
    w = "century" if w.startswith("centur") else w.rstrip("s")
    return _UNITS.get(w, "Y")


def _duration(n: float | None, word: str) -> str:
    """TimeML duration value: P3Y, PT2H, P1Y6M, P2Q, PXD."""
    unit = _unit(word)
    clock = unit in ("H", "S") or word.lower().startswith("minute")
    pre = "PT" if clock else "P"
    if n is None:
        return f"{pre}X{unit}"
    n *= {"DE": 10, "CE": 100}.get(unit, 2 if word.lower().startswith("fortnight") else 1)
    unit = "Y" if unit in ("DE", "CE") else unit
    whole, frac = int(n), n - int(n)
    if not frac:
        return f"{pre}{whole}{unit}"
    if unit == "D":
        return f"P{whole}DT{round(frac * 24)}H" if whole else f"PT{round(frac * 24)}H"
    sub = {"H": ("M", 60), "M": ("S", 60)} if clock else {"Y": ("M", 12), "W": ("D", 7)}
    if unit not in sub:
        return f"{pre}{n:g}{unit}"
    return f"{pre}{whole}{unit}{round(frac * sub[unit][1])}{sub[unit][0]}" if whole else \
        f"{pre}{round(frac * sub[unit][1])}{sub[unit][0]}"


def _last_quarter(d: date) -> tuple[int, int]:
    q = (d.month - 1) // 3 + 1
    return (d.year, q - 1) if q > 1 else (d.year - 1, 4)


# ---- context: tense, the year of a month, weekdays -------------------------------------------------

def _sentence(ctx: _Ctx, pos: int, back: int = 1) -> tuple[int, int]:
    i = bisect.bisect_right(ctx.bounds, pos)
    lo = ctx.bounds[i - back] if i >= back else 0
    return lo, ctx.bounds[i] if i < len(ctx.bounds) else len(ctx.text)


def _tense(ctx: _Ctx, m: re.Match[str]) -> int:
    """+1 when the verb nearest before the match in its sentence speaks of the future, -1 of the
    past; with no verb before, the nearest after decides; 0 when the sentence has none."""
    lo, hi = _sentence(ctx, m.start())
    before = list(_CUE.finditer(ctx.text, lo, m.start()))
    cue = before[-1] if before else _CUE.search(ctx.text, m.end(), hi)
    if cue is None:
        return 0
    # "had been due to expire Friday": a future seen from the past is usually past by now
    return 1 if cue["f"] and not re.search(r"\b(?:had|had\s+been|was|were)\s+$", ctx.text[lo:cue.start()]) else -1


def _choose(cands: list[date], ctx: _Ctx, m: re.Match[str]) -> date:
    """Which of the same day in neighbouring years the text means (see the module docstring)."""
    dct = ctx.dct
    assert dct is not None
    if ctx.policy == "khabar":
        past = [d for d in cands if d <= dct + timedelta(days=7)]
        return max(past) if past else min(cands)
    tense = _tense(ctx, m)
    if tense < 0:
        cands = [d for d in cands if (d - dct).days <= _GRACE_DAYS] or cands
    elif tense > 0:
        cands = [d for d in cands if (dct - d).days <= _GRACE_DAYS] or cands
    return min(cands, key=lambda d: abs((d - dct).days))


def _year_for(month: int, day: int | None, ctx: _Ctx, m: re.Match[str]) -> int | None:
    """The year of a month (and day) the text gives without one."""
    if ctx.dct is None:
        return None
    y, d = ctx.dct.year, min(day or (1 if ctx.policy == "khabar" else 15), 28)
    return _choose([date(y + k, month, d) for k in (-1, 0, 1)], ctx, m).year


def _weekday(wd: int, ctx: _Ctx, m: re.Match[str], rel: str = "") -> date | None:
    dct = ctx.dct
    if dct is None:
        return None
    back, ahead = (dct.weekday() - wd) % 7, (wd - dct.weekday()) % 7
    rel = rel.lower()
    if rel == "last":
        return dct - timedelta(days=back or 7)
    if rel == "next":
        return dct + timedelta(days=ahead or 7)
    if ctx.policy == "timeml" and (rel in ("this", "coming", "this coming") or _tense(ctx, m) > 0):
        return dct + timedelta(days=ahead)
    return dct - timedelta(days=back)


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


# ---- handlers: match, context -> (type, value, grain[, end_value[, implied]]) or None ------------

def _full_date(m: re.Match[str], ctx: _Ctx) -> Result | None:
    month, day = _month(m["mon"]), _day_number(m["day"])
    if _g(m, "year"):
        year: int | None = int(m["year"])
    elif _g(m, "yrel"):
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()] if ctx.dct else None
    else:
        year = _year_for(month, day, ctx, m)
        if _g(m, "wd") and ctx.dct is not None:  # "Friday, Oct. 23": the weekday picks the year
            wd = WEEKDAYS[m["wd"].lower()]
            year = next((y for y in (year, ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1)
                         if _ymd(y, month, day) and date(y, month, day).weekday() == wd), year)  # type: ignore[arg-type]
    if year is None:
        return "DATE", None, "day"
    value = _ymd(year, month, day)
    if value is None:
        return None
    day2 = int(m["day2"]) if _g(m, "day2") else None
    end = _ymd(year, month, day2) if day2 and day2 > day else None
    if _g(m, "part"):
        return "TIME", f"{value}T{PARTS[m['part'].lower()]}", "part", end
    return "DATE", value, "day", end


def _numeric_date(m: re.Match[str], ctx: _Ctx) -> Result | None:
    y = int(m["y"])
    y = y + (1900 if y >= 50 else 2000) if y < 100 else y
    value = _ymd(y, int(m["m"]), int(m["d"]))
    return ("DATE", value, "day") if value else None


def _month_year(m: re.Match[str], ctx: _Ctx) -> Result | None:
    month = _month(m["mon"])
    if _g(m, "year"):
        return "DATE", f"{int(m['year']):04d}-{month:02d}", "month"
    if ctx.dct is None:
        return "DATE", None, "month"
    y, rel = ctx.dct.year, (_g(m, "rel") or "").lower()
    if _g(m, "yrel"):
        year = y + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()]
    elif rel == "last":
        year = y - 1 if month >= ctx.dct.month else y
    elif rel == "next":
        year = y + 1 if month <= ctx.dct.month else y
    else:
        year = y if rel == "this" else _year_for(month, None, ctx, m)  # type: ignore[assignment]
    return "DATE", f"{year:04d}-{month:02d}", "month"


def _year(m: re.Match[str], ctx: _Ctx) -> Result | None:
    return "DATE", f"{int(m['year']):04d}", "year"


def _spoken_year(m: re.Match[str], ctx: _Ctx) -> Result | None:
    head = parse_number(m["a"]) or 0
    tail = parse_number(m["b"]) if _g(m, "b") else 0
    if tail is None or (head < 100 and _g(m, "b") and tail < 10):
        return None  # "twenty six" is a count
    year = int(head * 100 + tail) if head < 100 else int(head + tail)
    return ("DATE", f"{year:04d}", "year") if 1000 <= year <= 2099 else None


def _decade(m: re.Match[str], ctx: _Ctx) -> Result | None:
    if _g(m, "dy"):
        return "DATE", m["dy"][:3], "decade"
    if _g(m, "dd"):
        d = int(m["dd"])
        century = 20 if d < 20 and ctx.dct is not None and ctx.dct.year >= 2000 else 19
        return "DATE", f"{century}{d // 10}", "decade"
    tens = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
    return "DATE", f"19{tens.index(m['dw'].lower()) + 2}", "decade"


def _century(m: re.Match[str], ctx: _Ctx) -> Result | None:
    return "DATE", f"{_day_number(m['c']) - 1:02d}", "century"


def _weekday_h(m: re.Match[str], ctx: _Ctx) -> Result | None:
    d = _weekday(WEEKDAYS[m["wd"].lower()], ctx, m, _g(m, "rel") or "")
    part = _g(m, "part")
    if part:
        return "TIME", f"{d.isoformat()}T{PARTS[part.lower()]}" if d else None, "part"
    return "DATE", d.isoformat() if d else None, "day"


_DAY_SHIFT = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last night": -1, "last": -1,
              "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}


def _relday(word: str, ctx: _Ctx) -> date | None:
    shift = _DAY_SHIFT.get(re.sub(r"\s+", " ", word.lower()))
    return None if ctx.dct is None or shift is None else ctx.dct + timedelta(days=shift)


def _day_word(m: re.Match[str], ctx: _Ctx) -> Result | None:
    w = m["w"].lower()
    d = _relday(w, ctx)
    if w == "tonight" or w.startswith("last"):
        return "TIME", f"{d.isoformat()}TNI" if d else None, "part"
    return "DATE", d.isoformat() if d else None, "day"


def _part_of_day(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """this morning, yesterday afternoon, last night, that evening, the next morning."""
    base = re.sub(r"\s+", " ", m["base"].lower())
    if base in ("that", "the next", "the following"):
        day = ctx.refs.get("day", ctx.dct)
        d = day + timedelta(days=base != "that") if day else None
    else:
        d = _relday(base, ctx)
    return "TIME", f"{d.isoformat()}T{PARTS[m['part'].lower()]}" if d else None, "part"


def _clock(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """10 a.m., 10:35 p.m. EDT Thursday, noon Saturday, 4 in the morning, 1430 GMT."""
    if _g(m, "noon"):
        hh, mm = (24, 0) if m["noon"].lower() == "midnight" else (12, 0)
    else:
        hh, mm = int(_g(m, "hh") or _g(m, "hh2")), int(_g(m, "mm") or 0)  # type: ignore[arg-type]
        ap = (_g(m, "ap") or "").lower().replace(".", "").replace(" ", "")
        if hh > 24 or mm > 59 or (ap and not 1 <= hh <= 12):
            return None
        if (ap == "pm" or (_g(m, "mpart") or "morning").lower() != "morning") and hh < 12:
            hh += 12
        elif ap == "am" and hh == 12:
            hh = 0
    d: date | None = ctx.dct
    implied = not (_g(m, "wd") or _g(m, "w") or _g(m, "mon"))
    if _g(m, "wd"):
        d = _weekday(WEEKDAYS[m["wd"].lower()], ctx, m)
    elif _g(m, "w"):
        d = _relday(m["w"], ctx)
    elif _g(m, "mon"):
        month, day = _month(m["mon"]), _day_number(m["day"])
        year = _year_for(month, day, ctx, m)
        v = _ymd(year, month, day) if year else None
        d = date.fromisoformat(v) if v else None
    return "TIME", f"{d.isoformat()}T{hh:02d}:{mm:02d}" if d else None, "time", None, implied


_STEP = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "latest": -1, "next": 1,
         "coming": 1, "following": 1}


def _rel_period(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """this week, last month, next year, the past year, earlier in the year, last summer."""
    rel, unit = (_g(m, "rel") or "this").lower(), m["u"].lower()
    step = _STEP[rel]
    anchor = ctx.dct
    if rel in ("previous", "following") and m.group(0).lower().startswith("the"):
        # "the following week": after the time just talked about
        anchor = ctx.refs.get(unit if unit in ("month", "year") else "day", ctx.dct)
    grain = unit if unit in ("week", "weekend", "month", "year", "decade") else "season"
    if unit == "century":
        return "DURATION", "P100Y", "duration"
    if anchor is None:
        return "DATE", None, grain
    if unit in ("week", "month", "year", "decade"):
        return "DATE", _shift(anchor, step, _unit(unit)), grain
    if unit == "weekend":
        sat = anchor + timedelta(days=5 - anchor.weekday(), weeks=step)
        return "DATE", _week(sat) + "-WE", grain
    season, order = SEASONS[unit], ["WI", "SP", "SU", "FA"]
    now = order[(anchor.month % 12) // 3]
    year = anchor.year
    if step < 0 and order.index(season) >= order.index(now):
        year -= 1
    elif step > 0 and order.index(season) <= order.index(now):
        year += 1
    return "DATE", f"{year:04d}-{season}", grain


def _the_weekend(m: re.Match[str], ctx: _Ctx) -> Result | None:
    if ctx.dct is None:
        return "DATE", None, "weekend"
    d = ctx.dct
    if ctx.policy == "timeml" and _tense(ctx, m) > 0:
        sat = d + timedelta(days=(5 - d.weekday()) % 7)
    else:
        sat = d - timedelta(days=(d.weekday() - 5) % 7)
    return "DATE", _week(sat) + "-WE", "weekend"


def _season(m: re.Match[str], ctx: _Ctx) -> Result | None:
    season = SEASONS[m["s"].lower()]
    year = int(m["year"]) if _g(m, "year") else ctx.dct.year if ctx.dct else None
    return "DATE", f"{year:04d}-{season}" if year else None, "season"


def _ago(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """two years ago, a year earlier, three days from now; "years ago" is the past."""
    n = parse_number(m["n"]) if _g(m, "n") else None
    ahead = m["dir"].lower() in ("from now", "hence")
    if n is None:
        return "DATE", "FUTURE_REF" if ahead else "PAST_REF", "ref"
    unit = _unit(m["unit"])
    grain = _GRAIN_OF.get(unit, "day")
    if ctx.dct is None:
        return "DATE", None, grain
    if unit == "Y" and n == 1 and not ahead and _quarterly(m, ctx):
        y, q = _last_quarter(ctx.dct)  # results "up from a year ago": the same quarter last year
        return "DATE", f"{y - 1}-Q{q}", "quarter"
    return "DATE", _shift(ctx.dct, n if ahead else -n, unit), grain


def _quarterly(m: re.Match[str], ctx: _Ctx) -> bool:
    """Do this sentence and the one before compare quarters ("net rose 5% from a year ago")?"""
    lo, hi = _sentence(ctx, m.start(), back=2)
    return bool(re.search(r"\bquarter|\bthree\s+months\s+ended", ctx.text[lo:hi], re.I))


def _quarter(m: re.Match[str], ctx: _Ctx) -> Result | None:
    words = m.group(0).lower()
    num = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}.get(
        (_g(m, "q") or "").lower())
    explicit = _g(m, "year") or _g(m, "year2") or _g(m, "year3")
    if ctx.dct is None and not (explicit and num):
        return "DATE", None, "quarter"
    if explicit and num is None:  # "the 1988 quarter": the quarter the text is about, that year
        return "DATE", f"{explicit}-Q{(ctx.quarter or _last_quarter(ctx.dct))[1]}", "quarter"  # type: ignore[arg-type]
    if explicit:
        year = int(explicit)
    elif "year-ago" in words or "year-earlier" in words:
        y, q = _last_quarter(ctx.dct)  # type: ignore[arg-type]
        return "DATE", f"{y - 1}-Q{num or q}", "quarter"
    elif num is None:  # "the quarter", "the latest quarter", "the current quarter"
        if "current" in words:
            return "DATE", f"{ctx.dct.year}-Q{(ctx.dct.month - 1) // 3 + 1}", "quarter"  # type: ignore[union-attr]
        y, q = (None if re.search(r"latest|recent", words) else ctx.quarter) or _last_quarter(ctx.dct)  # type: ignore[arg-type]
        return "DATE", f"{y}-Q{q}", "quarter"
    else:
        rel = (_g(m, "yrel") or "").lower()
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1, "": 0}[rel]  # type: ignore[union-attr]
        if not rel and date(year, 3 * num - 2, 1) > ctx.dct and _tense(ctx, m) <= 0:  # type: ignore[operator]
            year -= 1
    ctx.quarter = (year, num)
    return "DATE", f"{year}-Q{num}", "quarter"


def _half(m: re.Match[str], ctx: _Ctx) -> Result | None:
    if _g(m, "dy"):
        return "DATE", m["dy"][:3], "decade"  # "the last half of the 1980s" is that decade
    year = int(m["year"]) if _g(m, "year") else (ctx.dct.year if ctx.dct else None)
    return "DATE", f"{year}-H{1 if m['h'].lower() == 'first' else 2}" if year else None, "half"


def _dur(m: re.Match[str], ctx: _Ctx) -> Result | None:
    n = parse_number(m["n"]) + (0.5 if _g(m, "half") else 0) if _g(m, "n") else None  # type: ignore[operator]
    return "DURATION", _duration(n, m["unit"]), "duration"


def _ref(value: str) -> Handler:
    return lambda m, ctx: ("DATE", value, "ref")


def _set(m: re.Match[str], ctx: _Ctx) -> Result | None:
    if _g(m, "wd"):
        part = f"T{PARTS[m['part'].lower().rstrip('s')]}" if _g(m, "part") else ""
        return "SET", f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()] + 1}{part}", "set"
    if _g(m, "mon"):
        return "SET", f"XXXX-{_month(m['mon']):02d}", "set"
    w = m.group(0).lower()
    for word, value in (("hour", "PT1H"), ("day", "P1D"), ("night", "P1D"), ("morning", "P1D"), ("week", "P1W"),
                        ("month", "P1M"), ("quarter", "P1Q"), ("year", "P1Y")):
        if word in w:
            return "SET", value, "set"
    return None


def _anaphor(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """"that day", "the next day", "later that year": counted from the last one the text named."""
    w = re.sub(r"\s+", " ", m.group(0).lower())
    unit = _unit(_g(m, "unit") or _g(m, "unit2") or "day")
    grain = _GRAIN_OF[unit]
    anchor = ctx.refs.get(grain, ctx.dct)
    if anchor is None:
        return "DATE", None, grain
    step = 1 if re.search(r"\b(next|following|after)\b", w) else -1 if re.search(r"\b(previous|before|prior)\b", w) else 0
    return "DATE", _shift(anchor, step, unit), grain


def _this_year(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """"the current fiscal year", "year-end", "the full year": the year TimeML reads into them."""
    if _g(m, "year"):
        return "DATE", m["year"], "year"
    step = -1 if re.search(r"latest|last|previous|past", m.group(0), re.I) else 0
    return "DATE", str(ctx.dct.year + step) if ctx.dct else None, "year", None, True


def _the_year(m: re.Match[str], ctx: _Ctx) -> Result | None:
    """"for the year ended June 30" is a length; "sales for the year rose" is the current year."""
    if re.match(r"\s+(?:ended|ending|to)\b", ctx.text[m.end():m.end() + 8]):
        return "DURATION", "P1Y", "duration"
    return "DATE", str(ctx.dct.year) if ctx.dct else None, "year", None, True


_FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                   "new years day": (1, 1), "new years eve": (12, 31), "independence day": (7, 4),
                   "halloween": (10, 31), "valentines day": (2, 14), "veterans day": (11, 11)}


def _holiday_on(name: str, y: int) -> date:
    if name in _FIXED_HOLIDAYS:
        return date(y, *_FIXED_HOLIDAYS[name])
    if name.startswith("thanksgiving"):  # the fourth Thursday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    first = date(y, 11, 2)  # election day: the Tuesday after the first Monday of November
    return first + timedelta(days=(1 - first.weekday()) % 7)


def _holiday(m: re.Match[str], ctx: _Ctx) -> Result | None:
    name = re.sub(r"\s+", " ", m["hol"].lower()).replace("'", "").replace("\u2019", "")
    if _g(m, "year"):
        return "DATE", _holiday_on(name, int(m["year"])).isoformat(), "day"
    if ctx.dct is None:
        return "DATE", None, "day"
    return "DATE", _choose([_holiday_on(name, ctx.dct.year + k) for k in (-1, 0, 1)], ctx, m).isoformat(), "day"


def _week_of(m: re.Match[str], ctx: _Ctx) -> Result | None:
    r = _full_date(m, ctx)
    return "DATE", _week(date.fromisoformat(r[1])) if r and r[1] else None, "week"


# ---- the rules ------------------------------------------------------------------------------------
_RULES: list[tuple[str, Handler]] = [
    # 2024-01-03, 8/7/98
    (rf"{_EDGE}(?P<y>(?:1[5-9]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w:])", _numeric_date),
    (rf"{_EDGE}(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d\d(?:\d\d)?)(?![\w/])", _numeric_date),
    # (Friday,) January 3(-4)(,) (2024|this year); (Friday,) (the) 3(-4) (of) January (2024)
    (rf"{_EDGE}(?:(?:(?:early|late)\s+)?{_WD}\s*,?\s+)?{_MON}\s+{_DAY}{_DAY2}?"
     rf"(?:\s*,?\s*{_YEAR}|\s+(?:of\s+)?{_YREL})?(?![\w-])", _full_date),
    (rf"{_EDGE}(?:{_WD}\s*,?\s+)?(?:the\s+)?{_DAY}{_DAY2}?\s+(?:of\s+)?{_MON}(?:\s*,?\s*{_YEAR}|\s+{_YREL})?(?![\w-])",
     _full_date),
    # the night of 14-15 April 2014; the week of March 6
    (rf"{_EDGE}the\s+{_PART}\s+of\s+(?:{_WD}\s*,?\s+)?{_DAY}{_DAY2}?\s+{_MON}(?:\s*,?\s*{_YEAR})?(?![\w-])", _full_date),
    (rf"\bthe\s+week\s+of\s+{_MON}\s+{_DAY}(?:\s*,?\s*{_YEAR})?", _week_of),
    # July 2016, late June 2022, January this year, last January, this March, early December, in May
    (rf"{_EDGE}{_EARLY}?{_MON}(?:\s+of|,)?\s+(?:{_YEAR}|{_YREL}\b)", _month_year),
    (rf"{_EDGE}{_EARLY}?(?P<rel>last|this|next)\s+{_MON}(?![\w-])", _month_year),
    (rf"{_EDGE}{_EARLY}?{_MONB}(?!\s*\d)(?![\w-])", _month_year),
    (rf"\b(?:in|by|since|until|till|during|from|through|before|after|of)\s(?P<t>{_EARLY}?(?-i:(?P<mon>May)))"
     r"(?![\w-])(?!\s*\d)", _month_year),
    (rf"{_EDGE}{_EARLY}(?-i:(?P<mon>May))(?![\w-])(?!\s*\d)", _month_year),
    # 1998, fiscal 1998, mid-1996, the year 2000, nineteen ninety-six, the year two thousand
    (rf"{_EDGE}(?:(?:fiscal|calendar|the\s+year|{_EARLY})\s*)?{_YEAR}(?![\w-]|'s\b)", _year),
    (rf"{_EDGE}(?:the\s+year\s+)?(?P<a>nineteen|twenty|two\s+thousand)\s+(?:and\s+)?(?P<b>{_NUMW}(?:\s+hundred)?)?"
     r"(?=\W|$)(?!\s+(?:years?|months?|days?|people|percent|dollars))", _spoken_year),
    # the 1990s, the early '80s, the nineties, the 20th century
    (rf"{_EDGE}(?:the\s+)?{_EARLY}?(?:(?P<dy>(?:1[5-9]|20)\d0)'?s|'(?P<dd>\d0)s"
     r"|(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b", _decade),
    (rf"{_EDGE}(?:the\s+)?{_EARLY}?(?P<c>[12]?\d(?:st|nd|rd|th)|{_alt(list(ORDINALS))})\s+century\b", _century),
    # Friday, last Friday, this coming Sunday, Friday morning, earlier Sunday
    (rf"{_EDGE}(?:(?P<rel>last|this|next|this\s+coming|coming)\s+)?(?:(?:early|late|earlier|later)\s+)?{_WD}"
     rf"(?:\s+{_PART})?(?![\w-])", _weekday_h),
    # today, yesterday, tonight, last night, the day before yesterday, late yesterday
    (r"\b(?:(?:early|late|earlier|later)\s+)?(?P<w>today|yesterday|tomorrow|tonight|last\s+night"
     r"|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)\b", _day_word),
    # this morning, yesterday afternoon, that night, the next morning, mid-afternoon yesterday
    (rf"\b(?:(?:early|late|earlier|later|mid)\s*-?\s*)?(?P<base>this|yesterday|tomorrow|last|that|the\s+next"
     rf"|the\s+following)\s+{_PART}\b", _part_of_day),
    (rf"\b{_EARLY}{_PART}\s+(?P<base>yesterday|today|tomorrow)\b", _part_of_day),
    # clock times
    (rf"\b(?:(?:about|around|shortly\s+(?:before|after)|just\s+(?:before|after))\s+)?"
     rf"(?:(?P<hh>[01]?\d)(?:[:.](?P<mm>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\b\.?|[ap]m\b)|(?P<noon>noon|midnight|midday)"
     rf"|(?P<hh2>[01]?\d)\s+(?:o'clock\s+)?in\s+the\s+(?P<mpart>morning|afternoon|evening))"
     rf"(?:\s+(?:[ECMP][SD]T|GMT|UTC|local\s+time)\b)?"
     rf"(?:\s*,?\s+(?:on\s+)?(?:{_WD}|(?P<w>today|yesterday|tomorrow)|{_MON}\s+{_DAY}))?", _clock),
    (r"\b(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)\s+(?:GMT|UTC|local\s+time|hours)\b", _clock),
    # this week, last month, next year, the past year, the coming weekend, last summer
    (r"\b(?:(?:early|late|earlier|later)\s+(?:in\s+)?)?(?:the\s+)?(?P<rel>this|last|next|past|coming|previous|current"
     r"|following|latest)\s+(?P<u>week|weekend|month|year|decade|century|spring|summer|fall|autumn|winter)\b", _rel_period),
    (r"\b(?:earlier|later)\s+in\s+the\s+(?P<u>year|month|week)\b", _rel_period),
    (r"\b(?:the\s+)?(?:end|beginning|start|middle|close|rest|remainder|balance)\s+of\s+the\s+(?P<u>year|month|week)\b",
     _rel_period),
    (r"\b(?:this|the)\s+weekend\b", _the_weekend),
    # summer 1998, the fall of 1998, in the summer, the early summer
    (rf"\b{_EARLY}?(?:the\s+)?(?P<s>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_YEAR}", _season),
    (r"\b(?:in|during|by|until|through|over)\s(?P<t>(?:(?:early|late)\s+)?(?:the\s+)?"
     r"(?P<s>spring|summer|autumn|winter|fall))\b", _season),
    (r"\bthe\s+(?:(?:early|late)\s+)?(?P<s>spring|summer|autumn|winter)\b", _season),
    # the third quarter, third-quarter, last year's fourth quarter, the year-ago quarter, the first half
    (rf"\b(?:(?:the|{_YREL}'s)\s+)?(?:(?:{_YEAR}|fiscal(?:\s+{_YEAR2})?|calendar)\s*-?\s*)?{_QORD}\s+quarter"
     rf"(?:\s+of\s+(?:fiscal\s+)?{_YEAR3})?\b", _quarter),
    (rf"\b(?:{_YREL}'s\s+)?(?:(?:{_YEAR}|fiscal(?:\s+{_YEAR2})?|calendar)\s*-?\s*)?{_QORD}-quarter\b", _quarter),
    (r"\bthe\s+(?:latest|current|most\s+recent|recent|year-ago|year-earlier|same)\s+(?:quarter|period)\b"
     r"|\b(?:the|this|that)\s+quarter\b", _quarter),
    (rf"\bthe\s+{_YEAR}\s+(?:quarter|period)\b", _quarter),
    (r"\b(?:year-ago|year-earlier)\b", _quarter),
    (rf"\b(?:the\s+)?(?P<h>first|second|last|latter)\s+half(?:\s+of\s+(?:{_YEAR}|the\s+(?P<dy>(?:1[5-9]|20)\d0)s"
     r"|the\s+year))?\b", _half),
    # the current fiscal year, year-end, the full year, the year
    (r"\b(?:around\s+)?(?:year[-\s]end|year's\s+end)\b|\bthe\s+(?:full|whole|entire)\s+year\b"
     r"|\bthe\s+(?:current|latest|last|previous|past)?\s*fiscal\s+year\b", _this_year),
    (r"\bthe\s+year\b(?!\s+(?:before|after|earlier|ago|\d))", _the_year),
    # Christmas, Thanksgiving Day, Election Day
    (rf"\b(?P<hol>Christmas(?:\s+(?:Day|Eve))?|New\s+Year['\u2019]?s\s+(?:Day|Eve)|Independence\s+Day|Halloween"
     rf"|Valentine['\u2019]?s\s+Day|Veterans\s+Day|Thanksgiving(?:\s+Day)?|Election\s+Day)(?:\s*,?\s*{_YEAR})?", _holiday),
    # two years ago, a year earlier, three days from now, several years ago
    (rf"\b{_MOD}?(?:(?P<n>{_NUM})|{_VAGUE})\s+{_UNIT}\s+(?P<dir>ago|earlier|from\s+now|hence)\b(?!\s+than)", _ago),
    # that day, the next day, the same day, later that year, the following month, the day before
    (r"\b(?:(?:early|late|earlier|later)\s+)?(?:that|the\s+(?:same|next|following|previous|prior)|that\s+same)\s+"
     r"(?P<unit>day|month|year)\b|\bthe\s+(?P<unit2>day)\s+(?:before|after)\b(?!\s+(?:yesterday|tomorrow))", _anaphor),
    # three years, the past two months, more than a decade, a minute and a half, 16-hour, year-long
    (rf"\b{_MOD}?(?:the\s+)?(?:(?:past|last|next|first|previous|coming|following|final|latest|remaining|initial"
     rf"|ensuing)\s+)?(?P<n>{_NUM})\s+(?:(?:more|full|straight|consecutive|additional|long|whole|extra)\s+)?{_UNIT}"
     r"(?P<half>\s+and\s+a\s+half)?\b(?!-)", _dur),
    (rf"\b(?P<n>\d+(?:\.\d+)?|{_NUMW}|half)-{_UNIT1}(?:-long)?(?![\w]|-old)", _dur),
    (r"\b(?P<unit>year|day|month|week)-long\b", lambda m, ctx: ("DURATION", _duration(1, m["unit"]), "duration")),
    (rf"\b{_MOD}?(?:the\s+)?(?:(?:past|last|next|coming|previous|following|first)\s+)?{_VAGUE}\s+{_UNIT}\b", _dur),
    (r"\b(?:the\s+)?(?:coming|past)\s+(?P<unit>years|months|weeks|days|decades)\b", _dur),
    (r"\brecent\s+(?P<unit>months|weeks|days|hours)\b", _dur),
    (r"(?<![\w-])(?P<unit>years|months|weeks|decades|centuries)(?:-long)?\b(?!\s+(?:ago|old|later|earlier))", _dur),
    # weekly, every Thursday, each July, Tuesday nights, twice a year
    (r"\b(?:weekly|monthly|yearly|hourly|nightly)\b", _set),
    (rf"\b(?:every|each)\s+(?:other\s+)?(?:{_WD}|{_MONB}|day|week|month|year|night|morning|hour|quarter)\b", _set),
    (rf"(?<![\w-]){_WD}s(?:\s+{_PART}s?)?\b", _set),
    (r"\b(?:times|twice|once|percent|cents)\s(?P<t>(?:a|per)\s+(?:day|week|month|year|quarter))\b", _set),
    # now, currently, recently, the past, soon, the future
    (r"\b(?:right\s+)?now\b|\bcurrently\b|\bcurrent\b|\bat\s+present\b|\bpresently\b|\bnowadays\b|\bthese\s+days\b",
     _ref("PRESENT_REF")),
    (r"\b(?:more\s+)?recently\b|\brecent\s+years\b|\bthe\s+past\b(?!\s+(?:few|several|\d|two|three))|\blately\b"
     r"|\brecent\b", _ref("PAST_REF")),
    (r"\bthe\s+(?:near\s+|distant\s+)?future\b|\bsoon\b|\bsomeday\b|\bthe\s+(?:near|short)\s+term\b"
     r"|\bcoming\s+(?:months|years|weeks|quarters)\b", _ref("FUTURE_REF")),
]
_COMPILED = [(re.compile(p, re.I), h) for p, h in _RULES]

# "the end of 1990", "around Nov. 1", "this past spring": words TimeML keeps inside the expression
_LEAD = re.compile(r"\b(?:the\s+(?:very\s+)?(?:end|beginning|start|middle|close|turn)\s+of|around|about|approximately"
                   r"|this\s+past|this\s+coming)\s+$", re.I)
_SENT_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_COUNT_AFTER = re.compile(
    r"\s*(?:people|persons|troops|soldiers|civilians|men|women|children|fighters|members|km|kilometres|"
    r"kilometers|miles|metres|meters|feet|tons|tonnes|shares|dollars|euros|percent|points|votes|cars|"
    r"homes|houses|jobs|workers|employees|students|cases|deaths|victims|rounds|units|acres)\b", re.I)
# numbers that name things, not years: "Resolution 2254", "Flight 1549", "No. 1999"
_NAME_BEFORE = re.compile(r"(?:resolutions?|flight|route|highway|article|section|chapter|room|suite|unit|model|"
                          r"decree|law|no\.|number|item|code|[$\u00a3\u20ac#\d.,/])\s*$", re.I)
_GRAINS = {"day": 0, "part": 0, "time": 0, "month": 1, "year": 2}
_CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?(?:T|$)")


def _keep(m: re.Match[str], handler: Handler, text: str) -> bool:
    """Cheap vetoes before overlaps are settled: numbers that are not years, ages, rates."""
    s, e = m.span()
    if handler is _year and (_NAME_BEFORE.search(text[max(0, s - 12):s]) or _COUNT_AFTER.match(text, e)
                             or re.match(r"\s*-?\s*years?-old", text[e:e + 12])):
        return False
    if handler is _dur:
        if re.match(r"[-\s]+old\b", text[e:e + 6]) or m.group(0).lower() in ("a second", "one second"):
            return False  # ages ("52 years old") are not TIMEX3s
        if re.match(r"quarters?\s+of\b", text[m.start("unit"):e + 4], re.I) if _g(m, "unit") else False:
            return False  # "a quarter of the market" is a fraction
        if m.group(0)[:2].lower() == "a " and re.search(
                rf"(?:[\d%]|\b{_NUMW})(?:\s+[a-z]+){{0,2}}\s*$", text[max(0, s - 30):s], re.I):
            return False  # a rate ("$500 million a year", "four flights a week"), not a length of time
    return True


def find_timexes(text: str, published: date | None, *, policy: str = "timeml") -> list[Timex]:
    """Every temporal expression in ``text``, in reading order, never overlapping."""
    cands: list[tuple[int, int, int, re.Match[str]]] = []
    for i, (rx, handler) in enumerate(_COMPILED):
        for m in rx.finditer(text):
            s, e = m.span("t") if _g(m, "t") is not None else m.span()
            if e > s and _keep(m, handler, text):
                cands.append((s, e, i, m))
    cands.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int, int, re.Match[str]]] = []
    free = [True] * (len(text) + 1)
    for c in cands:
        if all(free[c[0]:c[1]]):
            taken.append(c)
            free[c[0]:c[1]] = [False] * (c[1] - c[0])
    ctx = _Ctx(text, published, policy, [m.end() for m in _SENT_END.finditer(text)])
    out: list[Timex] = []
    for start, end, i, m in sorted(taken):
        try:
            result = _COMPILED[i][1](m, ctx)
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
            lead = _LEAD.search(text, max(0, s - 40), s)
            if lead and not (out and out[-1].end > lead.start()):
                s = lead.start()
        out.append(Timex(s, e, text[s:e], typ, value, grain, end_value, implied))
    return out
