"""The TIMEX grammar's rules: a regular pattern per kind of expression and a handler that
computes its TimeML value from the match and the context.

Why a flat list: each rule can be read, tested and dropped on its own, and the order of the list
settles ties between overlapping candidates (``khabar.nlp.timex``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from khabar.nlp.timex_calendar import (
    GRAIN_OF,
    ORDINALS,
    PARTS,
    SEASONS,
    SMALL,
    TENS,
    VAGUE,
    WEEKDAYS,
    alt,
    day_number,
    duration_value,
    holiday_on,
    iso_week,
    last_quarter,
    month_number,
    parse_number,
    shift,
    unit_code,
    ymd,
)
from khabar.nlp.timex_context import Context, choose, sentence_span, tense, weekday_date, year_for

__all__ = ["COMPILED", "LEAD", "SENT_END", "group", "keep"]

# ---- pattern pieces (compiled with re.I; month and weekday names stay case-sensitive) -------------
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_MON = rf"(?-i:(?P<mon>{_MONTH_FULL}|{_MONTH_FULL.upper()}|{_MONTH_ABBR}))"
_MONB = rf"(?-i:(?P<mon>{_MONTH_FULL.replace('May|', '')}))"  # a bare month name ("May" is a verb)
_WDN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WD = rf"(?-i:(?P<wd>{_WDN}|{_WDN.upper()}))"
_DAY = rf"(?P<day>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)|{alt(list(ORDINALS))})"
_DAY2 = r"(?:(?:\s*[-\u2013]\s*|\s+to\s+)(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d))"
_YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)(?![\d%]|,\d|\.\d)"
_YEAR2, _YEAR3 = _YEAR.replace("<year>", "<year2>"), _YEAR.replace("<year>", "<year3>")
_YREL = r"(?P<yrel>this|last|next)\s+year"
_NUMW = rf"(?:(?:{alt(list(TENS))})(?:[-\s](?:{alt(SMALL[1:10])}))?|{alt(SMALL)})"
_NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+\d/\d)?|(?:{_NUMW}|a|one)\s+hundred(?:\s+(?:and\s+)?{_NUMW})?"
        rf"|{_NUMW}(?:\s+and\s+a\s+half)?|(?:a\s+)?couple\s+of|a\s+dozen|half\s+an?|an?(?:\s+and\s+a\s+half)?)")
_UNIT = r"(?P<unit>seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies))"
_UNIT1 = r"(?P<unit>second|minute|hour|day|week|month|quarter|year|decade|century)"
_MOD = (r"(?:(?:about|around|approximately|roughly|nearly|almost|some|over(?=\s+\d)|under|more\s+than|"
        r"less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|close\s+to|as\s+(?:many|much|long|little)\s+as)\s+)")
_EARLY = r"(?:(?:early|late|mid)\s*-?\s*)"
_PART = r"(?P<part>morning|afternoon|evening|night)"
_QORD = r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
_EDGE = r"(?<![\w-])"
_MAY = "(?-i:May)"  # the month, never the verb "may" (also the key of the rules that read it)


# (type, value, grain), optionally with end_value and implied (see ``khabar.nlp.timex.Timex``)
Result = tuple  # tuple[str, str | None, str] | ... [, str | None[, bool]]
Handler = Callable[[re.Match[str], Context], Result | None]


def group(m: re.Match[str], name: str) -> str | None:
    """A named group's text, or None when the pattern has no such group or it did not take part."""
    return m.groupdict().get(name)


# ---- handlers: match, context -> (type, value, grain[, end_value[, implied]]) or None ------------

def _full_date(m: re.Match[str], ctx: Context) -> Result | None:
    month, day = month_number(m["mon"]), day_number(m["day"])
    if group(m, "year"):
        year: int | None = int(m["year"])
    elif group(m, "yrel"):
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()] if ctx.dct else None
    else:
        year = year_for(month, day, ctx, m)
        if group(m, "wd") and ctx.dct is not None:  # "Friday, Oct. 23": the weekday picks the year
            wd = WEEKDAYS[m["wd"].lower()]
            year = next((y for y in (year, ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1)
                         if ymd(y, month, day) and date(y, month, day).weekday() == wd), year)  # type: ignore[arg-type]
    if year is None:
        return "DATE", None, "day"
    value = ymd(year, month, day)
    if value is None:
        return None
    day2 = int(m["day2"]) if group(m, "day2") else None
    end = ymd(year, month, day2) if day2 and day2 > day else None
    if group(m, "part"):
        return "TIME", f"{value}T{PARTS[m['part'].lower()]}", "part", end
    return "DATE", value, "day", end


