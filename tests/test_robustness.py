"""extract() on arbitrary and awkward text: no exception, every offset inside the text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import extract

WORDS = st.sampled_from([
    "Kabul", "the", "bombing", "killed", "at least", "12", "people", "on", "Monday", "IS-K", "claimed",
    "responsibility", "(", ")", ",", ".", "—", "“", "”", "police", "arrested", "Taliban", "in", "March 22",
    "2021", "he", "says", "was", "recruited", "by", "Russia’s", "Vladimir", "oblast", "respectively", "and",
    "KABUL", "\n\n", "al-Shabaab", "fighters", "attacked", "a", "hotel", "Mogadishu", "Daesh–Khorasan",
])


def check(text: str) -> None:
    d = extract(text, published="2024-04-10").to_dict()
    for e in d["entities"]:
        for m in e["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    for v in d["events"]:
        for s in v["evidence"]:
            assert text[s["start"]:s["end"]] == s["text"]
        assert v["date"]["precision"] in ("day", "month", "year", "unknown")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=1, max_size=60).map(" ".join))
def test_news_like_word_salad(text):
    if text.strip():
        check(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300))
def test_arbitrary_unicode(text):
    if text.strip():
        check(text)


@pytest.mark.parametrize("text", [
    "A", "(", "KABUL —", "KABUL, Afghanistan —", "\u200b\u200bKabul", "1 2 3 4 5", "March 22" * 50,
    "The the the the.", "IS IS IS-K IS-K (IS-K) (IS) , or X,",
])
def test_awkward_inputs(text):
    check(text)
