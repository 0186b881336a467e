"""Words and calendar arithmetic for the TIMEX grammar (``khabar.nlp.timex``).

Why apart: numbers in words, month and weekday names, ISO weeks, quarters and TimeML duration
values are plain calendar facts with no reading of context; keeping them here leaves the rules
and the context reading short enough to read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["MONTHS", "WEEKDAYS", "SEASONS", "PARTS", "ORDINALS", "parse_number", "shift", "duration_value"]

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
SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORD = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
ORDINALS = {w: i + 1 for i, w in enumerate(_ORD)} | {"thirtieth": 30, "thirty-first": 31} | {
    f"twenty-{w}": 20 + i + 1 for i, w in enumerate(_ORD[:9])}
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W", "month": "M",
          "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE"}
GRAIN_OF = {"Y": "year", "M": "month", "D": "day", "W": "week", "Q": "quarter", "DE": "decade", "CE": "century"}


def alt(words: list[str]) -> str:
    """A regex alternation of ``words``, longest first so that "twenty-one" beats "twenty"."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))

VAGUE = r"(?:a\s+few|few|several|some|many|a\s+number\s+of|numerous)"


def parse_number(words: str) -> float | None:
    """A cardinal in digits or words ("21", "twenty-one", "a hundred", "5 1/2"); None if vague."""
    s = re.sub(r"[-\s]+", " ", words.lower().replace(",", "")).strip()
    special = {"a couple of": 2.0, "couple of": 2.0, "a dozen": 12.0, "half a": 0.5, "half an": 0.5, "half": 0.5}
    if s in special:
        return special[s]
    if re.fullmatch(VAGUE, s):
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
        elif w in SMALL:
            cur += SMALL.index(w)
        elif w in TENS:
            cur += TENS[w]
        elif w == "hundred":
            cur = max(cur, 1) * 100
        elif w == "thousand":
            total, cur = total + max(cur, 1) * 1000, 0
        elif w != "and":
            return None
    return float(total + cur) + extra


def day_number(word: str) -> int:
    """"3rd" -> 3, "twenty-first" -> 21."""
    w = word.lower()
    return int(re.match(r"\d+", w).group()) if w[0].isdigit() else ORDINALS[w]  # type: ignore[union-attr]


def month_number(word: str) -> int:
    """"Sept." -> 9."""
    return MONTHS[word.lower().rstrip(".")]


def ymd(y: int, m: int, d: int) -> str | None:
    """ISO date, or None for a day the calendar lacks (Feb. 30)."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def iso_week(d: date) -> str:
    """TimeML week value, zero-padded as ISO 8601 writes it ("2000-W07", not "2000-W7")."""
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    """(year, month) ``n`` months after ``y``-``m``."""
    k = y * 12 + (m - 1) + n
    if not 0 < k // 12 < 10000:
        raise OverflowError("outside the calendar")
    return k // 12, k % 12 + 1


def shift(anchor: date, n: float, unit: str) -> str:
    """The date ``n`` units from ``anchor`` at that unit's granularity ("two years ago" -> 1996)."""
    k = round(n)
    if not 0 < anchor.year + k * {"Y": 1, "DE": 10, "CE": 100}.get(unit, 0) < 10000:
        raise OverflowError("outside the calendar")
    if unit == "Y":
        return f"{anchor.year + k:04d}"
    if unit == "M":
        y, m = add_months(anchor.year, anchor.month, k)
        return f"{y:04d}-{m:02d}"
    if unit == "Q":
        y, m = add_months(anchor.year, anchor.month, 3 * k)
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if unit == "W":
        return iso_week(anchor + timedelta(weeks=k))
    if unit == "DE":
        return f"{(anchor.year + 10 * k) // 10:03d}"
    if unit == "CE":
        return f"{(anchor.year + 100 * k) // 100:02d}"
    return (anchor + timedelta(days=k if unit == "D" else 0)).isoformat()  # hours: the day is what we know


def unit_code(word: str) -> str:
    """"years" -> "Y", "fortnight" -> "W", "centuries" -> "CE"."""
    w = word.lower().split("-")[0]
    w = "century" if w.startswith("centur") else w.rstrip("s")
    return UNITS.get(w, "Y")


def duration_value(n: float | None, word: str) -> str:
    """TimeML duration value: P3Y, PT2H, P1Y6M, P2Q, PXD."""
    unit = unit_code(word)
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


def last_quarter(d: date) -> tuple[int, int]:
    """The last quarter completed before ``d``: (year, 1..4)."""
    q = (d.month - 1) // 3 + 1
    return (d.year, q - 1) if q > 1 else (d.year - 1, 4)


FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                   "new years day": (1, 1), "new years eve": (12, 31), "independence day": (7, 4),
                   "halloween": (10, 31), "valentines day": (2, 14), "veterans day": (11, 11)}


def easter(y: int) -> date:
    """Western Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    wd = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * wd) // 451
    month, day = divmod(h + wd - 7 * m + 114, 31)
    return date(y, month, day + 1)


_EASTER_SHIFT = {"easter": 0, "easter sunday": 0, "easter monday": 1, "good friday": -2, "palm sunday": -7}


def holiday_on(name: str, y: int) -> date:
    """The day of a named holiday (fixed, Easter-based, Thanksgiving, Election Day) in year ``y``."""
    if name in FIXED_HOLIDAYS:
        return date(y, *FIXED_HOLIDAYS[name])
    if name in _EASTER_SHIFT:
        return easter(y) + timedelta(days=_EASTER_SHIFT[name])
    if name.startswith("thanksgiving"):  # the fourth Thursday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    first = date(y, 11, 2)  # election day: the Tuesday after the first Monday of November
    return first + timedelta(days=(1 - first.weekday()) % 7)
