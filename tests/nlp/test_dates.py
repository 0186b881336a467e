from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.nlp.dates import find_dates

PUB = date(2024, 4, 10)


def one(text, pub=PUB):
    found = find_dates(text, pub)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text,value,precision", [
    ("reported in January this year that", "2024-01", "month"),
    ("the March 22 attack", "2024-03-22", "day"),
    ("killed in July 2016 and", "2016-07", "month"),
    ("on January 3 this year.", "2024-01-03", "day"),
    ("on 30 January 2023, a", "2023-01-30", "day"),
    ("Jan. 3, 2024", "2024-01-03", "day"),
    ("in 2011, the", "2011", "year"),
    ("late last year", "2023", "year"),
    ("On Monday, police said", "2024-04-08", "day"),
    ("yesterday", "2024-04-09", "day"),
    ("in May 2021", "2021-05", "month"),
    ("in December", "2023-12", "month"),
    ("In January, a bomber", "2024-01", "month"),
    ("blamed for the 2008 Mumbai attacks", "2008", "year"),
])
def test_resolves_against_publication(text, value, precision):
    d = one(text)
    assert (d.value, d.precision) == (value, precision)
    assert text[d.start:d.end] == d.text


def test_ranges_keep_both_ends():
    d = one("on the night of 14-15 April 2014")
    assert (d.value, d.end_value) == ("2014-04-14", "2014-04-15")


def test_no_publication_date_means_no_relative_value():
    d = one("the March 22 attack", None)
    assert d.value is None and d.precision == "unknown"


def test_ages_and_counts_are_not_years():
    assert find_dates("a 2000-year-old temple and 2011 people", PUB) == []


def test_may_the_verb_is_not_a_month():
    assert find_dates("Police may arrest him.", PUB) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_offsets_inside(text):
    for d in find_dates(text, PUB):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text


def test_a_count_after_and_is_not_a_day():
    d = one("On March 3 and 4 soldiers died.")
    assert (d.value, d.end_value) == ("2024-03-03", None)
