import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.nlp.dates import find_dates
from khabar.nlp.timex import find_timexes

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


# ---- the event layer's reading of the TIMEX grammar ---------------------------------------------

def test_only_calendar_dates_date_events():
    text = "last week, the third quarter, three years, now, recently, this summer, the 1990s, daily"
    assert find_dates(text, PUB) == []


@pytest.mark.parametrize("text,value,precision", [
    ("two years ago", "2022", "year"),
    ("On Monday night, gunmen", "2024-04-08", "day"),
    ("at 10 a.m. Monday", "2024-04-08", "day"),
    ("last Wednesday", "2024-04-03", "day"),  # "last" is the week before, not today
    ("fiscal 2023", "2023", "year"),
    ("in late June 2022", "2022-06", "month"),
])
def test_more_calendar_dates(text, value, precision):
    d = one(text)
    assert (d.value, d.precision) == (value, precision)


def test_the_khabar_policy_never_looks_ahead():
    # TimeML would read "will visit in December" as the coming December; events keep the past one
    assert one("He will visit in December.").value == "2023-12"
    assert one("They will meet on Friday.").value == "2024-04-05"


def test_implied_values_do_not_date_events():
    assert find_dates("Polls close at 10 a.m.", PUB) == []
    assert find_dates("sales for the year rose", PUB) == []


def test_anaphoric_days_count_from_the_last_day_named():
    found = find_dates("Police raided the house on March 3. The next day, two men were charged.", PUB)
    assert [(d.text, d.value) for d in found] == [("March 3", "2024-03-03"), ("The next day", "2024-03-04")]


def test_numbers_that_name_things_are_not_years():
    assert find_dates("under Resolution 2254 and Flight 1549", PUB) == []


# ---- the TIMEX grammar itself (TimeML values, tense-aware) -------------------------------------------

DCT = date(1998, 8, 7)  # a Friday


def timex(text, dct=DCT):
    found = find_timexes(text, dct)
    assert len(found) == 1, found
    assert text[found[0].start:found[0].end] == found[0].text
    return found[0]


@pytest.mark.parametrize("text,span,typ,value", [
    ("Bombs exploded Friday, killing dozens.", "Friday", "DATE", "1998-08-07"),
    ("The ministers will meet on Monday.", "Monday", "DATE", "1998-08-10"),
    ("They met on Monday.", "Monday", "DATE", "1998-08-03"),
    ("She left last week.", "last week", "DATE", "1998-W31"),
    ("Talks resume next week.", "next week", "DATE", "1998-W33"),
    ("Over the weekend, rain fell.", "the weekend", "DATE", "1998-W31-WE"),
    ("Sales rose this year.", "this year", "DATE", "1998"),
    ("It began in the 1990s.", "the 1990s", "DATE", "199"),
    ("It ended in the 20th century.", "the 20th century", "DATE", "19"),
    ("Profit fell in the third quarter.", "the third quarter", "DATE", "1998-Q3"),
    ("The plant opens this summer.", "this summer", "DATE", "1998-SU"),
    ("He resigned last fall.", "last fall", "DATE", "1997-FA"),
    ("The rebels struck yesterday.", "yesterday", "DATE", "1998-08-06"),
    ("The vote is tonight.", "tonight", "TIME", "1998-08-07TNI"),
    ("Prices are high now.", "now", "DATE", "PRESENT_REF"),
    ("He recently moved.", "recently", "DATE", "PAST_REF"),
    ("He moved two years ago.", "two years ago", "DATE", "1996"),
    ("He left six weeks ago.", "six weeks ago", "DATE", "1998-W26"),
    ("In fiscal 1999, it grew.", "fiscal 1999", "DATE", "1999"),
    ("The blast came at 10 a.m. and", "10 a.m.", "TIME", "1998-08-07T10:00"),
    ("It lasted three years.", "three years", "DURATION", "P3Y"),
    ("a 16-hour shift", "16-hour", "DURATION", "PT16H"),
    ("It took a minute and a half.", "a minute and a half", "DURATION", "PT1M30S"),
    ("Prices fell in the past two months.", "the past two months", "DURATION", "P2M"),
    ("It lasted several years.", "several years", "DURATION", "PXY"),
    ("They meet every Thursday.", "every Thursday", "SET", "XXXX-WXX-4"),
    ("It appears weekly.", "weekly", "SET", "P1W"),
    ("Aug. 7, 1998 was hot.", "Aug. 7, 1998", "DATE", "1998-08-07"),
    ("The firm was founded in December.", "December", "DATE", "1997-12"),
    ("The firm will open in December.", "December", "DATE", "1998-12"),
    ("The pact was signed in January.", "January", "DATE", "1998-01"),
    ("They fought in the summer of 1996.", "the summer of 1996", "DATE", "1996-SU"),
    ("It ends at the end of 1999.", "the end of 1999", "DATE", "1999"),
])
def test_timeml_values(text, span, typ, value):
    t = timex(text)
    assert (t.text, t.type, t.value) == (span, typ, value)


