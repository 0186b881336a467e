"""Chart geometry: markers sized and ordered by toll, weekly bins, stacked bar layout."""

from __future__ import annotations

import re

import pytest

from khabar.web.basemap import HEIGHT, WIDTH
from khabar.web.charts import (
    MAX_WEEKS,
    css_class,
    markers,
    parse_day,
    radius,
    timeline_svg,
    weekly,
    weekly_from_counts,
)


def ev(i, deaths=None, *, lat=10.0, lon=20.0, kind="attack", day="2024-01-10"):
    return {
        "id": i,
        "type": kind,
        "lat": lat,
        "lon": lon,
        "fatalities_min": deaths,
        "date_start": day,
        "location_name": "Kabul",
    }


# --- markers -------------------------------------------------------------------------------------


def test_radius_grows_with_deaths_and_is_capped():
    rs = [radius(n) for n in (0, 1, 10, 100)]
    assert rs == sorted(rs) and len(set(rs)) == 4
    assert radius(0) == 2.5
    assert radius(10**6) == 30
    assert radius(None) < radius(0)


def test_markers_largest_first_and_positioned():
    ms = markers([ev(1, 3), ev(2, 50), ev(3, None), ev(4, 0, lat=0, lon=0)])
    assert [m.id for m in ms] == [2, 1, 4, 3]
    assert ms[0].r > ms[1].r > ms[2].r > ms[3].r
    zero = next(m for m in ms if m.id == 4)
    assert (zero.x, zero.y) == (WIDTH / 2, HEIGHT / 2)
    unknown = ms[-1]
    assert unknown.css == "t-attack toll-unknown" and unknown.deaths is None
    assert "deaths unknown" in unknown.title and "Kabul" in unknown.title
    assert ms[0].css == "t-attack" and "50 dead" in ms[0].title


def test_markers_limit_keeps_biggest_tolls():
    ms = markers([ev(i, i) for i in range(10)] + [ev(99, None)], limit=4)
    assert [m.deaths for m in ms] == [9, 8, 7, 6]
    assert ms.dropped == 7 and ms.unlocated == 0


def test_markers_skip_events_without_coordinates():
    rows = [ev(1, 1), ev(2, 1, lat=None), ev(3, 1, lon=""), ev(4, 1, lat=200), ev(5, 1, lat="12.5")]
    ms = markers(rows)
    assert sorted(m.id for m in ms) == [1, 5]
    assert ms.unlocated == 3 and ms.dropped == 0


def test_markers_scale_shrinks_radius_for_zoomed_views():
    (full,) = markers([ev(1, 25)])
    (zoomed,) = markers([ev(1, 25)], scale=0.1)
    assert zoomed.r == pytest.approx(full.r * 0.1, abs=0.01)


def test_css_class_is_sanitised():
    assert css_class("attack") == "t-attack"
    assert css_class("Suicide_Bombing") == "t-suicide_bombing"
    hostile = css_class('x" onload="alert(1)')
    assert re.fullmatch(r"t-[a-z_-]+", hostile) and '"' not in hostile and " " not in hostile
    assert css_class(None) == css_class("") == css_class("123") == "t-other"
    (m,) = markers([ev(1, 2, kind='x" onload="')])
    assert re.fullmatch(r"t-[a-z_-]+", m.css)


# --- weekly --------------------------------------------------------------------------------------


def test_parse_day_precision():
    assert parse_day("2024-01-10") == (parse_day("2024-01-10T08:00:00Z")[0], "day")
    assert parse_day("2024-03")[1] == "month" and parse_day("2024-03")[0].day == 1
    assert parse_day("2024-02-30")[1] == "month"
    assert parse_day("2024") == (None, "none")
    assert parse_day(None) == (None, "none")


def test_weekly_fills_gaps_and_counts_precision():
    rows = [
        ev(1, day="2024-01-08"),  # Monday of 2024-W02
        ev(2, day="2024-01-14", kind="clash"),  # Sunday, same week
        ev(3, day="2024-02-01"),  # Thursday of W05
        ev(4, day="2024-03"),  # month only: week of Fri 1 March (W09)
        ev(5, day="2024"),
        ev(6, day=None),
    ]
    data = weekly(rows)
    weeks = data["weeks"]
    assert [w["week"] for w in weeks] == [f"2024-W{n:02d}" for n in range(2, 10)]
    assert weeks[0]["start"] == "2024-01-08"
    assert weeks[0]["counts"] == {"attack": 1, "clash": 1}
    assert weeks[1]["counts"] == {} and weeks[1]["total"] == 0
    assert weeks[-1]["start"] == "2024-02-26" and weeks[-1]["counts"] == {"attack": 1}
    assert data["types"] == ["attack", "clash"]
    assert data["imprecise"] == 1 and data["undated"] == 2 and data["total"] == 6


