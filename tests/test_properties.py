"""Property tests (hypothesis): the parsers and ``extract()`` on arbitrary text never raise, and
every offset they give lies inside the text and slices to the text they report.

Example counts are modest (``extract()`` costs 50-100 ms); hypothesis keeps the failing
examples it finds in ``.hypothesis/`` and tries them first on the next run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import extract
from khabar.model import Report, Span
from khabar.nlp.dates import find_dates
from khabar.nlp.kb import load_kb
from khabar.nlp.numbers import find_counts, parse_quantity, word_to_number
from khabar.nlp.text import norm_name

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])

# Text a news article may hold, and text it should not: every character but lone surrogates
# (which no decoder or reader of Khabar ever produces: they cannot even be encoded as UTF-8).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
ANY_TEXT = st.text(ANY_CHAR, max_size=400)
NEWS_WORDS = st.sampled_from([
    "Kabul", "the", "bombing", "killed", "at least", "12", "people", "on", "Monday", "IS-K", "claimed",
    "responsibility", "(", ")", ",", ".", "—", "“", "”", "police", "arrested", "Taliban", "in", "March 22",
    "2021", "he", "says", "was", "recruited", "by", "Russia’s", "Vladimir", "oblast", "respectively", "and",
    "KABUL", "\n\n", "al-Shabaab", "fighters", "attacked", "a", "hotel", "Mogadishu", "Daesh–Khorasan",
    "three", "dozens", "twenty-one", "last week", "yesterday", "1,200", "injured", "wounded", "Jan. 5",
    "2024-04-07", "11/09/2001", "tens of thousands", "½", "²", "٣", "\x00", "\u200b", "\ufeff", "\t",
])
DATE_SOUP = st.lists(st.sampled_from([
    "on", "Monday", "last", "next", "week", "month", "year", "March", "22", "2024", "1999", "of", "the",
    "early", "late", "mid-", "spring", "2011-2013", "between", "and", "ago", "two", "days", "since",
    "yesterday", "tonight", "at", "10", "a.m.", "Q3", "the 1990s", "fiscal", "31", "February", "30",
    "9999", "0000", "Sept.", ",", "-", "/", "12/31/2024", "2024-02-30",
]), max_size=30).map(" ".join)
# Publication dates in the range the store and the date grammar are meant for (1900-2100).
PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))


def assert_inside(text: str, start: int, end: int, said: str, what: str) -> None:
    assert 0 <= start <= end <= len(text), (what, start, end, len(text))
    assert text[start:end] == said, (what, text[start:end], said)


def spans(report: Report) -> Iterator[tuple[str, Span]]:
    """Every span of a report: mentions, triggers, evidence, participants, dates, counts, relations."""
    for ent in report.entities:
        for m in ent.mentions:
            yield f"mention of {ent.id}", m
    for ev in report.events:
        yield f"{ev.id} trigger", ev.trigger
        for s in ev.evidence:
            yield f"{ev.id} evidence", s
        for p in ev.participants:
            if p.span is not None:
                yield f"{ev.id} participant {p.role}", p.span
        if ev.date.span is not None:
            yield f"{ev.id} date", ev.date.span
        for name, count in (("fatalities", ev.fatalities), ("injuries", ev.injuries)):
            if count is not None and count.span is not None:
                yield f"{ev.id} {name}", count.span
    for rel in report.relations:
        for s in rel.evidence:
            yield f"relation {rel.type}", s


def check_extract(text: str, published: str | None = "2024-04-10") -> None:
    report = extract(text, published=published)
    for what, span in spans(report):
        assert_inside(text, span.start, span.end, span.text, what)
    d = report.to_dict()
    for ev in d["events"]:
        assert ev["date"]["precision"] in ("day", "month", "year", "unknown")


# -- dates ----------------------------------------------------------------------------------


@FAST
@given(st.one_of(ANY_TEXT, DATE_SOUP), PUBLISHED)
def test_find_dates_never_raises_and_its_offsets_hold(text, published):
    found = find_dates(text, published)
    last_end = 0
    for m in found:
        assert_inside(text, m.start, m.end, m.text, "date")
        assert m.start >= last_end, "dates are in order and never overlap"
        last_end = m.end
        assert m.precision in ("day", "month", "year", "unknown")
        if m.value is not None:
            assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", m.value), m.value


# -- numbers --------------------------------------------------------------------------------


NUMBER_SOUP = st.lists(st.sampled_from([
    "at least", "more than", "nearly", "up to", "dozens", "a dozen", "hundreds", "of", "one", "two",
    "twenty", "twenty-one", "hundred", "thousand", "million", "1,200", "12", "0", "and", "people",
    "were", "killed", "injured", "wounded", "died", "the", "death", "toll", "rose", "to", "a", "an",
    "½", "²", "٣", "1" * 5000, "-", ",",
]), max_size=20).map(" ".join)


@FAST
@given(st.one_of(ANY_TEXT, NUMBER_SOUP))
def test_number_parsers_never_raise_and_give_sane_ranges(text):
    value = word_to_number(text)
    assert value is None or value >= 0
    lo, hi = parse_quantity(text)
    assert lo is None or lo >= 0
    assert hi is None or hi >= 0
    assert lo is None or hi is None or lo <= hi


@FAST
@given(st.one_of(ANY_TEXT, NUMBER_SOUP), st.integers(min_value=0, max_value=10_000))
def test_find_counts_offsets_map_back_into_the_text(text, offset):
    for c in find_counts(text, offset=offset):
        assert_inside(text, c.start - offset, c.end - offset, c.text, "count")
        assert c.outcome in ("killed", "injured")
        assert c.min is None or c.max is None or c.min <= c.max


def test_a_superscript_digit_is_no_number():
    assert word_to_number("²") is None


def test_absurd_counts_are_not_tolls():
    assert find_counts("Gunmen killed " + "1" * 5000 + " people.") == []
    assert find_counts("Gunmen killed 12345678901234567890123 people.") == []
    assert word_to_number("12") == 12 and word_to_number("ten million") == 10_000_000


# -- aliases --------------------------------------------------------------------------------


@FAST
@given(ANY_TEXT)
def test_alias_lookup_never_raises_and_names_are_normalised_stably(name):
    kb = load_kb()
    kb.lookup(name)
    kb.fuzzy(name)
    key = norm_name(name)
    assert norm_name(key) == key


@FAST
@given(st.data())
def test_every_alias_of_the_kb_finds_an_entry_that_has_it(data):
    kb = load_kb()
    alias, _ = data.draw(st.sampled_from(kb.surface_forms()))
    decorated = data.draw(st.sampled_from(["{}", " {} ", "the {}", "{}'s", "{}’s", "{}."])).format(alias)
    entry = kb.lookup(decorated) or kb.lookup(alias)
    assert entry is not None, alias
    assert norm_name(alias) in {norm_name(n) for n in entry.names()} | {norm_name(kb.short_names.get(entry.id, ""))}


# -- extract() ------------------------------------------------------------------------------


@SLOW
@given(st.lists(NEWS_WORDS, min_size=1, max_size=60).map(" ".join))
def test_extract_on_news_like_word_salad(text):
    if text.strip():
        check_extract(text)


@SLOW
@given(st.text(ANY_CHAR, min_size=1, max_size=300))
def test_extract_on_arbitrary_unicode(text):
    if text.strip():
        check_extract(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(
    NEWS_WORDS,
    st.text(st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=5),  # control characters
    st.text(st.sampled_from("aZ-'’.0"), min_size=200, max_size=3000),  # very long tokens
), min_size=1, max_size=25).map(" ".join), st.one_of(st.none(), PUBLISHED.map(lambda d: d and d.isoformat())))
def test_extract_with_control_characters_long_tokens_and_any_date(text, published):
    if text.strip():
        check_extract(text, published)
