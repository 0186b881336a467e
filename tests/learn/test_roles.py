"""The learned role tagger: windows, decoding, grouping, training labels, and the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.eval.muc4 import MucDoc
from khabar.learn.roles import ROLES, TYPES, RoleSpan, decode, owner_window, windows
from khabar.learn.templates import group_fillers, to_role_fillers, to_templates


def test_windows_cover_every_piece_with_overlap():
    assert windows(10, size=254, stride=128) == [(0, 10)]
    spans = windows(600, size=254, stride=128)
    assert spans[0] == (0, 254) and spans[-1][1] == 600
    assert all(b - a <= 254 for a, b in spans)
    assert all(spans[i + 1][0] < spans[i][1] for i in range(len(spans) - 1))  # they overlap
    owner = owner_window(spans, 600)
    # each piece is read in the window where it sits furthest from an edge
    for i in (0, 130, 200, 300, 599):
        a, b = spans[owner[i]]
        assert a <= i < b
        margin = min(i - a, b - 1 - i)
        assert all(min(i - x, y - 1 - i) <= margin for x, y in spans if x <= i < y)


def _probs(n: int, tags: dict[int, dict[int, int]]) -> np.ndarray:
    """(n, roles, 3) probabilities: tag 1 (B) or 2 (I) with 0.9 where given, else O."""
    p = np.zeros((n, len(ROLES), 3), dtype=np.float32)
    p[:, :, 0] = 1.0
    for i, by_role in tags.items():
        for r, tag in by_role.items():
            p[i, r] = [0.1, 0.0, 0.0]
            p[i, r, tag] = 0.9
    return p


def test_decode_snaps_to_words_and_allows_two_roles():
    text = "guerrillas dynamited the power pylon"
    # word pieces: guerrilla|s dyna|mited the power pylon
    offsets = [(0, 9), (9, 10), (11, 15), (15, 20), (21, 24), (25, 30), (31, 36)]
    victim, target = ROLES.index("Victim"), ROLES.index("Target")
    perp = ROLES.index("PerpInd")
    role_p = _probs(7, {0: {perp: 1}, 1: {perp: 2}, 5: {target: 1, victim: 1}, 6: {target: 2}})
    type_p = np.zeros((7, len(TYPES)), dtype=np.float32)
    type_p[:, TYPES.index("bombing")] = 0.8
    spans = decode(text, role_p, type_p, offsets)
    got = {(s.role, s.text) for s in spans}
    assert got == {("PerpInd", "guerrillas"), ("Target", "power pylon"), ("Victim", "power")}
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert all(s.types["bombing"] == pytest.approx(0.8) for s in spans)
    # a phrase that starts inside a word starts at the word
    role_p = _probs(7, {1: {perp: 1}})
    (s,) = decode(text, role_p, type_p, offsets)
    assert s.text == "guerrillas"



def test_decode_runs_on_at_keep_and_trims_linking_words():
    text = "a car bomb and two men in a truck"
    offsets = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", text)]  # one piece per word
    weapon, perp = ROLES.index("Weapon"), ROLES.index("PerpInd")
    role_p = _probs(len(offsets), {1: {weapon: 1}, 4: {perp: 1}, 5: {perp: 2}, 6: {perp: 2}})
    role_p[2, weapon] = [0.55, 0.0, 0.45]  # "bomb": continued, but less surely than the threshold
    role_p[3, weapon] = [0.2, 0.0, 0.8]  # "and": tagged inside the phrase, cannot end it
    type_p = np.zeros((len(offsets), len(TYPES)), dtype=np.float32)
    strict = {(s.role, s.text) for s in decode(text, role_p, type_p, offsets, threshold=0.5)}
    assert ("Weapon", "car") in strict  # "bomb" falls below the threshold: the phrase is cut short
    spans = decode(text, role_p, type_p, offsets, threshold=0.5, keep=0.4)
    got = {(s.role, s.text) for s in spans}
    # "and" at the end of "car bomb and" and "in" at the end of "two men in" are dropped
    assert got == {("Weapon", "car bomb"), ("PerpInd", "two men")}
    assert all(text[s.start:s.end] == s.text for s in spans)
    # a phrase of linking words alone is no phrase
    only = _probs(len(offsets), {3: {perp: 1}})
    assert decode(text, only, type_p, offsets) == []

def _span(text: str, start: int, role: str, score: float, **types: float) -> RoleSpan:
    return RoleSpan(start, start + len(text), text, role, score, {t: types.get(t.replace(" ", "_"), 0.0) for t in TYPES})


def test_grouping_by_head_and_templates_by_type():
    spans = [
        _span("fmln guerrillas", 0, "PerpInd", 0.9, attack=0.9, arson=0.7),
        _span("guerrillas", 50, "PerpInd", 0.8, attack=0.8, arson=0.6),
        _span("guerrillas", 90, "PerpInd", 0.7, attack=0.9, arson=0.4),
        _span("the bus", 30, "Target", 0.8, arson=0.9),
        _span("a peasant", 70, "Victim", 0.3, attack=0.9),
    ]
    groups = group_fillers(spans)
    (perp,) = groups["PerpInd"]
    assert perp.text == "guerrillas" and perp.mention() == ["guerrillas", 50]  # most frequent text, first seen
    assert to_role_fillers(group_fillers(spans, min_score=0.5))["Victim"] == []
    templates = {t["incident_type"]: t for t in to_templates(groups)}
    assert set(templates) == {"attack", "arson"}
    assert templates["arson"]["Target"] == [[["the bus", 30]]] and templates["attack"]["Target"] == []
    assert templates["attack"]["PerpInd"] == [[["guerrillas", 50]]] == templates["arson"]["PerpInd"]  # mean 0.57
    assert templates["attack"]["Victim"] == [[["a peasant", 70]]]


@pytest.fixture(scope="module")
def tokenizer():
    """The base encoder's tokenizer, or a skip where the optional encoder package is missing."""
    pytest.importorskip("transformers")
    from transformers import AutoTokenizer

    from khabar.learn.roles import base_model_path

    try:
        path = base_model_path()
    except Exception as exc:  # noqa: BLE001 - the optional encoder package
        pytest.skip(f"base encoder not installed: {exc}")
    return AutoTokenizer.from_pretrained(path)