def test_weekday_with_a_date_picks_its_year():
    t = timex("The vote is set for Monday, Oct. 26.", date(1998, 10, 28))
    assert (t.text, t.value) == ("Monday, Oct. 26", "1998-10-26")


def test_relative_expressions_need_a_publication_date():
    assert timex("Bombs exploded Friday.", None).value is None
    assert timex("It lasted three years.", None).value == "P3Y"  # durations do not
    assert timex("Aug. 7, 1998 was hot.", None).value == "1998-08-07"


def test_ages_and_rates_are_not_durations():
    assert find_timexes("Mr. Smith, 52 years old, and a 136-year-old bank", DCT) == []
    assert find_timexes("It costs $500 million a year.", DCT) == []


# ---- second round (docs/eval/timex.md, "What changed"): each case is a hand-made sentence ------------

@pytest.mark.parametrize("text,span,typ,value", [
    ("The paper appears daily.", "daily", "SET", "P1D"),
    ("Protesters prayed as Easter week began.", "Easter week", "DATE", "1998-W15"),
    ("He was arrested on Good Friday.", "Good Friday", "DATE", "1998-04-10"),
    ("January nineteen ninety-seven. Atlanta again.", "January nineteen ninety-seven", "DATE", "1997-01"),
    ("to halve unemployment by the year two thousand.", "the year two thousand", "DATE", "2000"),
    ("the post-1959 politics", "post-1959", "DATE", "1959"),
    ("Over the next couple of years we grow.", "the next couple of years", "DURATION", "P2Y"),
    ("Islam will one day be the second religion.", "one day", "DATE", "FUTURE_REF"),
    ("They left the day before.", "the day before", "DATE", "1998-08-06"),
    ("They traded Thanksgiving Day.", "Thanksgiving Day", "DATE", "1997-11-27"),
])
def test_timeml_values_second_round(text, span, typ, value):
    t = timex(text)
    assert (t.text, t.type, t.value) == (span, typ, value)


def test_what_is_not_a_temporal_expression():
    none_here = ["NATO moved into Eastern Europe.", 'Baker said on ABC\'s "This Week," that',
                 "a picture of Gary Cooper in High Noon.", "He said on CBS's 60 Minutes that",
                 "Return the boy as soon as possible.", "last seen the day before authorities issued a warrant",
                 "It has been troubled for years.", "the company's quarterly dividend", "It grows 8% annually."]
    for text in none_here:
        assert find_timexes(text, DCT) == [], text


def test_a_second_day_of_the_month_and_a_clock_time_before_brackets():
    found = find_timexes("The summit is on April 24 and 25.", date(1999, 2, 10))
    assert [(t.text, t.value) for t in found] == [("April 24", "1999-04-24"), ("25", "1999-04-25")]
    assert [t.text for t in find_timexes("on April 24 and 25 people died", date(1999, 2, 10))] == ["April 24"]
    text = "The blast occurred at about 10:35 a.m. (0735 GMT) Friday, toppling a building."
    found = find_timexes(text, date(1998, 8, 8))  # published on the Saturday
    assert [(t.text, t.value, t.implied) for t in found] == [
        ("about 10:35 a.m.", "1998-08-07T10:35", False), ("Friday", "1998-08-07", False)]
    assert [t.text for t in find_timexes("at 9 p.m. (1800 GMT).", DCT)] == ["9 p.m."]


def test_tense_from_the_parse_of_the_governing_verb():
    from khabar.nlp.pipeline import parse

    wed = date(1998, 9, 30)
    text = "The team planned to leave Nairobi on Thursday for Dar es Salaam."
    (by_words,) = find_timexes(text, wed)
    (by_parse,) = find_timexes(text, wed, parser=parse)
    assert by_words.value == "1998-09-24"  # "planned" is a past form: the words alone read it as past
    assert by_parse.value == "1998-10-01"  # the infinitive of "planned to" lies ahead
    cases = [("Talks will resume Friday.", "1998-10-02"), ("Talks resumed Friday.", "1998-09-25"),
             ("He and Arafat meet separately Monday with Albright.", "1998-10-05"),
             ("The ministry said Monday that it agreed.", "1998-09-28"),
             ("The board has scheduled a news conference Thursday.", "1998-10-01"),
             ("The offer had been due to expire Friday.", "1998-09-25"),
             ("The shares rose from Thursday's closing price.", "1998-09-24")]
    for sentence, value in cases:
        (t,) = find_timexes(sentence, wed, parser=parse)
        assert t.value == value, sentence
    calls = []
    find_timexes("It lasted three years.", wed, parser=lambda s: calls.append(s))
    assert calls == []  # no tense question, no parse


