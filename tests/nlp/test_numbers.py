import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.nlp.numbers import find_counts, parse_quantity, word_to_number


@pytest.mark.parametrize("text,lo,hi", [
    ("In July 2018, IS-K bombings killed 149 in Mastung.", 149, 149),
    ("the attack, in which at least 144 people were killed.", 144, None),
    ("two explosions that killed nearly 100 people", None, 100),
    ("IS-K killed 13 American military personnel and at least 169 Afghans", 182, None),
    ("Ten civilians, including seven children, were killed", 10, 10),
    ("the death toll rose to 101", 101, 101),
    ("an attack that killed a policeman", 1, 1),
    ("killed a total of 20 people", 20, 20),
])
def test_killed(text, lo, hi):
    counts = [c for c in find_counts(text) if c.outcome == "killed"]
    assert counts, text
    assert (counts[0].min, counts[0].max) == (lo, hi)
    assert text[counts[0].start:counts[0].end] == counts[0].text


def test_injured_and_vague():
    counts = find_counts("two explosions that killed nearly 100 people and wounded scores of others")
    hurt = [c for c in counts if c.outcome == "injured"]
    assert (hurt[0].min, hurt[0].max) == (40, None)


def test_subject_of_active_kill_is_not_a_victim_count():
    assert [c.text for c in find_counts("two explosions that killed nearly 100 people")] == ["nearly 100"]


@pytest.mark.parametrize("word,n", [("twenty-one", 21), ("three hundred", 300), ("1,200", 1200), ("seven", 7)])
def test_words(word, n):
    assert word_to_number(word) == n


def test_parse_quantity_sums():
    assert parse_quantity("five soldiers and 13 civilians") == (18, 18)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text):
    for c in find_counts(text):
        assert 0 <= c.start < c.end <= len(text)
