"""The CoNLL NER harness: reader, detokeniser, conlleval-style chunking and scoring on hand-worked
examples, the command on tiny invented files (tests/eval/data/conll_*), and re3d when ../shared is there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest import approx

from khabar.errors import KhabarError
from khabar.eval.conll import (
    Unit,
    bio_spans,
    char_to_tokens,
    detokenize,
    is_dev,
    read_conll,
    score,
    select,
)
from khabar.eval.datasets import run_dataset

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "conll_tiny.conll"
DOCS = DATA / "conll_docs.conll"
RE3D = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "re3d"


# ---- text from tokens ----------------------------------------------------------------------------

def test_detokenize_joins_punctuation_hyphens_and_apostrophes():
    tokens = ["Sheikh", "al", "-", "Ansari", "(", "Arabic", ")", "said", ":", "Da", "\u2019", "esh",
              "is", "the", "U.S.", "-", "led", "coalition", "\u2019", "s", "foe", "."]
    text, offsets = detokenize(tokens)
    assert text == "Sheikh al-Ansari (Arabic) said: Da\u2019esh is the U.S.-led coalition\u2019s foe."
    assert all(text[a:b] == t for t, (a, b) in zip(tokens, offsets, strict=True))


def test_detokenize_quotes_alternate_and_sentences_break_lines():
    tokens = ['"', "Yes", ",", '"', "he", "said", ".", "Then", "he", "left", "."]
    text, offsets = detokenize(tokens, [0, 7])
    assert text == '"Yes," he said.\nThen he left.'
    assert all(text[a:b] == t for t, (a, b) in zip(tokens, offsets, strict=True))


def test_char_to_tokens_widens_to_whole_tokens():
    _, offsets = detokenize(["Abu", "Omar", "al", "-", "Ansari", "spoke"])  # "Abu Omar al-Ansari spoke"
    assert char_to_tokens(offsets, 0, 18) == (0, 5)
    assert char_to_tokens(offsets, 4, 6) == (1, 2)  # part of "Omar"
    assert char_to_tokens(offsets, 18, 19) is None  # the space


# ---- chunks --------------------------------------------------------------------------------------

def test_bio_spans_like_conlleval():
    labels = ["B-Person", "I-Person", "O", "I-Location", "I-Location", "B-Location", "I-Organisation", "O"]
    # an I- after O opens a chunk; B- closes the previous one; a type change opens a new one
    assert bio_spans(labels) == [(0, 2, "person"), (3, 5, "place"), (5, 6, "place"), (6, 7, "organization")]
    assert bio_spans(["B-PER", "I-PER", "B-ORG", "B-LOC", "O", "B-MISC"]) == [
        (0, 2, "person"), (2, 3, "organization"), (3, 4, "place"), (5, 6, "MISC")]
    assert bio_spans(["S-LOC", "B-PER", "E-PER", "O"]) == [(0, 1, "place"), (1, 3, "person")]
    assert bio_spans(["B-Temporal", "I-Temporal"]) == [(0, 2, "Temporal")]


# ---- reading -------------------------------------------------------------------------------------

def test_reads_sentences_as_units_without_docstart():
    units = read_conll(TINY)
    assert len(units) == 4 and units[0].id == "conll_tiny.conll:1"
    u = units[0]
    assert u.text == "Foreign Secretary Jane Doe met Iraqi officials in Mosul."
    assert u.gold() == {(0, 4, "person"), (8, 9, "place")}  # Nationality is not scored
    assert units[2].text == "Coalition aircraft struck al-Qaida targets near Raqqah, Syria."
    assert units[3].text == "He said 12 soldiers were wounded on Monday (local time)."


def test_docstart_files_give_documents():
    units = read_conll(DOCS)
    assert len(units) == 2
    assert units[0].sentence_starts == [0, 5]
    assert units[0].text == "Jane Doe visited Kabul.\nShe met the Halcyon Front."
    assert units[0].gold() == {(0, 2, "person"), (3, 4, "place"), (8, 10, "organization")}
    assert units[1].gold() == {(2, 3, "place")}


def test_folder_reads_matching_files(tmp_path):
    (tmp_path / "a.conll").write_text(TINY.read_text())
    (tmp_path / "notes.txt").write_text("not data")
    assert len(read_conll(tmp_path)) == 4
    with pytest.raises(KhabarError) as err:
        read_conll(tmp_path, pattern="*.bio")
    assert err.value.code == "E602"


def test_missing_and_malformed(tmp_path):
    with pytest.raises(KhabarError) as err:
        read_conll(tmp_path / "nope.conll")
    assert err.value.code == "E602"
    bad = tmp_path / "bad.conll"
    bad.write_text("Kabul\tLOCATION\n")
    with pytest.raises(KhabarError) as err:
        read_conll(bad)
    assert err.value.code == "E603" and "not BIO" in err.value.message
    bad.write_text("Kabul\n")
    with pytest.raises(KhabarError) as err:
        read_conll(bad)
    assert err.value.code == "E603"


def test_dev_split_is_a_stable_partition():
    units = [Unit(str(i), [f"word{i}", "."], ["O", "O"]) for i in range(200)]
    dev, train = select(units, "dev"), select(units, "train")
    assert len(dev) + len(train) == 200 and not {u.id for u in dev} & {u.id for u in train}
    assert 20 <= len(dev) <= 60  # about a fifth
    assert all(is_dev(Unit("other id", u.tokens, u.labels)) for u in dev)  # by content, not position
    assert select(units, "all") == units


# ---- scoring -------------------------------------------------------------------------------------

def test_score_hand_worked():
    gold = {(0, 2, "person"), (3, 4, "place"), (6, 8, "organization")}
    pred = {(0, 2, "person"), (3, 4, "organization"), (5, 6, "place"), (7, 8, "organization")}
    s = score([(gold, pred)])
    # typed: only (0, 2, person) is right -> P 1/4, R 1/3
    assert s["micro"]["p"] == approx(0.25) and s["micro"]["r"] == approx(1 / 3)
    assert s["micro"]["f1"] == approx(2 * 0.25 * (1 / 3) / (0.25 + 1 / 3))
    assert s["types"]["person"]["f1"] == 1.0
    assert (s["types"]["place"]["tp"], s["types"]["place"]["pred"], s["types"]["place"]["gold"]) == (0, 1, 1)
    assert (s["types"]["organization"]["tp"], s["types"]["organization"]["pred"]) == (0, 2)
    # untyped: (0, 2) and (3, 4) -> P 2/4, R 2/3
    u = score([(gold, pred)], view="untyped")
    assert u["micro"]["p"] == approx(0.5) and u["micro"]["r"] == approx(2 / 3)
    # other types on either side are ignored
    assert score([({(0, 1, "Temporal")}, {(0, 1, "Temporal")})])["micro"]["gold"] == 0


def test_score_names_view_drops_pronouns_and_leading_articles():
    tokens = ["He", "met", "the", "United", "Nations", "and", "the", "rebels", "."]
    gold = {(0, 1, "person"), (2, 5, "organization"), (6, 8, "organization")}
    pred = {(3, 5, "organization")}
    assert score([(gold, pred)])["micro"]["tp"] == 0
    names = score([(gold, pred)], tokens=[tokens], view="names")["micro"]
    # "He" and "the rebels" are not names; "the United Nations" == "United Nations"
    assert (names["tp"], names["pred"], names["gold"]) == (1, 1, 1)


# ---- the command ---------------------------------------------------------------------------------

def test_command_json_on_fixture(tmp_path, capsys):
    out = tmp_path / "pred.conll"
    results = run_dataset("conll", ["--data", str(TINY), "--format", "json", "--predictions", str(out)])
    printed = json.loads(capsys.readouterr().out)
    assert printed["headline"]["name"].startswith("micro F1") and 0.0 <= printed["headline"]["value"] <= 1.0
    assert results["units"] == 4 and results["gold_mentions"] == {"person": 2, "organization": 3, "place": 4}
    assert set(results["results"]) == {"khabar", "spacy"}
    khabar = results["results"]["khabar"]
    # Mosul, Aleppo, Raqqah and Syria are places whatever the small model says
    assert khabar["typed"]["types"]["place"]["tp"] >= 3
    lines = out.read_text().splitlines()
    assert lines[0] == "# token gold khabar spacy"
    assert "Mosul B-place" in "\n".join(lines)
    assert sum(1 for x in lines if x and not x.startswith("#")) == 44  # one row per token


def test_limit_and_split(capsys):
    results = run_dataset("conll", ["--data", str(TINY), "--format", "json", "--limit", "1", "--method", "spacy"])
    capsys.readouterr()
    assert results["units"] == 1 and list(results["results"]) == ["spacy"]


# ---- the real data -------------------------------------------------------------------------------

def test_re3d_layout():
    if not (RE3D / "re3d-train.conll").exists():
        pytest.skip(f"../shared is absent: {RE3D} not found (re3d is not copied into the repo)")
    units = read_conll(RE3D)
    assert len(units) == 765
    assert all(u.text[a:b] == t for u in units for t, (a, b) in zip(u.tokens, u.offsets, strict=True))
    dev = select(units, "dev")
    assert len(dev) == 160
    assert sum(len(u.gold()) for u in units) == 2159