def test_bounds_and_feasts_for_events():
    assert find_dates("the post-1959 politics", PUB) == []  # a bound, like "since 2011"
    assert [d.value for d in find_dates("arrested on Easter Sunday", PUB)] == ["2024-03-31"]


_TIMEML_VALUE = re.compile(
    r"\d{4}(?:-\d\d(?:-\d\d(?:T(?:\d\d:\d\d|MO|AF|EV|NI))?)?|-W\d\d(?:-WE)?|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))?"
    r"|\d{2,3}|P(?=.)(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|Q|DE|CE))*(?:T(?:(?:\d+(?:\.\d+)?|X)[HMS])+)?"
    r"|PRESENT_REF|PAST_REF|FUTURE_REF|XXXX-(?:WXX-[1-7](?:T(?:MO|AF|EV|NI))?|\d\d)")
_WORDS = ["Friday", "Monday,", "Oct.", "26", "1998", "last", "next", "this", "week", "year", "years", "ago",
          "two", "twenty-one", "a", "the", "third", "quarter", "of", "in", "May", "March", "3-4", "early", "late",
          "mid-", "1990s", "10", "a.m.", "noon", "tonight", "yesterday", "morning", "day", "every", "half",
          "fiscal", "will", "said", ".", ",", "summer", "-", "days", "later", "earlier", "now", "since", "Dec"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25), st.one_of(st.none(), st.dates()),
       st.sampled_from(["timeml", "khabar"]))
def test_the_grammar_on_date_soup(words, dct, policy):
    text = " ".join(words)
    found = find_timexes(text, dct, policy=policy)
    assert found == sorted(found, key=lambda t: t.start)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for t in found:
        assert 0 <= t.start < t.end <= len(text) and text[t.start:t.end] == t.text
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        assert t.value is None or _TIMEML_VALUE.fullmatch(t.value), t
    for d in find_dates(text, dct):
        assert d.value is None or re.fullmatch(r"\d{4}(?:-\d\d(?:-\d\d)?)?", d.value)
        assert (d.value is None) == (d.precision == "unknown")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.dates()))
def test_any_text_and_any_publication_date(text, dct):
    for t in find_timexes(text, dct):
        assert text[t.start:t.end] == t.text
        assert t.value is None or _TIMEML_VALUE.fullmatch(t.value), t


def test_half_units_are_durations_not_crashes():
    """'half-hour' raised TypeError inside extract() (3 of 2,000 real articles in the corpus
    benchmark, bench/bench_corpus.py): the grammar's 'half' had no number."""
    from khabar import extract
    from khabar.nlp.timex import find_timexes

    got = {t.text: t.value for t in find_timexes("the short-lived, half-hour show ran for a half-century",
                                                  None, policy="khabar")}
    assert got == {"half-hour": "PT30M", "half-century": "P50Y"}
    assert extract("She also hosted the short-lived, half-hour show.").events == []


def _without_keys(monkeypatch):
    import khabar.nlp.timex as timex

    monkeypatch.setattr(timex, "COMPILED", [(rx, handler, None) for rx, handler, _ in timex.COMPILED])


@pytest.mark.parametrize("case", ["as written", "upper", "lower"])
def test_rule_keys_change_nothing_on_the_corpus(monkeypatch, case):
    """A rule's key only lets texts that cannot match it skip the scan: the same expressions
    come out with the keys as without them."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "corpus").rglob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "tests" / "data").glob("probe-*.txt"))]
    texts = [t.upper() if case == "upper" else t.lower() if case == "lower" else t for t in texts]
    assert len(texts) > 20
    keyed = [find_timexes(t, date(2024, 3, 1)) for t in texts]
    assert sum(map(len, keyed)) > 50
    _without_keys(monkeypatch)
    assert [find_timexes(t, date(2024, 3, 1)) for t in texts] == keyed


_WORDS = ["January", "May", "may", "Sept.", "MARCH", "Monday", "FRIDAY", "the", "of", "last", "next", "this", "early",
          "three", "two", "a", "few", "1998", "1990s", "'80s", "nineties", "12", "3rd", "4", "p.m.", "am", "noon",
          "in", "morning", "quarter", "third-quarter", "half", "year-ago", "years", "days", "day", "ago", "earlier",
          "from", "now", "century", "16-hour", "week", "and", ",", "-", "\u017f", "\u0131", "\u212a", "GMT", "1430"]


@given(st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_rule_keys_change_nothing_on_any_text(text):
    import khabar.nlp.timex as timex

    keyed = find_timexes(text, date(2024, 3, 1))
    saved = timex.COMPILED
    timex.COMPILED = [(rx, handler, None) for rx, handler, _ in saved]
    try:
        assert find_timexes(text, date(2024, 3, 1)) == keyed
    finally:
        timex.COMPILED = saved