def _second_day(m: re.Match[str], ctx: Context) -> Result | None:
    """The "25" of "April 24 and 25": a day of the month just named."""
    month, day = month_number(m["mon"]), int(m["t"])
    year = int(m["year"]) if group(m, "year") else year_for(month, day, ctx, m)
    value = ymd(year, month, day) if year else None
    return ("DATE", value, "day") if value or year is None else None


def _numeric_date(m: re.Match[str], ctx: Context) -> Result | None:
    y = int(m["y"])
    y = y + (1900 if y >= 50 else 2000) if y < 100 else y
    value = ymd(y, int(m["m"]), int(m["d"]))
    return ("DATE", value, "day") if value else None


def _month_year(m: re.Match[str], ctx: Context) -> Result | None:
    month = month_number(m["mon"])
    if group(m, "year"):
        return "DATE", f"{int(m['year']):04d}-{month:02d}", "month"
    if ctx.dct is None:
        return "DATE", None, "month"
    y, rel = ctx.dct.year, (group(m, "rel") or "").lower()
    if group(m, "yrel"):
        year = y + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()]
    elif rel == "last":
        year = y - 1 if month >= ctx.dct.month else y
    elif rel == "next":
        year = y + 1 if month <= ctx.dct.month else y
    else:
        year = y if rel == "this" else year_for(month, None, ctx, m)  # type: ignore[assignment]
    return "DATE", f"{year:04d}-{month:02d}", "month"


def _year(m: re.Match[str], ctx: Context) -> Result | None:
    return "DATE", f"{int(m['year']):04d}", "year"


def _spoken(a: str, b: str | None) -> int | None:
    """"nineteen ninety-six" -> 1996, "two thousand (and) one" -> 2001; None for counts."""
    head = parse_number(a) or 0
    tail = parse_number(b) if b else 0
    if tail is None or (head < 100 and (not b or tail < 10)):
        return None  # "twenty six" and a bare "nineteen" are counts
    year = int(head * 100 + tail) if head < 100 else int(head + tail)
    return year if 1000 <= year <= 2099 else None


def _spoken_year(m: re.Match[str], ctx: Context) -> Result | None:
    year = _spoken(m["a"], group(m, "b"))
    return ("DATE", f"{year:04d}", "year") if year else None


def _spoken_month(m: re.Match[str], ctx: Context) -> Result | None:
    """"January nineteen ninety-seven" (broadcast transcripts spell years out)."""
    year = _spoken(m["a"], group(m, "b"))
    return ("DATE", f"{year:04d}-{month_number(m['mon']):02d}", "month") if year else None


def _decade(m: re.Match[str], ctx: Context) -> Result | None:
    if group(m, "dy"):
        return "DATE", m["dy"][:3], "decade"
    if group(m, "dd"):
        d = int(m["dd"])
        century = 20 if d < 20 and ctx.dct is not None and ctx.dct.year >= 2000 else 19
        return "DATE", f"{century}{d // 10}", "decade"
    tens = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
    return "DATE", f"19{tens.index(m['dw'].lower()) + 2}", "decade"


def _century(m: re.Match[str], ctx: Context) -> Result | None:
    return "DATE", f"{day_number(m['c']) - 1:02d}", "century"


def _weekday_h(m: re.Match[str], ctx: Context) -> Result | None:
    d = weekday_date(WEEKDAYS[m["wd"].lower()], ctx, m, group(m, "rel") or "")
    part = group(m, "part")
    if part:
        return "TIME", f"{d.isoformat()}T{PARTS[part.lower()]}" if d else None, "part"
    return "DATE", d.isoformat() if d else None, "day"


_DAY_SHIFT = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last night": -1, "last": -1,
              "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}


def _relday(word: str, ctx: Context) -> date | None:
    shift = _DAY_SHIFT.get(re.sub(r"\s+", " ", word.lower()))
    return None if ctx.dct is None or shift is None else ctx.dct + timedelta(days=shift)


def _day_word(m: re.Match[str], ctx: Context) -> Result | None:
    w = m["w"].lower()
    d = _relday(w, ctx)
    if w == "tonight" or w.startswith("last"):
        return "TIME", f"{d.isoformat()}TNI" if d else None, "part"
    return "DATE", d.isoformat() if d else None, "day"