def test_weekly_from_counts_matches_weekly():
    rows = [ev(1, day="2024-05-01"), ev(2, day="2024-05-02"), ev(3, day="2024-05-20", kind="arrest")]
    sql_rows = [("2024-04-29", "attack", 2), ("2024-05-20", "arrest", 1), (None, "attack", 4)]
    from_sql = weekly_from_counts(sql_rows, imprecise=0)
    assert from_sql["weeks"] == weekly(rows)["weeks"]
    assert from_sql["undated"] == 4


def test_weekly_empty():
    assert weekly([]) == {"weeks": [], "types": [], "undated": 0, "imprecise": 0, "total": 0}
    chart = timeline_svg(weekly([]))
    assert chart["bars"] == [] and chart["max"] >= 1


# --- timeline ------------------------------------------------------------------------------------


def test_timeline_bars_stack():
    rows = [ev(i, day="2024-01-08") for i in range(7)] + [
        ev(10 + i, kind="clash", day="2024-01-09") for i in range(5)
    ]
    rows += [ev(20, kind="protest", day="2024-01-22")]
    chart = timeline_svg(weekly(rows))
    base = chart["plot"]["baseline"]
    first_week = [b for b in chart["bars"] if b["week"] == "2024-W02"]
    assert [b["type"] for b in first_week] == ["attack", "clash"]
    assert first_week[0]["y"] + first_week[0]["h"] == pytest.approx(base)
    assert first_week[1]["y"] + first_week[1]["h"] == pytest.approx(first_week[0]["y"])
    assert first_week[1]["css"] == "t-clash"
    per_unit = chart["plot"]["h"] / chart["max"]
    assert sum(b["h"] for b in first_week) == pytest.approx(12 * per_unit, abs=0.02)
    assert chart["unit"] == "week" and chart["peak"] == 12 and len(chart["slots"]) == 3
    assert all(b["x"] >= chart["plot"]["x"] and b["w"] > 0 for b in chart["bars"])
    assert max(b["x"] + b["w"] for b in chart["bars"]) <= chart["plot"]["x"] + chart["plot"]["w"] + 0.01


@pytest.mark.parametrize(("peak", "ymax"), [(1, 1), (7, 8), (12, 15), (97, 100), (1234, 1500)])
def test_ticks_are_round(peak, ymax):
    chart = timeline_svg(weekly_from_counts([("2024-01-01", "attack", peak)]))
    assert chart["max"] == ymax
    values = [t["value"] for t in chart["ticks"]]
    assert values[0] == 0 and values[-1] == ymax
    step = values[1] - values[0]
    assert all(b - a == step for a, b in zip(values, values[1:], strict=False))
    assert re.fullmatch(r"[125]0*", str(step))
    assert chart["ticks"][-1]["y"] == pytest.approx(chart["plot"]["y"])


def test_month_labels_do_not_overlap():
    rows = [("2020-01-06", "attack", 1), ("2023-12-25", "attack", 2)]
    chart = timeline_svg(weekly_from_counts(rows))
    assert chart["unit"] == "week"
    xs = [label["x"] for label in chart["labels"]]
    assert len(xs) >= 4 and all(b - a >= 50 for a, b in zip(xs, xs[1:], strict=False))
    assert chart["labels"][0]["text"].endswith("2020")


def test_long_ranges_switch_to_months():
    # A week counts in the month of its Thursday: Mon 2019-12-23 -> December.
    rows = [("2000-01-03", "attack", 1), ("2019-12-23", "bombing", 3), ("2010-06-15", "attack", 2)]
    data = weekly_from_counts(rows)
    assert len(data["weeks"]) > MAX_WEEKS
    chart = timeline_svg(data)
    assert chart["unit"] == "month"
    assert len(chart["slots"]) == 20 * 12
    assert chart["slots"][0]["key"] == "2000-01" and chart["slots"][-1]["key"] == "2019-12"
    assert sum(b["n"] for b in chart["bars"]) == 6
    assert {b["week"] for b in chart["bars"]} == {"2000-01", "2010-06", "2019-12"}


def test_absurd_ranges_switch_to_years():
    chart = timeline_svg(weekly_from_counts([("1900-01-01", "attack", 1), ("2024-01-01", "attack", 1)]))
    assert chart["unit"] == "year" and len(chart["slots"]) == 125
    assert all(re.fullmatch(r"\d{4}", label["text"]) for label in chart["labels"])
