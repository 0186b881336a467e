"""Pairwise same-incident evidence (``score``) and reconciliation of member reports, on hand-built inputs."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.resolve.events import (
    DATE_SLACK_DAYS,
    THRESHOLD,
    UNDATED_WINDOW_DAYS,
    EventRef,
    date_range,
    family,
    reconcile,
    score,
    text_score,
)

DIM = 384
PESHAWAR = (34.0151, 71.5249)
NEAR_PESHAWAR = (34.0151 + 0.09, 71.5249)  # ~10 km north
FAR_FROM_PESHAWAR = (35.5, 71.5249)  # ~165 km north


def _e(i: int) -> np.ndarray:
    v = np.zeros(DIM)
    v[i] = 1.0
    return v


def _mix(*pairs: tuple[float, int]) -> np.ndarray:
    v = sum(w * _e(i) for w, i in pairs)
    return v / np.linalg.norm(v)


def _ref(id: str = "a", document: str | None = None, **kw) -> EventRef:
    base = dict(type="bombing", precision="day", date_lo="2024-03-10", date_hi="2024-03-10", country="PK")
    base.update(kw)
    return EventRef(id=id, document=document or f"doc-{id}", **base)


# --- family -------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", ["attack", "bombing", "killing", "armed_clash", "military_operation"])
def test_violent_types_share_one_family(event_type):
    assert family(event_type) == family("attack") == "violence"


def test_arrest_is_its_own_family():
    assert family("arrest") == "arrest"
    assert family("arrest") != family("attack")


def test_protest_and_riot_share_a_family_apart_from_violence():
    assert family("protest") == family("riot") == "unrest"
    assert family("riot") != family("attack")


def test_unknown_types_are_their_own_family():
    assert family("statement") == "statement"
    assert _ref(type="killing").family == "violence"


# --- date_range ---------------------------------------------------------------------------


def test_day_precision_is_that_day():
    assert date_range({"start": "2024-03-10", "end": None, "precision": "day"}, None) == ("2024-03-10", "2024-03-10")


def test_day_precision_keeps_an_explicit_end_and_drops_times():
    when = {"start": "2024-03-10T08:00:00", "end": "2024-03-12T23:00:00", "precision": "day"}
    assert date_range(when, "2024-04-01") == ("2024-03-10", "2024-03-12")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2024-03", ("2024-03-01", "2024-03-31")),
        ("2024-03-17", ("2024-03-01", "2024-03-31")),
        ("2023-12", ("2023-12-01", "2023-12-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),  # leap year
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2024-04", ("2024-04-01", "2024-04-30")),
    ],
)
def test_month_precision_spans_the_calendar_month(start, expected):
    assert date_range({"start": start, "precision": "month"}, "2025-01-01") == expected


def test_year_precision_spans_the_year():
    assert date_range({"start": "2024", "precision": "year"}, None) == ("2024-01-01", "2024-12-31")


def test_unknown_date_is_the_window_ending_on_publication():
    lo, hi = date_range({"start": None, "precision": "unknown"}, "2024-03-31T10:00:00Z")
    assert (lo, hi) == ("2024-03-01", "2024-03-31")
    assert UNDATED_WINDOW_DAYS == 30


def test_missing_date_dict_uses_publication_too():
    assert date_range(None, "2024-03-31") == ("2024-03-01", "2024-03-31")


def test_start_without_usable_precision_falls_back_to_publication():
    assert date_range({"start": "2024-01-05", "precision": "unknown"}, "2024-03-31") == ("2024-03-01", "2024-03-31")


def test_unknown_date_without_publication_is_open():
    assert date_range({"start": None, "precision": "unknown"}, None) == (None, None)
    assert date_range(None, None) == (None, None)


@pytest.mark.parametrize(
    ("when", "published"),
    [
        pytest.param({"start": "2024-ab", "precision": "month"}, None, id="month-garbage"),
        pytest.param({"start": "March 2024", "precision": "month"}, "2024-04-01", id="month-words"),
        pytest.param({"start": None, "precision": "unknown"}, "yesterday", id="published-garbage"),
        pytest.param(
            {"start": "garbage", "precision": "day"}, None, id="day-garbage",
        ),
        pytest.param(
            {"start": "2024-13", "precision": "month"}, None, id="month-13",
        ),
        pytest.param(
            {"start": "20x4", "precision": "year"}, None, id="year-garbage",
        ),
    ],
)
def test_malformed_dates_give_an_open_range(when, published):
    assert date_range(when, published) == (None, None)


# --- score: what rules a pair out ----------------------------------------------------------


def test_same_document_is_never_scored():
    assert score(_ref("a", document="d1"), _ref("b", document="d1")) is None


def test_different_families_are_ruled_out():
    assert score(_ref("a", type="bombing"), _ref("b", type="arrest")) is None
    assert score(_ref("a", type="protest"), _ref("b", type="attack")) is None


def test_attack_and_bombing_are_comparable():
    assert score(_ref("a", type="attack"), _ref("b", type="bombing")) is not None


def test_different_countries_are_ruled_out():
    assert score(_ref("a", country="PK"), _ref("b", country="AF")) is None


def test_a_missing_country_does_not_rule_out():
    assert score(_ref("a", country="PK"), _ref("b", country=None)) is not None


def test_dates_beyond_one_day_of_slack_are_ruled_out():
    assert DATE_SLACK_DAYS == 1
    a = _ref("a")
    assert score(a, _ref("b", date_lo="2024-03-12", date_hi="2024-03-12")) is None
    assert score(_ref("b", date_lo="2024-03-08", date_hi="2024-03-08"), a) is None
    month_before = _ref("b", precision="month", date_lo="2024-02-01", date_hi="2024-02-29")
    assert score(a, month_before) is None


def test_next_day_is_within_slack_and_earns_less_than_the_same_day():
    a = _ref("a")
    same = score(a, _ref("b"))
    next_day = score(a, _ref("b", date_lo="2024-03-11", date_hi="2024-03-11"))
    assert next_day is not None
    assert same - next_day == pytest.approx(1.0)


def test_fine_places_more_than_150_km_apart_are_ruled_out():
    a = _ref("a", lat=PESHAWAR[0], lon=PESHAWAR[1], geo_precision="city")
    b = _ref("b", lat=FAR_FROM_PESHAWAR[0], lon=FAR_FROM_PESHAWAR[1], geo_precision="city")
    assert score(a, b) is None


def test_coarse_place_far_away_does_not_rule_out():
    """A province centroid can lie far from the town in it; only district-or-finer places veto."""
    a = _ref("a", lat=PESHAWAR[0], lon=PESHAWAR[1], geo_precision="city")
    b = _ref("b", lat=FAR_FROM_PESHAWAR[0], lon=FAR_FROM_PESHAWAR[1], geo_precision="province")
    assert score(a, b) is not None


# --- score: evidence ----------------------------------------------------------------------


def test_two_reports_of_one_bombing_score_above_threshold():
    a = _ref("a", lat=PESHAWAR[0], lon=PESHAWAR[1], geo_precision="city", actors=frozenset({"E1"}),
             subtype="suicide", fatalities=(28, 28), embedding=_e(0), lemma="blast")
    b = _ref("b", lat=NEAR_PESHAWAR[0], lon=NEAR_PESHAWAR[1], geo_precision="point",
             actors=frozenset({"E1", "E9"}), subtype="suicide", fatalities=(59, 59),
             embedding=_mix((0.8, 0), (0.6, 1)), lemma="blast")
    # same day 2.0 + within 30 km 2.0 + shared actor 1.5 + same type 0.5 + subtype 0.3
    # + tolls 28 vs 59 (neither close nor a wide gap) 0.0 + cosine 0.8 -> 4*(0.8-0.5)=1.2 + lemma 0.5
    s = score(a, b)
    assert s == pytest.approx(8.0)
    assert s > THRESHOLD
    assert score(b, a) == pytest.approx(s)


def test_same_day_and_country_alone_with_unlike_words_stays_below_threshold():
    s = score(_ref("a", embedding=_e(0)), _ref("b", embedding=_e(1)))
    # same day 2.0 + same type 0.5 + orthogonal embeddings 4*(0-0.5)=-2.0
    assert s == pytest.approx(0.5)
    assert s < THRESHOLD


@pytest.mark.parametrize(
    ("ta", "tb", "points"),
    [
        ((28, 28), (59, 59), 0.0),  # rising toll: no evidence either way
        ((28, 28), (40, 40), 0.7),  # within 1.5x: agrees
        ((12, 12), (12, 15), 0.7),
        ((3, 3), (140, 140), -1.0),  # wide gap: counts against
        ((0, 0), (20, 20), -1.0),
        ((3, 3), (12, 12), 0.0),  # > 4x but gap not over 10
        ((None, None), (140, 140), 0.0),
        (None, (140, 140), 0.0),
    ],
)
def test_toll_points(ta, tb, points):
    without = score(_ref("a"), _ref("b"))
    assert score(_ref("a", fatalities=ta), _ref("b", fatalities=tb)) - without == pytest.approx(points)


def test_tolls_3_vs_140_count_against():
    near = score(_ref("a", fatalities=(3, 3)), _ref("b", fatalities=(4, 4)))
    far = score(_ref("a", fatalities=(3, 3)), _ref("b", fatalities=(140, 140)))
    assert far < score(_ref("a"), _ref("b")) < near


def test_undated_report_published_soon_after_earns_the_fresh_bonus():
    dated = _ref("a", document="d1")
    lo2, hi2 = date_range(None, "2024-03-12")  # two days after the event
    lo10, hi10 = date_range(None, "2024-03-20")  # ten days after: window still covers the day
    fresh = _ref("b", document="d2", precision="unknown", date_lo=lo2, date_hi=hi2)
    stale = _ref("c", document="d3", precision="unknown", date_lo=lo10, date_hi=hi10)
    assert score(dated, fresh) is not None and score(dated, stale) is not None
    assert score(dated, fresh) - score(dated, stale) == pytest.approx(1.0)
    assert score(fresh, dated) == pytest.approx(score(dated, fresh))


def test_undated_report_published_before_the_day_gets_no_fresh_bonus():
    dated = _ref("a")
    lo, hi = date_range(None, "2024-03-09")
    before = _ref("b", precision="unknown", date_lo=lo, date_hi=hi)
    lo10, hi10 = date_range(None, "2024-03-20")
    stale = _ref("c", precision="unknown", date_lo=lo10, date_hi=hi10)
    assert score(dated, before) == pytest.approx(score(dated, stale))


def test_two_undated_reports_get_no_date_points():
    lo, hi = date_range(None, "2024-03-12")
    a = _ref("a", precision="unknown", date_lo=lo, date_hi=hi)
    b = _ref("b", precision="unknown", date_lo=lo, date_hi=hi)
    assert score(a, b) == pytest.approx(0.5)  # same type only


def test_coarse_dates_that_meet_earn_half_a_point():
    a = _ref("a", precision="month", date_lo="2024-03-01", date_hi="2024-03-31")
    b = _ref("b")
    assert score(a, b) == pytest.approx(0.5 + 0.5)


def test_statement_without_day_precision_is_penalised():
    month = dict(precision="month", date_lo="2024-03-01", date_hi="2024-03-31")
    kidnapping = score(_ref("a", type="kidnapping", **month), _ref("b", type="kidnapping", **month))
    statement = score(_ref("a", type="statement", **month), _ref("b", type="statement", **month))
    assert kidnapping == pytest.approx(1.0)  # coarse date 0.5 + same type 0.5
    assert statement == pytest.approx(1.0 - 1.5)


def test_statement_on_the_same_day_is_not_penalised():
    assert score(_ref("a", type="statement"), _ref("b", type="statement")) == pytest.approx(2.0 + 0.5)


def test_admin1_agreement_and_disagreement_when_no_fine_place():
    base = score(_ref("a"), _ref("b"))
    same = score(_ref("a", admin1="KP"), _ref("b", admin1="KP"))
    other = score(_ref("a", admin1="KP"), _ref("b", admin1="Punjab"))
    assert same - base == pytest.approx(0.5)
    assert other - base == pytest.approx(-0.5)


def test_places_30_to_100_km_apart_earn_one_point():
    a = _ref("a", lat=34.0, lon=71.5, geo_precision="district")
    b = _ref("b", lat=34.0, lon=72.0, geo_precision="district")  # ~46 km
    assert score(a, b) - score(_ref("a"), _ref("b")) == pytest.approx(1.0)


def test_disjoint_actors_count_against_and_shared_targets_help():
    base = score(_ref("a"), _ref("b"))
    assert score(_ref("a", actors=frozenset({"E1"})), _ref("b", actors=frozenset({"E2"}))) - base == pytest.approx(-1.0)
    assert score(_ref("a", actors=frozenset({"E1"})), _ref("b")) == pytest.approx(base)
    assert score(_ref("a", targets=frozenset({"T"})), _ref("b", targets=frozenset({"T"}))) - base == pytest.approx(1.0)


# --- text_score ---------------------------------------------------------------------------


def test_text_score_is_neutral_at_cosine_one_half():
    a = _ref("a", embedding=_e(0))
    b = _ref("b", embedding=_mix((0.5, 0), (np.sqrt(0.75), 1)))
    assert text_score(a, b) == pytest.approx(0.0)


def test_text_score_identical_vectors_and_shared_lemma():
    a = _ref("a", embedding=_e(3), lemma="kill")
    b = _ref("b", embedding=_e(3), lemma="kill")
    assert text_score(a, b) == pytest.approx(2.0 + 0.5)


def test_text_score_ignores_missing_or_zero_vectors():
    assert text_score(_ref("a", embedding=np.zeros(DIM)), _ref("b", embedding=_e(0))) == 0.0
    assert text_score(_ref("a"), _ref("b", embedding=_e(0), lemma="kill")) == 0.0
    assert text_score(_ref("a", lemma="kill"), _ref("b", lemma="blast")) == 0.0


# --- reconcile ----------------------------------------------------------------------------


def _member(eid: str, document: str, published: str | None, type: str = "bombing", **kw) -> dict:
    m = {
        "id": eid, "type": type, "subtype": None,
        "trigger": {"start": 10, "end": 15, "text": f"trigger-{eid}"},
        "date": {"start": None, "end": None, "precision": "unknown", "text": None},
        "location": None, "participants": [], "fatalities": None, "injuries": None,
        "status": "reported", "evidence": [{"start": 0, "end": 40, "text": f"sentence of {eid}"}],
        "confidence": 0.5,
        "document": document, "published": published, "url": f"https://example.org/{document}",
        "title": f"Title {document}", "source": f"outlet-{document}",
    }
    m.update(kw)
    return m


def _loc(name: str, precision: str, lat: float | None = None, lon: float | None = None) -> dict:
    return {"entity": f"L-{name}", "name": name, "country": "PK", "lat": lat, "lon": lon, "precision": precision}


@pytest.fixture
def three_reports() -> list[dict]:
    m1 = _member(
        "v1", "d1", "2024-03-10T09:00:00Z", type="attack",
        location=_loc("Khyber Pakhtunkhwa", "province", 34.5, 72.0),
        participants=[{"role": "actor", "entity": "E1", "name": "TTP"},
                      {"role": "victim", "entity": None, "name": "Police"}],
        fatalities={"min": 28, "max": 28, "text": "28"}, confidence=0.5,
    )
    m2 = _member(
        "v2", "d2", "2024-03-11T07:00:00Z", subtype="suicide",
        date={"start": "2024-03-10", "end": None, "precision": "day", "text": "Sunday"},
        location=_loc("Peshawar", "city", *PESHAWAR),
        participants=[{"role": "actor", "entity": "E1", "name": "Tehreek-e-Taliban Pakistan"},
                      {"role": "victim", "entity": None, "name": "police"}],
        fatalities={"min": 59, "max": 59, "text": "59"}, injuries={"min": 100, "max": None, "text": "over 100"},
        status="claimed", confidence=0.6,
    )
    m3 = _member(
        "v3", "d3", "2024-03-10T18:00:00Z", subtype="suicide",
        date={"start": "2024-03", "end": None, "precision": "month", "text": "this month"},
        location=_loc("Pakistan", "country"),
        participants=[{"role": "claimant", "entity": "E2", "name": "ISKP"}],
        fatalities={"min": 40, "max": None, "text": "at least 40"}, confidence=0.7,
    )
    return [m2, m3, m1]  # deliberately not in publication order


def test_reconcile_three_reports(three_reports):
    ev = reconcile(three_reports)
    assert ev["type"] == "bombing"  # 2 of 3
    assert ev["subtype"] == "suicide"
    assert ev["date"]["start"] == "2024-03-10" and ev["date"]["precision"] == "day"
    assert ev["location"]["name"] == "Peshawar"
    assert ev["status"] == "claimed"
    assert ev["confidence"] == pytest.approx(round(1 - 0.5 * 0.4 * 0.3, 3))
    assert ev["n_sources"] == 3


def test_reconcile_sources_follow_publication_order(three_reports):
    ev = reconcile(three_reports)
    assert [s["document"] for s in ev["sources"]] == ["d1", "d3", "d2"]
    first = ev["sources"][0]
    assert first["event"] == "v1" and first["type"] == "attack" and first["url"] == "https://example.org/d1"
    assert first["source"] == "outlet-d1" and first["fatalities"]["min"] == 28
    assert ev["trigger"] == {"start": 10, "end": 15, "text": "trigger-v1", "document": "d1"}
    assert [e["document"] for e in ev["evidence"]] == ["d1", "d3", "d2"]


def test_reconcile_participants_are_a_union_without_duplicates(three_reports):
    ev = reconcile(three_reports)
    assert ev["participants"] == [
        {"role": "actor", "entity": "E1", "name": "TTP"},  # first name seen wins
        {"role": "victim", "entity": None, "name": "Police"},  # unlinked: matched by name, case-folded
        {"role": "claimant", "entity": "E2", "name": "ISKP"},
    ]


def test_same_entity_in_another_role_is_kept():
    ev = reconcile([
        _member("v1", "d1", "2024-03-10", participants=[{"role": "actor", "entity": "E1", "name": "TTP"}]),
        _member("v2", "d2", "2024-03-11", participants=[{"role": "claimant", "entity": "E1", "name": "TTP"}]),
    ])
    assert [p["role"] for p in ev["participants"]] == ["actor", "claimant"]


def test_reconcile_fatalities_range_and_disagreements(three_reports):
    ev = reconcile(three_reports)
    assert ev["fatalities"] == {"min": 28, "max": 59, "text": "28-59", "sources": 3}
    assert ev["disagreements"]["fatalities"] == [
        {"min": 28, "max": 28, "documents": ["d1"]},
        {"min": 40, "max": None, "documents": ["d3"]},
        {"min": 59, "max": 59, "documents": ["d2"]},
    ]
    assert ev["injuries"] == {"min": 100, "max": None, "text": "100", "sources": 1}
    assert "injuries" not in ev["disagreements"]  # one figure is no disagreement


def test_agreeing_tolls_list_no_disagreement():
    ev = reconcile([
        _member("v1", "d1", "2024-03-10", fatalities={"min": 7, "max": 7, "text": "7"}),
        _member("v2", "d2", "2024-03-11", fatalities={"min": 7, "max": 7, "text": "seven"}),
    ])
    assert ev["fatalities"] == {"min": 7, "max": 7, "text": "7", "sources": 2}
    assert ev["disagreements"] == {}


@pytest.mark.parametrize(
    ("counts", "expected_max"),
    [
        ([{"min": 40, "max": None}], None),  # "at least 40" alone stays open
        ([{"min": 40, "max": None}, {"min": 40, "max": None}], None),
        ([{"min": 40, "max": None}, {"min": 59, "max": 59}], 59),
        ([{"min": 59, "max": None}, {"min": 28, "max": 28}], 59),
        ([{"min": 5, "max": 20}, {"min": 10, "max": None}], 20),
    ],
)
def test_open_ended_toll_keeps_max_none_only_when_it_is_the_only_value(counts, expected_max):
    members = [_member(f"v{i}", f"d{i}", f"2024-03-1{i}", fatalities={**c, "text": "x"})
               for i, c in enumerate(counts)]
    fat = reconcile(members)["fatalities"]
    assert fat["max"] == expected_max
    assert fat["min"] == min(c["min"] for c in counts)


def test_no_tolls_give_none():
    ev = reconcile([_member("v1", "d1", "2024-03-10"), _member("v2", "d2", "2024-03-11",
                                                                fatalities={"min": None, "max": None, "text": "dozens"})])
    assert ev["fatalities"] is None and ev["injuries"] is None
    assert ev["disagreements"] == {}


def test_at_least_n_and_exactly_n_are_listed_as_a_disagreement():
    ev = reconcile([
        _member("v1", "d1", "2024-03-10", fatalities={"min": 28, "max": None, "text": "at least 28"}),
        _member("v2", "d2", "2024-03-11", fatalities={"min": 28, "max": 28, "text": "28"}),
    ])
    assert ev["fatalities"]["min"] == 28
    got = {(d["min"], d["max"], tuple(d["documents"])) for d in ev["disagreements"]["fatalities"]}
    assert got == {(28, None, ("d1",)), (28, 28, ("d2",))}


def test_type_most_common_wins_over_more_specific():
    ev = reconcile([_member("v1", "d1", "2024-03-10", type="attack"),
                    _member("v2", "d2", "2024-03-11", type="attack"),
                    _member("v3", "d3", "2024-03-12", type="bombing")])
    assert ev["type"] == "attack"


@pytest.mark.parametrize(("first", "second", "winner"), [
    ("attack", "bombing", "bombing"),
    ("bombing", "attack", "bombing"),
    ("armed_clash", "killing", "killing"),
    ("attack", "military_operation", "military_operation"),
    ("statement", "attack", "attack"),  # a type outside the ranking loses ties
])
def test_type_ties_go_to_the_more_specific(first, second, winner):
    ev = reconcile([_member("v1", "d1", "2024-03-10", type=first),
                    _member("v2", "d2", "2024-03-11", type=second)])
    assert ev["type"] == winner


def test_equally_precise_dates_go_to_the_one_most_reported():
    def day(d: str) -> dict:
        return {"start": d, "end": None, "precision": "day", "text": d}

    ev = reconcile([_member("v1", "d1", "2024-03-10", date=day("2024-03-09")),
                    _member("v2", "d2", "2024-03-11", date=day("2024-03-10")),
                    _member("v3", "d3", "2024-03-12", date=day("2024-03-10"))])
    assert ev["date"]["start"] == "2024-03-10"


def test_undated_members_give_an_unknown_date():
    ev = reconcile([_member("v1", "d1", "2024-03-10", date=None), _member("v2", "d2", "2024-03-11", date=None)])
    assert ev["date"] == {"start": None, "end": None, "precision": "unknown", "text": None}
    assert ev["location"] is None


def test_place_most_precise_then_most_reported():
    ev = reconcile([_member("v1", "d1", "2024-03-10", location=_loc("Peshawar", "city")),
                    _member("v2", "d2", "2024-03-11", location=_loc("Hayatabad", "city")),
                    _member("v3", "d3", "2024-03-12", location=_loc("Hayatabad", "city")),
                    _member("v4", "d4", "2024-03-13", location=_loc("Khyber Pakhtunkhwa", "province"))])
    assert ev["location"]["name"] == "Hayatabad"


def test_status_is_most_common_when_none_claimed():
    ev = reconcile([_member("v1", "d1", "2024-03-10", status="reported"),
                    _member("v2", "d2", "2024-03-11", status="denied"),
                    _member("v3", "d3", "2024-03-12", status="denied")])
    assert ev["status"] == "denied"


def test_confidence_is_capped():
    ev = reconcile([_member(f"v{i}", f"d{i}", f"2024-03-1{i}", confidence=0.9) for i in range(3)])
    assert ev["confidence"] == 0.99


def test_missing_confidence_counts_as_one_half():
    m = _member("v1", "d1", "2024-03-10")
    del m["confidence"]
    ev = reconcile([m, _member("v2", "d2", "2024-03-11", confidence=0.5)])
    assert ev["confidence"] == pytest.approx(0.75)


def test_n_sources_counts_distinct_documents():
    ev = reconcile([_member("v1", "d1", "2024-03-10"), _member("v2", "d1", "2024-03-10"),
                    _member("v3", "d2", "2024-03-11")])
    assert len(ev["sources"]) == 3
    assert ev["n_sources"] == 2


def test_unpublished_members_come_last():
    ev = reconcile([_member("v1", "d1", None), _member("v2", "d2", "2024-03-11")])
    assert [s["document"] for s in ev["sources"]] == ["d2", "d1"]