def _part_of_day(m: re.Match[str], ctx: Context) -> Result | None:
    """this morning, yesterday afternoon, last night, that evening, the next morning."""
    base = re.sub(r"\s+", " ", m["base"].lower())
    if base in ("that", "the next", "the following"):
        day = ctx.refs.get("day", ctx.dct)
        d = day + timedelta(days=base != "that") if day else None
    else:
        d = _relday(base, ctx)
    return "TIME", f"{d.isoformat()}T{PARTS[m['part'].lower()]}" if d else None, "part"


_DAY_AFTER_BRACKETS = re.compile(rf"\s*\([^()]{{1,30}}\)\s*,?\s*(?:on\s+)?{_WD}\b")


def _clock(m: re.Match[str], ctx: Context) -> Result | None:
    """10 a.m., 10:35 p.m. EDT Thursday, noon Saturday, 4 in the morning, 1430 GMT."""
    if group(m, "noon"):
        hh, mm = (24, 0) if m["noon"].lower() == "midnight" else (12, 0)
    else:
        hh, mm = int(group(m, "hh") or group(m, "hh2")), int(group(m, "mm") or 0)  # type: ignore[arg-type]
        ap = (group(m, "ap") or "").lower().replace(".", "").replace(" ", "")
        if hh > 24 or mm > 59 or (ap and not 1 <= hh <= 12):
            return None
        if (ap == "pm" or (group(m, "mpart") or "morning").lower() != "morning") and hh < 12:
            hh += 12
        elif ap == "am" and hh == 12:
            hh = 0
    d: date | None = ctx.dct
    # "10:35 a.m. (0735 GMT) Friday": the day comes after a conversion in brackets
    later = None if group(m, "wd") or group(m, "w") or group(m, "mon") else _DAY_AFTER_BRACKETS.match(ctx.text, m.end())
    implied = not (group(m, "wd") or group(m, "w") or group(m, "mon") or later)
    if group(m, "wd") or later:
        d = weekday_date(WEEKDAYS[(later or m)["wd"].lower()], ctx, m)
    elif group(m, "w"):
        d = _relday(m["w"], ctx)
    elif group(m, "mon"):
        month, day = month_number(m["mon"]), day_number(m["day"])
        year = year_for(month, day, ctx, m)
        v = ymd(year, month, day) if year else None
        d = date.fromisoformat(v) if v else None
    return "TIME", f"{d.isoformat()}T{hh:02d}:{mm:02d}" if d else None, "time", None, implied


_STEP = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "latest": -1, "next": 1,
         "coming": 1, "following": 1}


