"""Geocoding evaluation: the readers on tiny invented files in the LGL, GeoVirus and GeoWebNews
layouts (tests/eval/data/geocode_*.xml), the scorer on hand-worked distances, the command in
JSON mode, and, when ../shared is present, a small slice of LGL dev."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from pytest import approx

from khabar.errors import KhabarError
from khabar.eval.geocode import (
    MISS_KM,
    Prediction,
    Toponym,
    auc,
    error_km,
    load_geocode,
    score,
    split_of,
    summarise,
)
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parent / "data"
LGL = DATA / "geocode_lgl.xml"
GEOVIRUS = DATA / "geocode_geovirus.xml"
GWN = DATA / "geocode_gwn.xml"
REAL_LGL = SHARED / "data" / "geoparsing" / "lgl.xml"


def top(lat: float, lon: float, **kw) -> Toponym:
    return Toponym(0, 1, "x", lat, lon, **kw)


# ---- readers -------------------------------------------------------------------------------------

def test_reads_the_lgl_layout():
    c = load_geocode(LGL)
    assert c.layout == "lgl"
    assert [a.id for a in c.articles] == ["9001", "9002"]
    first = c.articles[0]
    assert [t.text for t in first.toponyms] == ["Alexandria", "La.", "Rapides Parish"]
    assert all(first.text[t.start:t.end] == t.text for t in first.toponyms)
    la = first.toponyms[1]
    assert (la.geonameid, la.fclass, la.fcode, la.name) == ("4331987", "A", "ADM1", "Louisiana")
    assert c.skipped["no coordinates"] == 1  # the Red River has no gaztag


def test_repairs_an_offset_that_misses_its_phrase():
    c = load_geocode(LGL)
    khartoum = c.articles[1].toponyms[1]
    assert (khartoum.text, khartoum.start) == ("Khartoum", 22)  # the file says 20
    assert c.skipped["offsets repaired"] == 1


def test_reads_the_geovirus_layout():
    c = load_geocode(GEOVIRUS)
    assert c.layout == "geovirus"
    (article,) = c.articles
    assert [(t.text, t.lat, t.lon, t.geonameid, t.fclass) for t in article.toponyms] == [
        ("Kisumu", -0.1, 34.75, None, None), ("Kenya", 1.0, 38.0, None, None)]


def test_reads_the_geowebnews_layout():
    c = load_geocode(GWN)
    assert c.layout == "gwn"
    assert [t.text for t in c.articles[0].toponyms] == ["German", "Mombasa"]
    assert c.skipped == {"non-locational": 1, "no coordinates": 1, "no GeoNames id": 1}
    every = load_geocode(GWN, all_coordinates=True)
    assert [t.text for t in every.articles[0].toponyms] == ["German", "Mombasa", "old town square"]


def test_a_folder_with_one_xml_file_is_read(tmp_path):
    shutil.copy(GEOVIRUS, tmp_path / "GeoVirus.xml")
    assert load_geocode(tmp_path).layout == "geovirus"


def test_bad_paths_and_files_are_reported(tmp_path):
    with pytest.raises(KhabarError) as e:
        load_geocode(tmp_path / "missing.xml")
    assert e.value.code == "E602"
    shutil.copy(LGL, tmp_path / "a.xml")
    shutil.copy(GWN, tmp_path / "b.xml")
    with pytest.raises(KhabarError) as e:
        load_geocode(tmp_path)
    assert e.value.code == "E602" and "name one" in str(e.value)
    (tmp_path / "bad.xml").write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        load_geocode(tmp_path / "bad.xml")
    assert e.value.code == "E603"
    (tmp_path / "other.xml").write_text("<articles><article><text>x</text></article></articles>", encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        load_geocode(tmp_path / "other.xml")
    assert e.value.code == "E603"


def test_splits_are_fixed_halves():
    keys = [str(40_000_000 + i) for i in range(1000)]
    tune = sum(split_of(k) == "tune" for k in keys)
    assert 400 < tune < 600
    assert [split_of(k) for k in keys[:20]] == [split_of(k) for k in keys[:20]]
    both = {a.id for a in load_geocode(LGL, split="tune").articles} | {a.id for a in load_geocode(LGL, split="dev").articles}
    assert both == {"9001", "9002"}


# ---- scorer --------------------------------------------------------------------------------------

def test_error_is_great_circle_km_and_a_miss_is_half_the_earth():
    assert error_km(top(0.0, 0.0), Prediction(0.0, 1.0)) == approx(111.19, abs=0.01)
    assert error_km(top(0.0, 0.0), None) == MISS_KM
    assert error_km(top(0.0, 0.0), Prediction(None, None)) == MISS_KM


def test_auc_of_hand_worked_curves():
    norm = math.log(MISS_KM)  # Gritta et al.'s scorer divides by ln(20039)
    assert auc([0.0, 0.0]) == 0.0
    assert auc([MISS_KM]) == approx(math.log1p(MISS_KM) / norm) == approx(1.0, abs=1e-5)
    assert auc([0.0, MISS_KM]) == approx(math.log1p(MISS_KM) / 2 / norm)
    y, top_ = math.log1p(100.0), math.log1p(MISS_KM)
    assert auc([MISS_KM, 0.0, 100.0]) == approx((y + top_ / 2) / (2 * norm))  # sorted: 0, 100, MISS


def test_summary_counts_a_missing_answer_as_wrong():
    rows = [(top(0.0, 0.0, geonameid="1"), Prediction(0.0, 1.0, geonameid="1"), 111.19),
            (top(0.0, 0.0, geonameid="2"), Prediction(0.0, 2.0, geonameid="3"), 222.39),
            (top(0.0, 0.0, geonameid="4"), None, MISS_KM),
            (top(0.0, 0.0), Prediction(0.0, 0.0), 0.0)]
    s = summarise(rows)
    assert s["toponyms"] == 4
    assert s["acc161"] == 0.5
    assert s["coverage"] == 0.75
    assert s["median_km"] == approx((111.19 + 222.39) / 2)
    assert s["mean_km"] == approx((111.19 + 222.39 + MISS_KM) / 4)
    assert (s["gold_ids"], s["id_acc"]) == (3, approx(1 / 3))
    assert (s["id_comparable"], s["id_acc_comparable"]) == (2, 0.5)


def test_score_reports_feature_classes_and_admin_levels():
    rows = [(top(0, 0, fclass="P", fcode="PPL"), Prediction(0, 0)),
            (top(0, 0, fclass="A", fcode="ADM1"), Prediction(0, 3)),
            (top(0, 0, fclass="A", fcode="PCLI"), Prediction(0, 0)),
            (top(0, 0, fclass="H", fcode="STM"), None),
            (top(0, 0), Prediction(0, 0))]
    r = score(rows)
    assert r["overall"]["acc161"] == 0.6
    assert {k: v["acc161"] for k, v in r["by_class"].items()} == {"A": 0.5, "P": 1.0, "other": 0.0, "unknown": 1.0}
    assert {k: v["toponyms"] for k, v in r["by_group"].items() if k.startswith("A ")} == {"A ADM1": 1, "A country": 1}


# ---- resolution and the command ------------------------------------------------------------------

def test_the_command_in_json_mode(tmp_path, capsys):
    from khabar.eval.datasets import run_dataset

    preds = tmp_path / "preds.jsonl"
    results = run_dataset("geocode", ["--data", str(LGL), "--format", "json", "--predictions", str(preds)])
    printed = json.loads(capsys.readouterr().out)
    assert printed["headline"] == {"name": "Acc@161 (lgl all)", "value": results["headline"]["value"]}
    assert printed["overall"]["toponyms"] == 5 and printed["documents"] == 2
    lines = [json.loads(line) for line in preds.read_text(encoding="utf-8").splitlines()]
    assert [x["text"] for x in lines] == ["Alexandria", "La.", "Rapides Parish", "Sudanese", "Khartoum"]
    by_text = {x["text"]: x for x in lines}
    # "Alexandria, La.": the abbreviation after the comma puts the town in Louisiana
    assert by_text["Alexandria"]["pred"]["geonameid"] == "4314550" and by_text["Alexandria"]["correct"]
    assert by_text["La."]["pred"]["name"] == "Louisiana" and by_text["La."]["pred"]["geonameid"] == "4331987"
    assert by_text["Rapides Parish"]["pred"]["feature"] == "district" and by_text["Rapides Parish"]["correct"]
    assert by_text["Sudanese"]["pred"]["country"] == "SD" and by_text["Sudanese"]["correct"]
    assert by_text["Khartoum"]["correct"]
    assert printed["overall"]["acc161"] == 1.0


def test_limit_scores_the_first_documents(capsys):
    from khabar.eval.datasets import run_dataset

    results = run_dataset("geocode", ["--data", str(GWN), "--limit", "1", "--format", "json"])
    capsys.readouterr()
    assert results["documents"] == 1 and results["layout"] == "gwn"
    assert results["overall"]["toponyms"] == 2
    assert results["overall"]["acc161"] == 1.0  # "German" is Germany; Mombasa the Kenyan port


def test_table_mode_prints(capsys):
    from khabar.eval.datasets import run_dataset

    run_dataset("geocode", ["--data", str(GEOVIRUS)])
    out = capsys.readouterr().out
    assert "Acc@161" in out and "geovirus" in out


@pytest.mark.skipif(not REAL_LGL.exists(), reason=f"../shared is absent: {REAL_LGL} not found (never copied into the repo)")
def test_real_lgl_dev_slice_stays_above_its_floor(capsys):
    from khabar.eval.datasets import run_dataset

    results = run_dataset("geocode", ["--data", str(REAL_LGL), "--split", "dev", "--limit", "10", "--format", "json"])
    capsys.readouterr()
    assert results["overall"]["toponyms"] > 50
    assert results["headline"]["value"] >= 0.70
