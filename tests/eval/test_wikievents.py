"""The WikiEvents harness: reader and coreference links, the KAIROS mapping of Khabar's events,
alignment and head/coref scoring on hand-worked examples (tests/eval/data/wikievents_tiny*.jsonl,
written for these tests), the command in JSON mode, and the real dev file when ../shared is there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.errors import KhabarError
from khabar.eval.datasets import run_dataset
from khabar.eval.wikievents import (
    FAMILIES,
    PredArg,
    PredEvent,
    WikiDoc,
    align,
    doc_text,
    kairos_events,
    load_wikievents,
    score_doc,
)
from khabar.model import Count, Entity, Event, Location, Participant, Report, Span
from khabar.model import Document as KDocument

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "wikievents_tiny.jsonl"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wikievents"


def chars(doc: WikiDoc, start: int, end: int) -> tuple[int, int]:
    """Character span of tokens [start, end)."""
    return doc.offsets[start][0], doc.offsets[end - 1][1]


class LastToken:
    """Heads without a parser: the last token of a span (deterministic for hand-worked tests)."""

    def __init__(self, doc: WikiDoc) -> None:
        self.doc = doc

    def of_chars(self, start: int, end: int) -> int | None:
        inside = [i for i, (a, b) in enumerate(self.doc.offsets) if a < end and start < b]
        return inside[-1] if inside else None

    def of_tokens(self, start: int, end: int) -> int:
        return end - 1


# ---- reading -------------------------------------------------------------------------------------

def test_reads_events_mentions_and_offsets():
    [doc] = load_wikievents(TINY)
    assert doc.id == "tiny_1" and len(doc.tokens) == 29
    text = doc_text(doc)
    # sentences keep their offsets; the gap between them becomes a line break
    assert text.split("\n") == ["Taliban fighters attacked a police post in Kandahar, killing four officers.",
                                "Police arrested two suspects in Kabul.",
                                "The Taliban said it carried out the attack."]
    assert all(text[a:b] == t for t, (a, b) in zip(doc.tokens, doc.offsets, strict=True))
    e1 = doc.events[0]
    assert (e1.type, e1.family, e1.trigger, e1.sentence) == ("Conflict.Attack.Unspecified", "Conflict.Attack", (2, 3), 0)
    assert [(a.role, a.start, a.end) for a in e1.args] == [("Attacker", 0, 2), ("Target", 4, 6), ("Place", 7, 8)]
    assert doc.events[3].family == "Contact.Contact"


def test_info_file_links_coreferent_mentions(tmp_path):
    [doc] = load_wikievents(TINY)
    # the info file names "Taliban" (T9) as the informative mention of "Taliban fighters" (T2)
    assert sorted(doc.cluster_of("tiny_1-T2")) == ["tiny_1-T2", "tiny_1-T9"]
    assert doc.cluster_of("tiny_1-T5") == ["tiny_1-T5"]
    alone = tmp_path / "tiny.jsonl"
    alone.write_text(TINY.read_text())
    [doc] = load_wikievents(alone)  # no info file: every mention is its own cluster
    assert doc.cluster_of("tiny_1-T2") == ["tiny_1-T2"]


def test_folder_and_split(tmp_path):
    (tmp_path / "test.jsonl").write_text(TINY.read_text())
    assert len(load_wikievents(tmp_path, split="test")) == 1
    with pytest.raises(KhabarError) as err:
        load_wikievents(tmp_path)  # no dev.jsonl
    assert err.value.code == "E602"


def test_malformed(tmp_path):
    bad = tmp_path / "dev.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(KhabarError) as err:
        load_wikievents(bad)
    assert err.value.code == "E603" and "line 1" in err.value.message
    bad.write_text(json.dumps({"doc_id": "x", "tokens": []}) + "\n")
    with pytest.raises(KhabarError) as err:
        load_wikievents(bad)
    assert err.value.code == "E603"


# ---- Khabar's events as KAIROS events ----------------------------------------------------------------

def _report(doc: WikiDoc) -> Report:
    text = doc_text(doc)

    def span(a: int, b: int) -> Span:
        s, e = chars(doc, a, b)
        return Span(s, e, text[s:e])

    ents = [Entity("e1", "organization", "Taliban", mentions=[span(0, 1), span(21, 22)]),
            Entity("e2", "place", "Kandahar", mentions=[span(7, 8)]),
            Entity("e3", "organization", "Afghan National Police", mentions=[span(13, 14)]),
            Entity("e4", "place", "Kabul", mentions=[span(18, 19)])]
    attack = Event("v1", "attack", span(2, 3), evidence=[span(0, 13)],
                   location=Location("e2", "Kandahar"), fatalities=Count(4, 4, "four", span(10, 11)),
                   participants=[Participant("actor", "e1", "Taliban", span(0, 1)),
                                 Participant("instrument", None, "rifles")])
    arrest = Event("v2", "arrest", span(14, 15), evidence=[span(13, 20)], location=Location("e4", "Kabul"),
                   participants=[Participant("actor", "e3", "Afghan National Police", span(13, 14)),
                                 Participant("source", "e1", "Taliban", span(22, 23))])
    statement = Event("v3", "statement", span(22, 23), evidence=[span(20, 29)])
    return Report(KDocument("d", text), ents, [attack, arrest, statement])


def test_kairos_mapping():
    from khabar.nlp.pipeline import parse

    [doc] = load_wikievents(TINY)
    preds = kairos_events(_report(doc), parse(doc_text(doc)))
    assert [(p.family, p.source) for p in preds] == [
        ("Conflict.Attack", "v1 attack"), ("Life.Die", "v1 attack -> deaths"),
        ("Justice.ArrestJailDetain", "v2 arrest")]
    attack, deaths, arrest = preds
    assert [(a.role, a.name) for a in attack.args] == [("Attacker", "Taliban"), ("Place", "Kandahar")]
    # the death toll "four" counts "officers": the victims of the derived Life.Die
    assert [(a.role, a.name) for a in deaths.args] == [("Killer", "Taliban"), ("Place", "Kandahar"),
                                                       ("Victim", "(death toll)")]
    assert deaths.args[-1].spans == [chars(doc, 11, 12)]
    assert deaths.anchors == [doc.offsets[2][0], doc.offsets[10][0]]
    # sources are not arguments; the actor of an arrest is the Jailer
    assert [(a.role, a.name) for a in arrest.args] == [("Jailer", "Afghan National Police"), ("Place", "Kabul")]
    # every mention of an entity is a candidate span (realised nearest the gold trigger)
    assert attack.args[0].spans[:2] == [chars(doc, 0, 1), chars(doc, 21, 22)]


# ---- alignment and scoring -----------------------------------------------------------------------------

def _preds(doc: WikiDoc) -> list[PredEvent]:
    s0 = (doc.offsets[0][0], doc.offsets[12][1])
    attack = PredEvent("Conflict.Attack", "v1 attack", [doc.offsets[2][0]], [s0], [
        PredArg("Attacker", [chars(doc, 21, 22)], "Taliban"),  # only the coreferent mention
        PredArg("Target", [chars(doc, 4, 6)], "police post"),
        PredArg("Place", [chars(doc, 18, 19)], "Kabul")])  # wrong
    deaths = PredEvent("Life.Die", "v1 attack -> deaths", [doc.offsets[2][0]], [s0], [
        PredArg("Victim", [chars(doc, 11, 12)], "officers"),
        PredArg("Victim", [chars(doc, 10, 12)], "four officers"),  # the same head twice counts once
        PredArg("Place", [chars(doc, 18, 19), chars(doc, 7, 8)], "Kandahar")])  # nearest mention: Kandahar
    elsewhere = PredEvent("Justice.ArrestJailDetain", "v9 arrest", [doc.offsets[24][0]], [chars(doc, 20, 29)], [
        PredArg("Detainee", [chars(doc, 21, 22)], "Taliban")])
    return [attack, deaths, elsewhere]


def test_alignment_needs_the_trigger_in_the_evidence():
    [doc] = load_wikievents(TINY)
    preds = _preds(doc)
    assert align(doc, preds) == {"tiny_1-E1": 0, "tiny_1-E2": 1}  # E3's sentence is not in v9's evidence
    assert align(doc, preds, mode="document") == {"tiny_1-E1": 0, "tiny_1-E2": 1, "tiny_1-E3": 2}


def test_score_doc_hand_worked():
    [doc] = load_wikievents(TINY)
    result = score_doc(doc, _preds(doc), LastToken(doc))
    assert (result["gold_events"], result["aligned_gold"], result["pred_events"], result["aligned_pred"]) == (3, 2, 3, 2)
    rows = result["rows"]
    gold = [r for r in rows if r["kind"] == "gold"]
    pred = [r for r in rows if r["kind"] == "pred"]
    assert len(gold) == 9 and len(pred) == 3 + 2 + 1
    # head match: Target (post), Victim (officers), Place (Kandahar) of E2
    assert sorted((r["event"], r["role"]) for r in pred if r["ok_head"]) == [
        ("tiny_1-E1", "Target"), ("tiny_1-E2", "Place"), ("tiny_1-E2", "Victim")]
    # coref match adds the Attacker: "Taliban" (T9) is coreferent with "Taliban fighters"
    assert sum(r["ok_coref"] for r in pred) == 4 and sum(r["ok_coref"] for r in gold) == 4
    unaligned = [r for r in pred if not r["aligned"]]
    assert [(r["family"], r["role"]) for r in unaligned] == [("Justice.ArrestJailDetain", "Detainee")]
    assert not any(r["aligned"] for r in gold if r["event"] == "tiny_1-E3")


def test_explosive_device_role_for_detonations():
    [doc] = load_wikievents(TINY)
    doc.events[0].type = "Conflict.Attack.DetonateExplode"
    doc.events[0].args[1].role = "ExplosiveDevice"
    attack = PredEvent("Conflict.Attack", "v1 bombing", [doc.offsets[2][0]], [chars(doc, 0, 13)],
                       [PredArg("Instrument", [chars(doc, 4, 6)], "police post")])
    rows = score_doc(doc, [attack], LastToken(doc))["rows"]
    assert [(r["role"], r["ok_head"]) for r in rows if r["kind"] == "pred"] == [("ExplosiveDevice", True)]


# ---- the command -------------------------------------------------------------------------------------

def test_command_json_on_fixture(tmp_path, capsys):
    out = tmp_path / "pred.jsonl"
    results = run_dataset("wikievents", ["--data", str(TINY), "--format", "json", "--predictions", str(out)])
    printed = json.loads(capsys.readouterr().out)
    assert printed["headline"]["name"] == "argument classification head F1, end to end"
    assert 0.0 <= results["headline"]["value"] <= 1.0
    assert results["documents"] == 1 and results["events"]["gold"] == 3
    assert results["head"]["gold"] == 9 and results["coref"]["gold"] == 9
    assert set(results["by_family"]) == set(FAMILIES)
    assert results["head"]["r"] <= results["coref"]["r"]
    [line] = out.read_text().splitlines()
    pred = json.loads(line)
    assert pred["doc_id"] == "tiny_1" and {"events", "scored"} <= set(pred)


# ---- the real data -----------------------------------------------------------------------------------

def test_real_dev_layout():
    if not (REAL / "dev.jsonl").exists():
        pytest.skip(f"../shared is absent: {REAL} not found (WikiEvents is not copied into the repo)")
    docs = load_wikievents(REAL, split="dev")
    assert len(docs) == 20
    assert all(doc_text(d)[a:b] == t for d in docs for t, (a, b) in zip(d.tokens, d.offsets, strict=True))
    events = [e for d in docs for e in d.events if e.family in FAMILIES]
    assert len(events) == 186
    assert sum(len(e.args) for e in events) == 205
    assert sum(1 for d in docs for m in d.mentions if len(d.cluster_of(m)) > 1) > 50