def _rel_period(m: re.Match[str], ctx: Context) -> Result | None:
    """this week, last month, next year, the past year, earlier in the year, last summer."""
    rel, unit = (group(m, "rel") or "this").lower(), m["u"].lower()
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
        return "DATE", shift(anchor, step, unit_code(unit)), grain
    if unit == "weekend":
        sat = anchor + timedelta(days=5 - anchor.weekday(), weeks=step)
        return "DATE", iso_week(sat) + "-WE", grain
    season, order = SEASONS[unit], ["WI", "SP", "SU", "FA"]
    now = order[(anchor.month % 12) // 3]
    year = anchor.year
    if step < 0 and order.index(season) >= order.index(now):
        year -= 1
    elif step > 0 and order.index(season) <= order.index(now):
        year += 1
    return "DATE", f"{year:04d}-{season}", grain


def _the_weekend(m: re.Match[str], ctx: Context) -> Result | None:
    if ctx.dct is None:
        return "DATE", None, "weekend"
    d = ctx.dct
    if ctx.policy == "timeml" and tense(ctx, m) > 0:
        sat = d + timedelta(days=(5 - d.weekday()) % 7)
    else:
        sat = d - timedelta(days=(d.weekday() - 5) % 7)
    return "DATE", iso_week(sat) + "-WE", "weekend"


def _season(m: re.Match[str], ctx: Context) -> Result | None:
    season = SEASONS[m["s"].lower()]
    year = int(m["year"]) if group(m, "year") else ctx.dct.year if ctx.dct else None
    return "DATE", f"{year:04d}-{season}" if year else None, "season"


def _ago(m: re.Match[str], ctx: Context) -> Result | None:
    """two years ago, a year earlier, three days from now; "years ago" is the past."""
    n = parse_number(m["n"]) if group(m, "n") else None
    ahead = m["dir"].lower() in ("from now", "hence")
    if n is None:
        return "DATE", "FUTURE_REF" if ahead else "PAST_REF", "ref"
    unit = unit_code(m["unit"])
    grain = GRAIN_OF.get(unit, "day")
    if ctx.dct is None:
        return "DATE", None, grain
    if unit == "Y" and n == 1 and not ahead and _quarterly(m, ctx):
        y, q = last_quarter(ctx.dct)  # results "up from a year ago": the same quarter last year
        return "DATE", f"{y - 1:04d}-Q{q}", "quarter"
    return "DATE", shift(ctx.dct, n if ahead else -n, unit), grain


def _quarterly(m: re.Match[str], ctx: Context) -> bool:
    """Do this sentence and the one before compare quarters ("net rose 5% from a year ago")?"""
    lo, hi = sentence_span(ctx, m.start(), back=2)
    return bool(re.search(r"\bquarter|\bthree\s+months\s+ended", ctx.text[lo:hi], re.I))


def _quarter(m: re.Match[str], ctx: Context) -> Result | None:
    words = m.group(0).lower()
    num = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}.get(
        (group(m, "q") or "").lower())
    explicit = group(m, "year") or group(m, "year2") or group(m, "year3")
    if ctx.dct is None and not (explicit and num):
        return "DATE", None, "quarter"
    if explicit and num is None:  # "the 1988 quarter": the quarter the text is about, that year
        return "DATE", f"{explicit}-Q{(ctx.quarter or last_quarter(ctx.dct))[1]}", "quarter"  # type: ignore[arg-type]
    if explicit:
        year = int(explicit)
    elif "year-ago" in words or "year-earlier" in words:
        y, q = last_quarter(ctx.dct)  # type: ignore[arg-type]
        return "DATE", f"{y - 1:04d}-Q{num or q}", "quarter"
    elif num is None:  # "the quarter", "the latest quarter", "the current quarter"
        if "current" in words:
            return "DATE", f"{ctx.dct.year:04d}-Q{(ctx.dct.month - 1) // 3 + 1}", "quarter"  # type: ignore[union-attr]
        y, q = (None if re.search(r"latest|recent", words) else ctx.quarter) or last_quarter(ctx.dct)  # type: ignore[arg-type]
        return "DATE", f"{y:04d}-Q{q}", "quarter"
    else:
        rel = (group(m, "yrel") or "").lower()
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1, "": 0}[rel]  # type: ignore[union-attr]
        if not rel and date(year, 3 * num - 2, 1) > ctx.dct and tense(ctx, m) <= 0:  # type: ignore[operator]
            year -= 1
    ctx.quarter = (year, num)
    return "DATE", f"{year:04d}-Q{num}", "quarter"


def _half(m: re.Match[str], ctx: Context) -> Result | None:
    if group(m, "dy"):
        return "DATE", m["dy"][:3], "decade"  # "the last half of the 1980s" is that decade
    year = int(m["year"]) if group(m, "year") else (ctx.dct.year if ctx.dct else None)
    return "DATE", f"{year:04d}-H{1 if m['h'].lower() == 'first' else 2}" if year else None, "half"


def _dur(m: re.Match[str], ctx: Context) -> Result | None:
    n = parse_number(m["n"]) if group(m, "n") else None
    if n is not None and group(m, "half"):
        n += 0.5
    return "DURATION", duration_value(n, m["unit"]), "duration"


def _ref(value: str) -> Handler:
    return lambda m, ctx: ("DATE", value, "ref")


def _set(m: re.Match[str], ctx: Context) -> Result | None:
    if group(m, "wd"):
        part = f"T{PARTS[m['part'].lower().rstrip('s')]}" if group(m, "part") else ""
        return "SET", f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()] + 1}{part}", "set"
    if group(m, "mon"):
        return "SET", f"XXXX-{month_number(m['mon']):02d}", "set"
    w = m.group(0).lower()
    for word, value in (("hour", "PT1H"), ("day", "P1D"), ("dai", "P1D"), ("night", "P1D"), ("morning", "P1D"),
                        ("week", "P1W"), ("month", "P1M"), ("quarter", "P1Q"), ("year", "P1Y"), ("annual", "P1Y")):
        if word in w:
            return "SET", value, "set"
    return None


