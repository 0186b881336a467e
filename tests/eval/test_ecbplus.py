"""The ECB+ reader and harness, on a tiny invented corpus in the ECB+ layout (tests/data/ecbplus)
and, when ../shared is present, on the real dev split."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from pytest import approx

from khabar.errors import KhabarError
from khabar.eval.ecbplus import (
    EcbMention,
    evaluate,
    load_ecbplus,
    same_lemma,
    same_lemma_subtopic,
    singletons,
)

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ecbplus"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecbplus"


def by_id(mentions: list[EcbMention]) -> dict[str, EcbMention]:
    return {m.id: m for m in mentions}


def gold(mentions: list[EcbMention]) -> dict[str, str]:
    return {m.id: m.cluster for m in mentions}


# ---- reader --------------------------------------------------------------------------------------

def test_reads_selected_event_mentions():
    ms = load_ecbplus(FIXTURE, split="all")
    # topic 1: 7 + 5 + 4 events in selected sentences; topic 2: 6 + 5 + 2
    assert len(ms) == 29
    assert Counter(m.topic for m in ms) == {"1": 16, "2": 13}
    assert all(m.tag.startswith(("ACTION_", "NEG_")) for m in ms)
    m = by_id(ms)
    assert "1_1ecb:m8" not in m  # "praised" is in sentence 3, which is not selected
    assert "2_2ecbplus:m3" not in m
    assert m["1_1ecbplus:m5"].tag == "NEG_ACTION_OCCURRENCE" and m["1_1ecbplus:m5"].text == "return"
    assert m["1_1ecb:m7"].tag == "ACTION_CAUSATIVE"
    assert ms.setting["sentences"] == "selected" and ms.setting["notes"] == []


def test_mention_fields_and_offsets():
    ms = load_ecbplus(FIXTURE, split="all")
    assert all(m.sentence_text[m.start:m.end] == m.text for m in ms)
    m = by_id(ms)["2_1ecbplus:m2"]
    assert (m.topic, m.doc, m.subtopic, m.sentence) == ("2", "2_1ecbplus", "ecbplus", 1)
    assert m.sentence_text == "Officers detained a suspect in Hull after a jewellery store was robbed ."
    # "Officers detained a suspect in Hull after a jewellery store was " is 64 characters
    assert (m.start, m.end, m.text, m.tokens) == (64, 70, "robbed", (11,))
    assert m.sentence_text in m.doc_text and m.doc_text.startswith("http")
    assert by_id(ms)["2_1ecb:m1"].subtopic == "ecb"


def test_discontinuous_mention_spans_first_to_last_token():
    m = by_id(load_ecbplus(FIXTURE, split=[1]))["1_2ecb:m4"]  # anchored on "sealed" and "off"
    assert m.text == "sealed the gap off" and m.tokens == (1, 4)


def test_gold_clusters():
    ms = load_ecbplus(FIXTURE, split="all")
    clusters: dict[str, set[str]] = {}
    for m in ms:
        clusters.setdefault(m.cluster, set()).add(m.id)
    # cross-document instance, across two documents of the ECB half
    assert clusters["ACT100"] == {"1_1ecb:m1", "1_1ecb:m3", "1_1ecb:m6", "1_2ecb:m1", "1_2ecb:m2"}
    # intra-document chain: id prefixed by the document
    assert clusters["1_1ecbplus:intra30"] == {"1_1ecbplus:m1", "1_1ecbplus:m2"}
    # a mention in no relation is a singleton; a cross-doc instance with one mention too
    assert clusters["1_1ecb:m5"] == {"1_1ecb:m5"}
    assert clusters["ACT202"] == {"2_1ecb:m4"}
    assert len(clusters) == 16  # 9 in topic 1, 7 in topic 2


def test_entities_instead_of_events():
    ms = load_ecbplus(FIXTURE, split=[2], events=False)
    assert {m.tag for m in ms} == {"HUMAN_PART_ORG", "LOC_GEO"}
    m = by_id(ms)
    assert m["2_1ecb:m7"].cluster == m["2_1ecb:m8"].cluster == "HUM200"


def test_all_sentences():
    ms = load_ecbplus(FIXTURE, split="all", selected_only=False)
    assert len(ms) == 31 and {"1_1ecb:m8", "2_2ecbplus:m3"} <= set(by_id(ms))
    assert ms.setting["sentences"] == "all"


def test_splits():
    assert {m.topic for m in load_ecbplus(FIXTURE)} == {"2"}  # dev is the default
    assert {m.topic for m in load_ecbplus(FIXTURE, split="train")} == {"1"}
    assert {m.topic for m in load_ecbplus(FIXTURE, split=["1", 2])} == {"1", "2"}
    with pytest.warns(UserWarning, match="no test topic"):
        ms = load_ecbplus(FIXTURE, split="test")  # none of 36-45 here: every topic is used
    assert len(ms) == 29 and ms.setting["notes"]
    with pytest.raises(ValueError):
        load_ecbplus(FIXTURE, split="validation")


def test_missing_or_malformed_folder(tmp_path):
    with pytest.raises(KhabarError) as err:
        load_ecbplus(tmp_path / "nowhere")
    assert err.value.code == "E601" and "does not exist" in err.value.message
    with pytest.raises(KhabarError, match="E601"):
        load_ecbplus(tmp_path)  # exists but holds no topic folder
    with pytest.raises(KhabarError, match="E601"):
        load_ecbplus(FIXTURE, split=[3])
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURE, bad)
    (bad / "ECB+" / "2" / "2_1ecb.xml").write_text("<Document><token", encoding="utf-8")
    with pytest.raises(KhabarError, match="E601") as err:
        load_ecbplus(bad)
    assert err.value.path and err.value.path.endswith("2_1ecb.xml")


def test_without_sentence_csv_every_sentence_is_used(tmp_path):
    shutil.copytree(FIXTURE / "ECB+", tmp_path / "ECB+")
    with pytest.warns(UserWarning, match="every sentence"):
        ms = load_ecbplus(tmp_path, split="all")
    assert len(ms) == 31 and ms.setting["sentences"] == "all"


def test_csv_variants(tmp_path):
    shutil.copytree(FIXTURE / "ECB+", tmp_path / "ECB+")
    rows = [r for r in (FIXTURE / "ECBplus_coreference_sentences.csv").read_text().splitlines() if r[:2] != "2,"]
    # file names written with their topic prefix; topic 2 left out of the list entirely
    rows = [rows[0]] + [r.replace("1,", "1,1_", 1) for r in rows[1:]]
    (tmp_path / "ECBplus_coreference_sentences.test.csv").write_text("\r\n".join(rows), encoding="utf-8")
    with pytest.warns(UserWarning, match="topic"):
        ms = load_ecbplus(tmp_path, split="all")
    assert Counter(m.topic for m in ms) == {"1": 16, "2": 14}  # topic 2: every sentence


# ---- harness and baselines ----------------------------------------------------------------------

def test_evaluate_gold_is_perfect():
    ms = load_ecbplus(FIXTURE, split="all")
    out = evaluate(ms, gold)
    assert (out["topics"], out["documents"], out["mentions"], out["gold_clusters"]) == (2, 6, 29, 16)
    assert out["gold_singletons"] == 9
    assert out["conll"] == approx(1.0)
    assert out["setting"]["sentences"] == "selected" and out["setting"]["topic_list"] == ["1", "2"]


def test_evaluate_singletons_exact():
    ms = load_ecbplus(FIXTURE)  # dev: topic 2, 13 mentions in 7 gold clusters of sizes 2,2,1,1,3,3,1
    out = evaluate(ms, singletons)
    assert out["muc"]["f1"] == 0.0
    assert out["b3"]["r"] == approx(7 / 13) and out["b3"]["p"] == 1.0  # each cluster adds |K| * 1/|K|
    # phi4 of each gold cluster with one of its singletons: 2/3 + 2/3 + 1 + 1 + 1/2 + 1/2 + 1 = 16/3
    assert out["ceafe"]["r"] == approx(16 / 21) and out["ceafe"]["p"] == approx(16 / 39)
    assert evaluate(ms, lambda group: {})["conll"] == approx(out["conll"])  # omitted = singleton


def test_topics_never_merge():
    ms = load_ecbplus(FIXTURE, split="all")
    seen = []

    def one_cluster(group):
        seen.append({m.topic for m in group})
        return {m.id: "same" for m in group}

    out = evaluate(ms, one_cluster)
    assert seen == [{"1"}, {"2"}] and out["predicted_clusters"] == 2
    with pytest.raises(ValueError):
        evaluate(ms, lambda group: {"not-a-mention": 1})


def test_lemma_baselines():
    ms = load_ecbplus(FIXTURE)
    lemma, sub = same_lemma(ms), same_lemma_subtopic(ms)
    # "arrest" (headline), "arrested" (ECB half) and "arrested" (ECB+ half) share a lemma ...
    assert lemma["2_1ecb:m1"] == lemma["2_1ecb:m2"] == lemma["2_2ecbplus:m1"] == "arrest"
    # ... but the subtopic baseline keeps the two halves apart
    assert sub["2_1ecb:m1"] == sub["2_1ecb:m2"] != sub["2_2ecbplus:m1"]
    out = evaluate(ms, same_lemma_subtopic)
    # gold links: 1 + 1 + 2 + 2 = 6; the baseline's only link (arrest/arrested, ECB half) is right
    assert (out["muc"]["r"], out["muc"]["p"]) == approx((1 / 6, 1.0))
    assert out["conll"] > evaluate(ms, singletons)["conll"]


def test_syntactic_head_option():
    ms = load_ecbplus(FIXTURE, split=[1])
    assert same_lemma(ms)["1_2ecb:m4"] == "off"  # last token of "sealed the gap off"
    assert same_lemma(ms, head="syntactic")["1_2ecb:m4"] == "seal"
    with pytest.raises(ValueError):
        same_lemma(ms, head="first")


# ---- the real corpus ------------------------------------------------------------------------------

def test_real_dev_split():
    if not (REAL / "ECB+").is_dir():
        pytest.skip(f"ECB+ is not available at {REAL} (../shared/data is not copied into the repo)")
    ms = load_ecbplus(REAL, split="dev")
    assert 500 <= len(ms) <= 1500  # 1,245 event mentions in 8 topics (as in Cattan et al. 2021)
    assert {m.topic for m in ms} == {"2", "5", "12", "18", "21", "23", "34", "35"}
    assert all(m.sentence_text[m.start:m.end] == m.text for m in ms)
    out = evaluate(ms, same_lemma_subtopic)
    assert 300 <= out["gold_clusters"] <= 600
    assert 0.55 <= out["conll"] <= 0.85  # 0.762 with en_core_web_sm 3.8.0
