"""TempEval-3 Task A: the TimeML reader, the hash split and the scorer on hand-written files and
hand-worked examples (tests/eval/data/timex*), and, when ../shared is present, the dev split end to
end."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest
from pytest import approx

from khabar.errors import KhabarError
from khabar.eval.timex import GoldTimex, hash_part, load_tml, match, read_tml, run, score, tables

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "timex"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tempeval3" / "TBAQ-cleaned"


def g(start: int, end: int, typ: str = "DATE", value: str = "1998-08-07") -> GoldTimex:
    return GoldTimex(start, end, "x" * (end - start), typ, value)


# ---- reader ----------------------------------------------------------------------------------------

def test_reads_text_dct_and_gold_offsets():
    doc = read_tml(FIXTURE / "AQUAINT" / "XIN19980807.0001.tml")
    assert (doc.id, doc.dct, str(doc.published)) == ("XIN19980807.0001", "1998-08-07", "1998-08-07")
    assert doc.text.startswith("\nFloods cut the river road Thursday, officials & engineers said.")
    assert [(t.text, t.type, t.value, t.tid) for t in doc.timexes] == [
        ("Thursday", "DATE", "1998-08-06", "t1"), ("three months", "DURATION", "P3M", "t2"),
        ("1994", "DATE", "1994", "t3")]
    assert all(doc.text[t.start:t.end] == t.text for t in doc.timexes)
    assert "Floods cut the river road" in doc.text and "1998-08-07" not in doc.text  # title and DCT are not text


def test_creation_time_and_empty_timexes_are_not_gold():
    doc = read_tml(FIXTURE / "TimeBank" / "WSJ19891026.0002.tml")
    assert doc.dct == "1989-10-26"
    assert [t.tid for t in doc.timexes] == ["t1", "t2"]  # t9 covers no text


def test_splits_cut_both_corpora_by_a_hash_of_the_file_name():
    # the fixtures' names were picked so that each split holds something: a third of names hash to dev
    assert [hash_part(n) for n in ("XIN19980807.0001", "wsj_9002", "WSJ19891026.0002")] == ["dev", "dev", "tune"]
    assert [d.id for d in load_tml(FIXTURE, split="dev")] == ["XIN19980807.0001", "wsj_9002"]
    assert [d.id for d in load_tml(FIXTURE, split="tune")] == ["WSJ19891026.0002"]
    assert [d.id for d in load_tml(FIXTURE, split="aquaint")] == ["XIN19980807.0001"]
    assert [d.id for d in load_tml(FIXTURE, split="timebank")] == ["WSJ19891026.0002", "wsj_9002"]
    assert len(load_tml(FIXTURE, split="all")) == 3
    assert len(load_tml(FIXTURE, split="all", limit=1)) == 1
    # a test set without the two folders is read whole whatever the split
    assert [d.id for d in load_tml(DATA / "timex_flat", split="dev")] == ["APW20000107.0003"]
    assert [d.id for d in load_tml(DATA / "timex_flat" / "APW20000107.0003.tml")] == ["APW20000107.0003"]
    with pytest.raises(KhabarError) as e:
        load_tml(FIXTURE, split="test")
    assert e.value.code == "E602"


def test_missing_or_broken_data_is_a_clear_error(tmp_path):
    with pytest.raises(KhabarError) as e:
        load_tml(tmp_path / "nowhere")
    assert e.value.code == "E602"
    with pytest.raises(KhabarError) as e:
        load_tml(tmp_path)
    assert e.value.code == "E602" and "no .tml files" in str(e.value)
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>unclosed</TimeML>")
    with pytest.raises(KhabarError) as e:
        load_tml(tmp_path)
    assert e.value.code == "E603"
    (tmp_path / "bad.tml").write_text("<TimeML><DOCID>x</DOCID></TimeML>")
    with pytest.raises(KhabarError) as e:
        load_tml(tmp_path)
    assert e.value.code == "E603" and "<TEXT>" in str(e.value)


# ---- scorer ------------------------------------------------------------------------------------------

def test_scores_a_hand_worked_document():
    gold = [g(0, 6), g(10, 22, "DURATION", "P3M"), g(30, 39, "DATE", "1998-W33")]
    pred = [g(0, 6),                              # exact span, right value
            g(16, 22, "DURATION", "PXM"),          # overlaps "three months": relaxed only, wrong value
            g(50, 55)]                             # nothing in gold
    s = score([(gold, pred)])
    assert (s["gold"], s["predicted"], s["strict_matches"], s["relaxed_matches"]) == (3, 3, 1, 2)
    assert s["strict"] == approx({"p": 1 / 3, "r": 1 / 3, "f1": 1 / 3})
    assert s["relaxed"] == approx({"p": 2 / 3, "r": 2 / 3, "f1": 2 / 3})
    assert (s["type_accuracy"], s["value_accuracy"]) == (1.0, 0.5)
    # TempEval-3: attribute F1 = accuracy over relaxed matches x relaxed F1
    assert s["value_f1"] == approx(0.5 * 2 / 3) and s["type_f1"] == approx(2 / 3)


def test_value_f1_pools_documents_and_counts_type_errors():
    doc1 = ([g(0, 4, "DATE", "1990")], [g(0, 4, "DURATION", "1990")])
    doc2 = ([g(0, 5), g(8, 12)], [g(0, 5, "DATE", "1998-08-06")])
    s = score([doc1, doc2])
    assert (s["gold"], s["predicted"], s["relaxed_matches"]) == (3, 2, 2)
    assert s["relaxed"]["f1"] == approx(2 * 1.0 * (2 / 3) / (1 + 2 / 3))
    assert (s["type_accuracy"], s["value_accuracy"]) == (0.5, 0.5)
    # value F1 is also 2 x (right values) / (gold + predicted)
    assert s["value_f1"] == approx(2 * 1 / (3 + 2))
    only_dates = score([doc1, doc2], types=("DATE",))
    assert (only_dates["gold"], only_dates["predicted"], only_dates["relaxed_matches"]) == (3, 1, 1)


def test_matching_is_one_to_one_and_prefers_exact_spans():
    # one long prediction over two gold expressions is credited once, to the larger overlap
    assert match([g(0, 5), g(6, 10)], [g(0, 10)]) == [(0, 0)]
    assert match([g(0, 3), g(4, 10)], [g(0, 10)]) == [(1, 0)]
    # an exact span wins over an earlier overlapping one
    assert match([g(0, 10)], [g(0, 4), g(0, 10)]) == [(0, 1)]
    assert match([g(0, 4)], [g(4, 8)]) == []  # touching is not overlapping
    assert score([([], [])])["value_f1"] == 0.0


# ---- the command ---------------------------------------------------------------------------------------

def test_run_writes_predictions_and_a_headline(tmp_path):
    out = tmp_path / "pred.jsonl"
    res = run(Namespace(data=str(FIXTURE), split="all", limit=None, predictions=str(out), format="json"))
    assert res["headline"]["name"].startswith("TempEval-3 value F1")
    assert res["documents"] == 3 and res["overall"]["gold"] == 8
    assert res["headline"]["value"] == approx(res["overall"]["value_f1"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"doc", "start", "end", "text", "type", "value"} <= set(rows[0])
    thursday = next(r for r in rows if r["text"] == "Thursday")
    assert (thursday["doc"], thursday["type"], thursday["value"]) == ("XIN19980807.0001", "DATE", "1998-08-06")
    # "planned to vote on Monday" lies ahead although "planned" is past: the parse reads the infinitive
    monday = next(r for r in rows if r["text"] == "Monday")
    assert (monday["doc"], monday["value"]) == ("wsj_9002", "1989-10-30")
    assert res["overall"]["value_f1"] == 1.0  # the fixtures are plain: every expression is found and right
    assert {k: v["gold"] for k, v in res["by_corpus"].items()} == {"AQUAINT": 3, "TimeBank": 5}
    assert res["by_corpus"]["TimeBank"]["documents"] == 2
    table = tables(res)
    assert len(table) == 1 and table[0].row_count == 1 + 5 + 2  # all, four types and DATE+TIME, two corpora
    json.dumps(res)


def test_flat_test_sets_are_scored_whole():
    res = run(Namespace(data=str(DATA / "timex_flat"), split="dev", limit=None, predictions=None, format="json"))
    assert res["split"].startswith("all") and res["documents"] == 1
    assert res["by_corpus"] == {} and tables(res)[0].row_count == 1 + 5


@pytest.mark.skipif(not REAL.exists(), reason=f"../shared is absent: {REAL} not found (TBAQ is not copied into the repo)")
def test_dev_subset_on_the_real_data():
    # measured (docs/eval/timex.md): relaxed F1 95.0, value F1 71.7 on these 20 documents
    res = run(Namespace(data=str(REAL), split="dev", limit=20, predictions=None, format="json"))
    assert res["documents"] == 20 and set(res["by_corpus"]) == {"AQUAINT"}
    assert res["overall"]["relaxed"]["f1"] > 0.90 and res["overall"]["value_f1"] > 0.68