def _anaphor(m: re.Match[str], ctx: Context) -> Result | None:
    """"that day", "the next day", "later that year": counted from the last one the text named."""
    w = re.sub(r"\s+", " ", m.group(0).lower())
    unit = unit_code(group(m, "unit") or group(m, "unit2") or "day")
    grain = GRAIN_OF[unit]
    anchor = ctx.refs.get(grain, ctx.dct)
    if anchor is None:
        return "DATE", None, grain
    step = 1 if re.search(r"\b(next|following|after)\b", w) else -1 if re.search(r"\b(previous|before|prior)\b", w) else 0
    return "DATE", shift(anchor, step, unit), grain


def _this_year(m: re.Match[str], ctx: Context) -> Result | None:
    """"the current fiscal year", "year-end", "the full year": the year TimeML reads into them."""
    if group(m, "year"):
        return "DATE", m["year"], "year"
    step = -1 if re.search(r"latest|last|previous|past", m.group(0), re.I) else 0
    return "DATE", f"{ctx.dct.year + step:04d}" if ctx.dct else None, "year", None, True


def _the_year(m: re.Match[str], ctx: Context) -> Result | None:
    """"for the year ended June 30" is a length; "sales for the year rose" is the current year."""
    if re.match(r"\s+(?:ended|ending|to)\b", ctx.text[m.end():m.end() + 8]):
        return "DURATION", "P1Y", "duration"
    return "DATE", f"{ctx.dct.year:04d}" if ctx.dct else None, "year", None, True

def _holiday(m: re.Match[str], ctx: Context) -> Result | None:
    name = re.sub(r"\s+", " ", m["hol"].lower()).replace("'", "").replace("\u2019", "")
    week = name.endswith(" week")  # "Easter week": the ISO week that ends on Easter Sunday
    name = name.removesuffix(" week")
    if group(m, "year"):
        day = holiday_on(name, int(m["year"]))
    elif ctx.dct is None:
        return "DATE", None, "week" if week else "day"
    else:
        day = choose([holiday_on(name, ctx.dct.year + k) for k in (-1, 0, 1)], ctx, m)
    return ("DATE", iso_week(day), "week") if week else ("DATE", day.isoformat(), "day")


def _week_of(m: re.Match[str], ctx: Context) -> Result | None:
    r = _full_date(m, ctx)
    return "DATE", iso_week(date.fromisoformat(r[1])) if r and r[1] else None, "week"


