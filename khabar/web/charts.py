"""Chart geometry for the workbench: map markers and a weekly stacked timeline.

Pages are server-rendered under a CSP that forbids inline scripts and inline
styles, so charts cannot be drawn by a JS library. These pure functions turn
event rows into plain numbers (positions, radii, rectangles, ticks) that a
Jinja template writes out as SVG elements; colour comes from the stylesheet
via the class ``t-<type>``, never from a ``style`` attribute. Nothing here
escapes text: the templates autoescape.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from khabar.web.basemap import as_latlon, project

__all__ = ["Marker", "MarkerList", "type_slug", "css_class", "radius", "markers"]
__all__ += ["parse_day", "week_start", "weekly", "weekly_from_counts", "timeline_svg"]

R_UNKNOWN = 2.0
"""Radius of a marker whose toll is unknown: smaller than a known zero, and styled apart."""
R_MIN, R_SCALE, R_MAX = 2.5, 1.6, 30.0
MAX_WEEKS = 520
"""Above ten years of weeks the bars get thinner than a pixel; bin by month instead."""
MAX_MONTHS = 600
"""Above fifty years of months (a stray year in the data), bin by year."""
MIN_LABEL_PX = 56.0
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_DAY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def type_slug(kind: object) -> str:
    """Event type reduced to ``[a-z_-]``, safe inside a class attribute; 'other' when nothing is left."""
    slug = re.sub(r"[^a-z_-]+", "-", str(kind or "").lower()).strip("-")
    return slug or "other"


def css_class(kind: object) -> str:
    """The colour class shared by markers, bars and legend: ``t-<type>``."""
    return f"t-{type_slug(kind)}"


@dataclass(frozen=True, slots=True)
class Marker:
    """One event on the map, in canvas coordinates (see ``basemap.project``)."""

    id: object
    type: str
    x: float
    y: float
    r: float
    css: str
    title: str
    deaths: int | None


class MarkerList(list[Marker]):
    """Markers, largest first, plus what did not make it onto the map.

    ``dropped``: located events left out by the ``limit``; ``unlocated``: events
    without usable coordinates. A list subclass so templates can loop over it.
    """

    def __init__(self, items: Iterable[Marker] = (), *, dropped: int = 0, unlocated: int = 0) -> None:
        super().__init__(items)
        self.dropped = dropped
        self.unlocated = unlocated


def _deaths(value: object) -> int | None:
    """A death toll as a non-negative int, or None when unknown or unusable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        n = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(n) if math.isfinite(n) and n >= 0 else None


def radius(deaths: int | None) -> float:
    """Marker radius: area grows with the toll (r ~ sqrt), capped so a massacre does not hide a city."""
    if deaths is None:
        return R_UNKNOWN
    return round(min(R_MAX, R_MIN + R_SCALE * math.sqrt(deaths)), 1)


def markers(events: Iterable[Mapping], *, limit: int = 5000, scale: float = 1.0) -> MarkerList:
    """Map markers for event rows, largest toll first so small markers draw on top and stay clickable.

    Rows need id, type, lat, lon, fatalities_min, date_start, location_name.
    Rows without coordinates are counted in ``unlocated``. Past ``limit`` the
    smallest tolls (unknown ones first) are left out and counted in ``dropped``:
    a browser copes with a few thousand circles, not a hundred thousand.
    Radii are in canvas units, so a zoomed-in viewBox would blow them up; pass
    ``scale`` = viewBox width / ``basemap.WIDTH`` to keep their on-screen size.
    Unknown tolls get the extra class ``toll-unknown``.
    """
    located: list[Marker] = []
    unlocated = 0
    for ev in events:
        point = as_latlon(ev.get("lat"), ev.get("lon"))
        if point is None:
            unlocated += 1
            continue
        x, y = project(*point)
        deaths = _deaths(ev.get("fatalities_min"))
        kind = str(ev.get("type") or "other")
        toll = "deaths unknown" if deaths is None else f"{deaths} dead"
        parts = [str(ev.get("date_start") or "undated"), kind, str(ev.get("location_name") or ""), toll]
        css = css_class(kind) + (" toll-unknown" if deaths is None else "")
        title = " · ".join(p for p in parts if p)
        r = round(radius(deaths) * scale, 2)
        located.append(Marker(ev.get("id"), kind, round(x, 2), round(y, 2), r, css, title, deaths))
    located.sort(key=lambda m: (-1 if m.deaths is None else m.deaths, str(m.id)), reverse=True)
    keep = max(0, limit)
    return MarkerList(located[:keep], dropped=max(0, len(located) - keep), unlocated=unlocated)


