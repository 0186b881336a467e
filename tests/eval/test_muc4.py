"""MUC-4 reader and scorers against values worked out by hand, and the rule-event mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest import approx

from khabar.errors import KhabarError
from khabar.eval.muc4 import (
    ceaf_ree,
    fillers_of,
    load_muc4,
    merge_templates,
    muc_type,
    normalize_mention,
    rule_templates,
    template_f1,
)

DATA = Path(__file__).resolve().parent / "data" / "muc4"


def template(kind: str, **roles: list[list[str]]) -> dict:
    return {"incident_type": kind, **{r: roles.get(r, []) for r in ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")}}


def test_normalisation_is_grits():
    assert normalize_mention("The FMLN's  guerrillas!") == "fmlns guerrillas"
    assert normalize_mention("an \"la eminencia\" farm") == "la eminencia farm"


def test_reader_dedupes_templates_and_unions_fillers():
    docs = load_muc4(DATA, split="dev")
    assert [d.docid for d in docs] == ["TST9-MUC4-0001", "TST9-MUC4-0002"]
    first = docs[0]
    assert [t["incident_type"] for t in first.templates] == ["arson", "kidnapping"]  # the repeated one counts once
    # "rebels" (arson) is contained in "rebels"/"the rebels" (kidnapping): one entity, the larger
    assert first.role_fillers["PerpInd"] == [[("rebels", 0), ("the rebels", 56)]]
    assert first.role_fillers["Victim"] == [[("mayor", 84)]]
    assert docs[1].templates == [] and all(v == [] for v in docs[1].role_fillers.values())
    assert len(load_muc4(DATA, split="dev", limit=1)) == 1


def test_reader_errors_are_coded(tmp_path):
    with pytest.raises(KhabarError) as missing:
        load_muc4(tmp_path, split="dev")
    assert missing.value.code == "E602"
    (tmp_path / "gtt_templates").mkdir()
    (tmp_path / "gtt_templates" / "dev.json").write_text('{"docid": "x", "doctext": "y"}\nnot json\n')
    with pytest.raises(KhabarError) as bad:
        load_muc4(tmp_path, split="dev")
    assert bad.value.code == "E603" and "line 2" in bad.value.message


def test_ceaf_ree_strict_subset_and_one_to_one():
    gold = {"d1": {"Victim": [["peasant", "a peasant farmer"], ["mayor"]], "Target": [["bus"]]}}
    pred = {"d1": {"Victim": [["the peasant"], ["mayor", "governor"], ["priest"]], "Target": [["bus"], ["Bus"]]}}
    s = ceaf_ree(pred, gold)
    # Victim: "peasant" matches; {"mayor","governor"} is not a subset of {"mayor"}; "priest" matches nothing
    assert (s["Victim"]["p_num"], s["Victim"]["p_den"], s["Victim"]["r_den"]) == (1, 3, 2)
    # Target: both predictions match the one gold entity, but only one may align
    assert (s["Target"]["p_num"], s["Target"]["p_den"], s["Target"]["r_den"]) == (1, 2, 1)
    assert s["micro"]["p"] == approx(2 / 5) and s["micro"]["r"] == approx(2 / 3)
    assert s["micro"]["f1"] == approx(2 * (2 / 5) * (2 / 3) / (2 / 5 + 2 / 3))
    # a document only predicted is not scored; a document only in the gold counts in recall
    assert ceaf_ree({"other": {"Victim": [["x"]]}}, {"d2": {"Victim": [["y"]]}})["micro"]["r_den"] == 1
    assert ceaf_ree({"other": {"Victim": [["x"]]}}, {"d2": {"Victim": [["y"]]}})["micro"]["p_den"] == 0


def test_template_f1_best_mapping():
    gold = {"d": [template("attack", PerpInd=[["guerrillas"]], Target=[["farm"]]),
                  template("arson", Target=[["truck", "tank truck"]])]}
    pred = {"d": [template("arson", Target=[["tank truck"]]),
                  template("attack", PerpInd=[["the guerrillas"]], Target=[["house"]])]}
    s = template_f1(pred, gold)
    # arson->arson, attack->attack: types 2/2, PerpInd 1/1, Target 1 of 2 both ways
    assert s["micro"]["p_num"] == 4 and s["micro"]["p_den"] == 5 and s["micro"]["r_den"] == 5
    assert s["micro"]["f1"] == approx(0.8)
    assert s["Target"]["p"] == approx(0.5) and s["incident_type"]["f1"] == approx(1.0)


def test_template_f1_types_must_match_and_unmapped_count():
    gold = {"d": [template("bombing / attack", Weapon=[["bomb"]])]}
    assert template_f1({"d": [template("bombing", Weapon=[["bomb"]])]}, gold)["micro"]["f1"] == approx(1.0)
    s = template_f1({"d": [template("kidnapping", Weapon=[["bomb"]])]}, gold)
    assert s["micro"]["p_num"] == 0 and s["micro"]["p_den"] == 2 and s["micro"]["r_den"] == 2
    # a spurious second template lowers precision only
    s = template_f1({"d": [template("bombing", Weapon=[["bomb"]]), template("arson")]}, gold)
    assert (s["micro"]["p"], s["micro"]["r"]) == (approx(2 / 3), approx(1.0))
    # documents with no gold template: every predicted template is spurious
    s = template_f1({"e": [template("attack", Victim=[["x"]])]}, {"e": []})
    assert (s["micro"]["p_num"], s["micro"]["p_den"], s["micro"]["r_den"]) == (0, 2, 0)


def test_template_f1_many_templates_falls_back_to_assignment():
    gold = {"d": [template("attack", Victim=[[f"v{i}"]]) for i in range(9)]}
    pred = {"d": [template("attack", Victim=[[f"v{i}"]]) for i in range(9)]}
    assert template_f1(pred, gold)["micro"]["f1"] == approx(1.0)


def test_muc_types_follow_subtypes():
    assert muc_type({"type": "attack", "subtype": "arson"}) == "arson"
    assert muc_type({"type": "killing"}) == "attack"
    assert muc_type({"type": "bombing", "subtype": "suicide"}) == "bombing"
    assert muc_type({"type": "armed_clash"}) is None and muc_type({"type": "arrest"}) is None


def test_rule_events_become_templates():
    text = "Gunmen of the FMLN shot a judge with rifles."
    report = {
        "entities": [{"id": "e1", "type": "organization", "name": "FMLN", "mentions": [{"start": 14, "end": 18,
                                                                                        "text": "FMLN"}]},
                     {"id": "e2", "type": "person", "name": "judge", "mentions": [{"start": 26, "end": 31,
                                                                                    "text": "judge"}]}],
        "events": [
            {"type": "attack", "subtype": "shooting", "status": "reported", "participants": [
                {"role": "actor", "entity": "e1", "name": "FMLN"},
                {"role": "actor", "entity": None, "name": "Gunmen", "evidence": {"start": 0, "end": 6, "text": "Gunmen"}},
                {"role": "victim", "entity": "e2", "name": "judge"},
                {"role": "instrument", "entity": None, "name": "rifles", "evidence": {"start": 37, "end": 43,
                                                                                      "text": "rifles"}},
                {"role": "source", "entity": None, "name": "police"}]},
            {"type": "arrest", "status": "reported", "participants": []},
            {"type": "bombing", "status": "denied", "participants": []},
        ],
    }
    assert text[37:43] == "rifles"
    (t,) = rule_templates(report)
    assert t["incident_type"] == "attack"
    assert t["PerpOrg"] == [[["FMLN", 14]]] and t["PerpInd"] == [[["Gunmen", 0]]]
    assert t["Victim"] == [[["judge", 26]]] and t["Weapon"] == [[["rifles", 37]]] and t["Target"] == []


def test_merging_templates_adds_only_new_heads():
    learned = [template("attack", PerpInd=[[["fmln guerrillas", 3]]])]
    rules = [template("attack", PerpInd=[[["guerrillas", 40]]], Victim=[[["judge", 9]]]),
             template("bombing", Weapon=[[["bomb", 60]]])]
    merged = merge_templates(learned, rules)
    assert [t["incident_type"] for t in merged] == ["attack", "bombing"]
    assert merged[0]["PerpInd"] == [[["fmln guerrillas", 3]]] and merged[0]["Victim"] == [[["judge", 9]]]
    assert learned[0]["Victim"] == []  # inputs are not changed
    fillers = fillers_of(merged)
    assert fillers["PerpInd"] == [[["fmln guerrillas", 3]]] and fillers["Weapon"] == [[["bomb", 60]]]


def test_command_scores_a_perfect_prediction(tmp_path, monkeypatch, capsys):
    """The command path end to end on the fixture, with a predictor that returns the gold."""
    import khabar.eval.muc4 as muc4
    from khabar.cli import main

    def gold_predict(doc, *, method="khabar"):
        return {"docid": doc.docid, "templates": doc.templates, "role_fillers": doc.role_fillers}

    monkeypatch.setattr(muc4, "predict", gold_predict)
    out = tmp_path / "pred.jsonl"
    assert main(["eval", "muc4", "--data", str(DATA), "--format", "json", "--predictions", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ceaf_ree"]["micro"]["f1"] == approx(1.0) and result["template_f1"]["micro"]["f1"] == approx(1.0)
    assert result["headline"]["value"] == approx(1.0) and result["documents"] == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["docid"] for r in rows] == ["TST9-MUC4-0001", "TST9-MUC4-0002"]