# ---- the rules ------------------------------------------------------------------------------------
# Each rule: (pattern, handler[, key]). A key is a piece every match of the pattern contains; a
# text without it skips the pattern (most of the grammar's time was scanning texts for patterns
# they cannot match: MUC-4's lower-cased reports never name a month the way _MON needs).
_RULES: list[tuple[str, Handler] | tuple[str, Handler, str]] = [
    # 2024-01-03, 8/7/98
    (rf"{_EDGE}(?P<y>(?:1[5-9]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w:])", _numeric_date),
    (rf"{_EDGE}(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d\d(?:\d\d)?)(?![\w/])", _numeric_date),
    # (Friday,) January 3(-4)(,) (2024|this year); (Friday,) (the) 3(-4) (of) January (2024)
    (rf"{_EDGE}(?:(?:(?:early|late)\s+)?{_WD}\s*,?\s+)?{_MON}\s+{_DAY}{_DAY2}?"
     rf"(?:\s*,?\s*{_YEAR}|\s+(?:of\s+)?{_YREL})?(?![\w-])", _full_date, _MON),
    (rf"{_EDGE}(?:{_WD}\s*,?\s+)?(?:the\s+)?{_DAY}{_DAY2}?\s+(?:of\s+)?{_MON}(?:\s*,?\s*{_YEAR}|\s+{_YREL})?(?![\w-])",
     _full_date, _MON),
    (rf"{_EDGE}{_MON}\s+{_DAY}\s+(?:and|or)\s+(?P<t>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\w-])"
     rf"(?:\s*,?\s*{_YEAR})?", _second_day, _MON),
    # the night of 14-15 April 2014; the week of March 6
    (rf"{_EDGE}the\s+{_PART}\s+of\s+(?:{_WD}\s*,?\s+)?{_DAY}{_DAY2}?\s+{_MON}(?:\s*,?\s*{_YEAR})?(?![\w-])", _full_date, _MON),
    (rf"\bthe\s+week\s+of\s+{_MON}\s+{_DAY}(?:\s*,?\s*{_YEAR})?", _week_of, _MON),
    # July 2016, late June 2022, January this year, last January, this March, early December, in May
    (rf"{_EDGE}{_EARLY}?{_MON}(?:\s+of|,)?\s+(?:{_YEAR}|{_YREL}\b)", _month_year, _MON),
    (rf"{_EDGE}{_EARLY}?(?P<rel>last|this|next)\s+{_MON}(?![\w-])", _month_year, _MON),
    (rf"{_EDGE}{_EARLY}?{_MON}(?:\s+of|,)?\s+(?P<a>nineteen|twenty|two\s+thousand)(?:\s+(?:and\s+)?(?P<b>{_NUMW}))?"
     r"(?=\W|$)", _spoken_month, _MON),
    (rf"{_EDGE}{_EARLY}?{_MONB}(?!\s*\d)(?![\w-])", _month_year, _MONB),
    (rf"\b(?:in|by|since|until|till|during|from|through|before|after|of)\s(?P<t>{_EARLY}?(?P<mon>{_MAY}))"
     r"(?![\w-])(?!\s*\d)", _month_year, _MAY),
    (rf"{_EDGE}{_EARLY}(?P<mon>{_MAY})(?![\w-])(?!\s*\d)", _month_year, _MAY),
    # 1998, fiscal 1998, mid-1996, the year 2000, nineteen ninety-six, the year two thousand
    (rf"{_EDGE}(?:(?:fiscal|calendar|the\s+year|{_EARLY}|post-|pre-)\s*)?{_YEAR}(?![\w-]|'s\b)", _year),
    (rf"{_EDGE}(?:the\s+year\s+)?(?P<a>nineteen|twenty|two\s+thousand)(?:\s+(?:and\s+)?(?P<b>{_NUMW}))?"
     r"(?=\W|$)(?!\s+(?:years?|months?|days?|people|percent|dollars))", _spoken_year),
    # the 1990s, the early '80s, the nineties, the 20th century
    (rf"{_EDGE}(?:the\s+)?{_EARLY}?(?:(?P<dy>(?:1[5-9]|20)\d0)'?s|'(?P<dd>\d0)s"
     r"|(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b", _decade, r"0'?s|ties"),
    (rf"{_EDGE}(?:the\s+)?{_EARLY}?(?P<c>[12]?\d(?:st|nd|rd|th)|{alt(list(ORDINALS))})\s+century\b", _century, "century"),
    # Friday, last Friday, this coming Sunday, Friday morning, earlier Sunday
    (rf"{_EDGE}(?:(?P<rel>last|this|next|this\s+coming|coming)\s+)?(?:(?:early|late|earlier|later)\s+)?{_WD}"
     rf"(?:\s+{_PART})?(?![\w-])", _weekday_h, _WD),
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
     rf"(?:\s*,?\s+(?:on\s+)?(?:{_WD}|(?P<w>today|yesterday|tomorrow)|{_MON}\s+{_DAY}))?", _clock, r"[ap]\.\s?m|[ap]m\b|noon|midnight|midday|in\s+the\s+(?:morning|afternoon|evening)"),
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
     rf"(?:\s+of\s+(?:fiscal\s+)?{_YEAR3})?\b", _quarter, "quarter"),
    (rf"\b(?:{_YREL}'s\s+)?(?:(?:{_YEAR}|fiscal(?:\s+{_YEAR2})?|calendar)\s*-?\s*)?{_QORD}-quarter\b", _quarter, "-quarter"),
    (r"\bthe\s+(?:latest|current|most\s+recent|recent|year-ago|year-earlier|same)\s+(?:quarter|period)\b"
     r"|\b(?:the|this|that)\s+quarter\b", _quarter, "quarter|period"),
    (rf"\bthe\s+{_YEAR}\s+(?:quarter|period)\b", _quarter, "quarter|period"),
    (r"\b(?:year-ago|year-earlier)\b", _quarter, "year-ago|year-earlier"),
    (rf"\b(?:the\s+)?(?P<h>first|second|last|latter)\s+half(?:\s+of\s+(?:{_YEAR}|the\s+(?P<dy>(?:1[5-9]|20)\d0)s"
     r"|the\s+year))?\b", _half, "half"),
    # the current fiscal year, year-end, the full year, the year
    (r"\b(?:around\s+)?(?:year[-\s]end|year's\s+end)\b|\bthe\s+(?:full|whole|entire)\s+year\b"
     r"|\bthe\s+(?:current|latest|last|previous|past)?\s*fiscal\s+year\b", _this_year),
    (r"\bthe\s+year\b(?!\s+(?:before|after|earlier|ago|\d))", _the_year),
    # Christmas, Thanksgiving Day, Election Day
    (rf"\b(?P<hol>Easter(?:\s+(?:Sunday|Monday|week))?(?!\s+Island)|Good\s+Friday|Palm\s+Sunday|Christmas(?:\s+(?:Day|Eve))?|New\s+Year['\u2019]?s\s+(?:Day|Eve)|Independence\s+Day|Halloween"
     rf"|Valentine['\u2019]?s\s+Day|Veterans\s+Day|Thanksgiving(?:\s+Day)?|Election\s+Day)\b(?:\s*,?\s*{_YEAR})?", _holiday),
    # "Islam will one day be ...": a vague future, not a length of time
    (r"\b(?:will|would|could|may|might|shall|can)\s+(?P<t>one\s+day)\b", _ref("FUTURE_REF")),
    # two years ago, a year earlier, three days from now, several years ago
    (rf"\b{_MOD}?(?:(?P<n>{_NUM})|{VAGUE})\s+{_UNIT}\s+(?P<dir>ago|earlier|from\s+now|hence)\b(?!\s+than)", _ago, r"ago|earlier|from\s+now|hence"),
    # that day, the next day, the same day, later that year, the following month, the day before
    (r"\b(?:(?:early|late|earlier|later)\s+)?(?:that|the\s+(?:same|next|following|previous|prior)|that\s+same)\s+"
     r"(?P<unit>day|month|year)\b|\bthe\s+(?P<unit2>day)\s+(?:before|after)(?=\s*(?:[.,;:!?)'`]|$))", _anaphor),
    # three years, the past two months, more than a decade, a minute and a half, 16-hour, year-long
    (rf"\b{_MOD}?(?:the\s+)?(?:(?:past|last|next|first|previous|coming|following|final|latest|remaining|initial"
     rf"|ensuing)\s+)?(?P<n>{_NUM})\s+(?:(?:more|full|straight|consecutive|additional|long|whole|extra)\s+)?{_UNIT}"
     r"(?P<half>\s+and\s+a\s+half)?\b(?!-)", _dur, rf"\s{_UNIT}\b"),
    (rf"\b(?P<n>\d+(?:\.\d+)?|{_NUMW}|half)-{_UNIT1}(?:-long)?(?![\w]|-old)", _dur, rf"-{_UNIT1}"),
    (r"\b(?P<unit>year|day|month|week)-long\b", lambda m, ctx: ("DURATION", duration_value(1, m["unit"]), "duration")),
    (rf"\b{_MOD}?(?:the\s+)?(?:(?:past|last|next|coming|previous|following|first)\s+)?{VAGUE}\s+{_UNIT}\b", _dur, rf"\s{_UNIT}\b"),
    (r"\b(?:the\s+)?(?:coming|past)\s+(?P<unit>years|months|weeks|days|decades)\b", _dur),
    (r"\brecent\s+(?P<unit>months|weeks|days|hours)\b", _dur),
    (r"(?<![\w-])(?P<unit>years|months|weeks|decades|centuries)-long\b", _dur),
    # weekly, every Thursday, each July, Tuesday nights, twice a year
    (r"\b(?:weekly|monthly|yearly|hourly|nightly|daily)\b", _set),
    (rf"\b(?:every|each)\s+(?:other\s+)?(?:{_WD}|{_MONB}|day|week|month|year|night|morning|hour|quarter)\b", _set),
    (rf"(?<![\w-]){_WD}s(?:\s+{_PART}s?)?\b", _set),
    (r"\b(?:times|twice|once|percent|cents)\s(?P<t>(?:a|per)\s+(?:day|week|month|year|quarter))\b", _set),
    # now, currently, recently, the past, soon, the future
    (r"\b(?:right\s+)?now\b|\bcurrently\b|\bcurrent\b|\bat\s+present\b|\bpresently\b|\bnowadays\b|\bthese\s+days\b",
     _ref("PRESENT_REF")),
    # (a bare "recent", as in "the recent collapse", is mostly left out by the annotators)
    (r"\b(?:more\s+)?recently\b|\brecent\s+years\b|\bthe\s+past\b(?!\s+(?:few|several|\d|two|three))|\blately\b",
     _ref("PAST_REF")),
    (r"\bthe\s+(?:near\s+|distant\s+)?future\b|\b(?<!as\s)soon\b|\bsomeday\b|\bthe\s+(?:near|short)\s+term\b"
     r"|\bcoming\s+(?:months|years|weeks|quarters)\b", _ref("FUTURE_REF")),
]
COMPILED = [(re.compile(p, re.I), h, re.compile(k[0], re.I) if k else None) for p, h, *k in _RULES]