def parse_day(value: object) -> tuple[date | None, str]:
    """A date and its precision: 'day', 'month' (the 1st stands in) or 'none'.

    Accepts date/datetime objects and strings starting YYYY-MM-DD or YYYY-MM.
    An impossible day (2024-02-30) keeps its month rather than losing the event;
    year 9999 counts as no date (the chart needs the following year to exist).
    """
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    m = _DAY.match(str(value or "").strip())
    if not m:
        return None, "none"
    year, month, day = int(m[1]), int(m[2]), m[3]
    if not 1 <= year <= 9998:  # date arithmetic on the chart needs a year after
        return None, "none"
    if day is not None:
        try:
            return date(year, month, int(day)), "day"
        except ValueError:
            pass
    try:
        return date(year, month, 1), "month"
    except ValueError:
        return None, "none"


def week_start(day: date) -> date:
    """The Monday of the ISO week holding ``day``."""
    return day - timedelta(days=day.weekday())


def weekly(events: Iterable[Mapping]) -> dict:
    """Event counts per ISO week and type, from rows with ``date_start`` and ``type``.

    Month-precision dates go in the week of the 1st and are also counted in
    ``imprecise`` so the page can say how many bars are approximate; rows with
    only a year or no date are counted in ``undated`` and not plotted.
    """
    counts: Counter[tuple[date, str]] = Counter()
    undated = imprecise = 0
    for ev in events:
        day, precision = parse_day(ev.get("date_start"))
        if day is None:
            undated += 1
            continue
        imprecise += precision == "month"
        counts[(week_start(day), str(ev.get("type") or "other"))] += 1
    rows = [(monday, kind, n) for (monday, kind), n in counts.items()]
    return weekly_from_counts(rows, undated=undated, imprecise=imprecise)


def weekly_from_counts(
    rows: Iterable[tuple[object, object, int]], *, undated: int = 0, imprecise: int = 0
) -> dict:
    """The ``weekly`` result from pre-aggregated (week_start, type, n) rows, e.g. a SQL GROUP BY.

    ``week_start`` may be any day of the week (date or ISO string); rows whose
    date does not parse are added to ``undated``. Weeks without events between
    the first and the last are filled in so gaps show as gaps.
    """
    per_week: dict[date, Counter[str]] = {}
    types: set[str] = set()
    for start, kind, n in rows:
        day, _ = parse_day(start)
        if day is None:
            undated += int(n)
            continue
        name = str(kind or "other")
        if int(n) <= 0:
            continue
        per_week.setdefault(week_start(day), Counter())[name] += int(n)
        types.add(name)
    weeks = []
    if per_week:
        monday, last = min(per_week), max(per_week)
        while monday <= last:
            c = per_week.get(monday, Counter())
            iso = monday.isocalendar()
            weeks.append(
                {
                    "week": f"{iso.year}-W{iso.week:02d}",
                    "start": monday.isoformat(),
                    "counts": {k: v for k, v in sorted(c.items()) if v},
                    "total": sum(c.values()),
                }
            )
            monday += timedelta(days=7)
    dated = sum(w["total"] for w in weeks)
    return {
        "weeks": weeks,
        "types": sorted(types),
        "undated": undated,
        "imprecise": imprecise,
        "total": dated + undated,
    }


def _nice_step(raw: float) -> int:
    """Smallest 1, 2 or 5 times a power of ten that is >= raw, and at least 1 (counts are whole)."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    return int(next(f * power for f in (1, 2, 5, 10) if f * power >= raw))


def _short(n: int) -> str:
    """Axis label: 950, 1.5k, 2M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + suffix
    return str(n)