def test_training_labels_tag_every_occurrence(tokenizer):
    from khabar.learn.train import char_labels, token_examples

    text = "guerrillas burned a bus. later the guerrillas fled."
    doc = MucDoc("d", text, [{"incident_type": "arson", "PerpInd": [[("guerrillas", 0)]], "PerpOrg": [],
                              "Target": [[("bus", 20)]], "Victim": [], "Weapon": []}])
    spans, types = char_labels(doc)
    assert spans[ROLES.index("PerpInd")] == [(0, 10), (35, 45)]
    assert types[(20, 23)] == {"arson"}
    (ex,) = token_examples(doc, tokenizer)
    tags = ex["tags"][:, ROLES.index("PerpInd")]
    pieces = tokenizer.convert_ids_to_tokens(ex["ids"].tolist())
    tagged = [p for p, t in zip(pieces, tags, strict=True) if t]
    assert tagged.count("guerrillas") == 2 or "##s" in tagged  # both occurrences, whatever the pieces
    assert tags[0] == 1  # B at the start
    assert ex["type_mask"].sum() > 0 and ex["type_y"][:, TYPES.index("arson")].max() == 1.0


def test_nested_mentions_keep_the_longest_phrase(tokenizer):
    from khabar.learn.train import token_examples

    text = "a car bomb went off. the bomb killed two."
    doc = MucDoc("d", text, [{"incident_type": "bombing", "PerpInd": [], "PerpOrg": [], "Target": [], "Victim": [],
                              "Weapon": [[("car bomb", 2), ("bomb", 24)]]}])
    (ex,) = token_examples(doc, tokenizer)
    pieces = tokenizer.convert_ids_to_tokens(ex["ids"].tolist())
    tags = dict(enumerate(ex["tags"][:, ROLES.index("Weapon")]))
    assert [(pieces[i], int(t)) for i, t in tags.items() if t] == [("car", 1), ("bomb", 2), ("bomb", 1)]


def test_the_tagger_reads_only_the_sentences_of_events_it_can_add_to():
    from khabar.extract.learned import learned_regions
    from khabar.model import Event, Span

    text = "Gunmen attacked a bus. Five died. Prices rose. Police arrested two men."
    s1, s2, s3, s4 = (Span(a, b, text[a:b]) for a, b in ((0, 22), (23, 33), (34, 46), (47, 71)))
    assert (s2.text, s4.text) == ("Five died.", "Police arrested two men.")
    events = [Event("e1", "attack", s1, evidence=[s1, s2]), Event("e2", "bombing", s1, evidence=[s1]),
              Event("e3", "arrest", s4, evidence=[s4]), Event("e4", "protest", s3, evidence=[s3])]
    assert learned_regions(events) == [(0, 33)]  # neighbours merged, arrests and protests not read


def test_extract_marks_model_participants_and_keeps_offsets():
    from khabar import extract
    from khabar.learn.roles import load_tagger

    if load_tagger() is None:
        pytest.skip("the role tagger's weights or its base encoder are not installed")
    text = ("A group of heavily armed men attacked the mayor's office in Mosul on Monday with rifles "
            "and grenades, killing three guards, police said.")
    report = extract(text, published="2024-05-06")
    assert report.meta["learned"].startswith("roles-muc4")
    for ev in report.events:
        for p in ev.participants:
            assert p.basis in ("text", "model")
            if p.span is not None:
                assert text[p.span.start:p.span.end] == p.span.text