# "the end of 1990", "around Nov. 1", "this past spring": words TimeML keeps inside the expression
LEAD = re.compile(r"\b(?:the\s+(?:very\s+)?(?:end|beginning|start|middle|close|turn)\s+of|around|about|approximately"
                   r"|this\s+past|this\s+coming)\s+$", re.I)
SENT_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_COUNT_AFTER = re.compile(
    r"\s*(?:people|persons|troops|soldiers|civilians|men|women|children|fighters|members|km|kilometres|"
    r"kilometers|miles|metres|meters|feet|tons|tonnes|shares|dollars|euros|percent|points|votes|cars|"
    r"homes|houses|jobs|workers|employees|students|cases|deaths|victims|rounds|units|acres)\b", re.I)
# numbers that name things, not years: "Resolution 2254", "Flight 1549", "No. 1999"
_NAME_BEFORE = re.compile(r"(?:resolutions?|flight|route|highway|article|section|chapter|room|suite|unit|model|"
                          r"decree|law|no\.|number|item|code|[$\u00a3\u20ac#\d.,/])\s*$", re.I)


# common nouns of time: capitalised inside a sentence they are part of a title ("High Noon", the
# television programmes "This Week" and "60 Minutes"), not a temporal expression
_TIME_NOUN = re.compile(r"\b(?:Week|Weekend|Month|Year|Minutes?|Hours?|Days?|Noon|Midnight|Morning|Afternoon|"
                        r"Evening|Night|Now|Today|Tonight)\b")