def _bins(weeks: list[dict]) -> tuple[str, list[tuple[str, date, int, dict[str, int]]]]:
    """(unit, [(key, start, days, counts)]): weeks as they are, else months, else years.

    A week goes to the month (or year) of its Thursday, the ISO rule, so a
    week straddling two months counts once, in the month holding most of it.
    """
    slots = [(w["week"], date.fromisoformat(w["start"]), 7, w["counts"]) for w in weeks]
    if len(slots) <= MAX_WEEKS:
        return "week", slots
    by_month: dict[tuple[int, int], Counter[str]] = {}
    for _, start, _, counts in slots:
        thursday = start + timedelta(days=3)
        by_month.setdefault((thursday.year, thursday.month), Counter()).update(counts)
    (y0, m0), (y1, m1) = min(by_month), max(by_month)
    if (y1 - y0) * 12 + m1 - m0 < MAX_MONTHS:
        out = []
        for i in range((y1 - y0) * 12 + m1 - m0 + 1):
            y, m = y0 + (m0 - 1 + i) // 12, (m0 - 1 + i) % 12 + 1
            days = (date(y + m // 12, m % 12 + 1, 1) - date(y, m, 1)).days
            out.append((f"{y}-{m:02d}", date(y, m, 1), days, dict(by_month.get((y, m), {}))))
        return "month", out
    by_year: dict[int, Counter[str]] = {}
    for (y, _), counts in by_month.items():
        by_year.setdefault(y, Counter()).update(counts)
    return "year", [
        (str(y), date(y, 1, 1), (date(y + 1, 1, 1) - date(y, 1, 1)).days, dict(by_year.get(y, {})))
        for y in range(min(by_year), max(by_year) + 1)
    ]


def _labels(unit: str, slots: list, left: float, slot_w: float) -> list[dict]:
    """x-axis labels at month (or year) starts, thinned so that they sit MIN_LABEL_PX apart."""
    if not slots:
        return []
    px_per_month = slot_w * {"week": 30.44 / 7, "month": 1.0, "year": 1 / 12}[unit]
    steps = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)
    step = next((s for s in steps if s * px_per_month >= MIN_LABEL_PX), steps[-1])
    labels: list[dict] = []
    starts = [s[1] for s in slots]
    first = starts[0]
    last_end = slots[-1][1] + timedelta(days=slots[-1][2])
    y, m = first.year, first.month
    while (mark := date(y, m, 1)) < last_end:
        wanted = (m - 1) % step == 0 if step < 12 else m == 1 and y % (step // 12) == 0
        if mark >= first and wanted:
            i = bisect_right(starts, mark) - 1
            x = left + (i + (mark - slots[i][1]).days / slots[i][2]) * slot_w
            text = _MONTHS[m - 1] if step < 12 else str(y)
            if step < 12 and (m == 1 or not labels):
                text += f" {y}"  # the year at each January and on the first label
            labels.append({"x": round(x, 2), "text": text, "date": mark.isoformat()})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return labels


def timeline_svg(weekly_data: Mapping, *, width: float = 1000, height: float = 260) -> dict:
    """Geometry of a stacked bar chart of ``weekly``'s result, for a template to draw as <rect>s.

    Bars stack bottom-up in ``types`` order; each bar's y + h equals the y of
    the bar below it (or the baseline). Ten years or less show weeks; longer
    spans are binned by month, absurd ones by year (``unit`` says which). The
    y axis ends on a round number (1, 2 or 5 times a power of ten per tick).
    """
    left, right, top, bottom = 44.0, 8.0, 10.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    baseline = top + plot_h
    unit, slots = _bins(list(weekly_data.get("weeks", [])))
    types = list(weekly_data.get("types", []))
    peak = max((sum(s[3].values()) for s in slots), default=0)
    step = _nice_step(peak / 5)
    ymax = max(step, math.ceil(peak / step) * step)
    scale = plot_h / ymax
    slot_w = plot_w / len(slots) if slots else plot_w
    gap = 1.0 if slot_w >= 3 else 0.0
    bars, slot_rows = [], []
    for i, (key, start, _, counts) in enumerate(slots):
        x = round(left + i * slot_w, 2)
        w = round(slot_w - gap, 2)
        total = sum(counts.values())
        slot_rows.append({"key": key, "start": start.isoformat(), "x": x, "w": w, "total": total})
        below, running = baseline, 0
        order = types + sorted(set(counts) - set(types))
        for kind in order:
            n = counts.get(kind, 0)
            if not n:
                continue
            running += n
            y = round(baseline - running * scale, 2)
            h = round(below - y, 2)
            bars.append(dict(x=x, y=y, w=w, h=h, type=kind, week=key, n=n, css=css_class(kind)))
            below = y
    ticks = [
        {"value": v, "y": round(baseline - v * scale, 2), "label": _short(v)}
        for v in range(0, ymax + 1, step)
    ]
    return {
        "width": width,
        "height": height,
        "plot": {"x": left, "y": top, "w": plot_w, "h": plot_h, "baseline": baseline},
        "unit": unit,
        "bars": bars,
        "slots": slot_rows,
        "ticks": ticks,
        "labels": _labels(unit, slots, left, slot_w),
        "max": ymax,
        "peak": peak,
        "types": types,
        "undated": weekly_data.get("undated", 0),
        "imprecise": weekly_data.get("imprecise", 0),
    }