_OPENS = ".!?\"'`(\n"


def _in_title(m: re.Match[str], text: str) -> bool:
    for w in _TIME_NOUN.finditer(m.group(0)):
        before = text[:m.start() + w.start()].rstrip()
        if w.start() > 0 or (before and before[-1] not in _OPENS):
            return True
    return False


# rules whose words are names anyway ("Thanksgiving Day", "the Year 2000 problem"): no title veto
_NAMED = {_holiday, _year, _spoken_year, _full_date, _month_year, _spoken_month, _weekday_h, _week_of, _second_day,
          _season, _decade, _century, _quarter, _half}


def keep(m: re.Match[str], handler: Handler, text: str) -> bool:
    """Cheap vetoes before overlaps are settled: numbers that are not years, ages, rates, titles."""
    s, e = m.span()
    if handler not in _NAMED and _in_title(m, text):
        return False
    if handler is _clock and re.search(r"(?:[ap]\.?m\b\.?|GMT|UTC|[ECMP][SD]T)\s*\(\s*$", text[max(0, s - 16):s], re.I):
        return False  # "10:35 a.m. (0735 GMT)": a conversion, not another time
    if handler is _second_day and _COUNT_AFTER.match(text, m.end("t")):
        return False  # "on April 24 and 25 people"
    if handler is _year and (_NAME_BEFORE.search(text[max(0, s - 12):s]) or _COUNT_AFTER.match(text, e)
                             or re.match(r"\s*-?\s*years?-old|\s*(?:GMT|UTC|[ECMP][SD]T)\b", text[e:e + 12])):
        return False
    if handler is _dur:
        if re.match(r"[-\s]+old\b", text[e:e + 6]) or m.group(0).lower() in ("a second", "one second"):
            return False  # ages ("52 years old") are not TIMEX3s
        if re.match(r"quarters?\s+of\b", text[m.start("unit"):e + 4], re.I) if group(m, "unit") else False:
            return False  # "a quarter of the market" is a fraction
        if m.group(0)[:2].lower() == "a " and re.search(
                rf"(?:[\d%]|\b{_NUMW})(?:\s+[a-z]+){{0,2}}\s*$", text[max(0, s - 30):s], re.I):
            return False  # a rate ("$500 million a year", "four flights a week"), not a length of time
    return True
