"""Exports hold the exact codes and values docs/exports.md promises, survive a round trip through
their readers (csv, pyarrow, xml.etree, json), and never let hostile text out unescaped."""

from __future__ import annotations

import copy
import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from khabar.errors import KhabarError
from khabar.export.formats import (
    ACLED_COLUMNS,
    FORMATS,
    GTD_COLUMNS,
    acled_rows,
    geojson,
    graphml,
    gtd_rows,
    jsonl_records,
    parquet_tables,
    plover_records,
    write_export,
)

HOSTILE_NAME = '=HYPERLINK("http://x.test","<script>alert(1)</script>") & Co\x0b'
HOSTILE_TEXT = 'Gunmen shot two journalists, shouting "<script>alert(1)</script>",\nthen fled, witnesses said.'

ENTITIES: dict[str, dict[str, Any]] = {
    "isk": {"id": "isk", "type": "organization", "name": "Islamic State Khorasan Province", "aliases": ["ISKP"],
            "kind": "armed_group", "country": "AF", "kb_id": "islamic_state_khorasan", "qid": "Q1000001"},
    "is": {"id": "is", "type": "organization", "name": "Islamic State", "aliases": [], "kind": "armed_group",
           "country": None, "kb_id": "islamic_state", "qid": None},
    "peshawar": {"id": "peshawar", "type": "place", "name": "Peshawar", "aliases": [], "kind": None,
                 "country": "PK", "kb_id": None, "qid": None},
    "mosque": {"id": "mosque", "type": "place", "name": "Jamia Mosque", "aliases": [], "kind": None,
               "country": "PK", "kb_id": None, "qid": None},
    "gknb": {"id": "gknb", "type": "organization", "name": "State Committee for National Security",
             "aliases": ["GKNB"], "kind": "intelligence", "country": "TJ", "kb_id": "tajikistan_gknb", "qid": None},
    "fayzov": {"id": "fayzov", "type": "person", "name": "Aminjon Fayzov", "aliases": ["Fayzov"], "kind": None,
               "country": None, "kb_id": None, "qid": None},
    "dushanbe": {"id": "dushanbe", "type": "place", "name": "Dushanbe", "aliases": [], "kind": None,
                 "country": "TJ", "kb_id": None, "qid": None},
    "evil": {"id": "evil", "type": "organization", "name": HOSTILE_NAME, "aliases": [], "kind": "armed_group",
             "country": "AF", "kb_id": None, "qid": None},
    "kabul": {"id": "kabul", "type": "place", "name": "Kabul", "aliases": [], "kind": None, "country": "AF",
              "kb_id": None, "qid": None},
}
RELATIONS = [{"type": "affiliate_of", "from": "isk", "to": "is"}, {"type": "hostile_to", "from": "isk", "to": "gknb"}]


def _events() -> list[dict[str, Any]]:
    bombing = {
        "id": "c0bomb", "type": "bombing", "subtype": "suicide_bombing",
        "date": {"start": "2024-03-22", "end": None, "precision": "day", "text": "Friday"},
        "location": {"entity": "peshawar", "name": "Peshawar", "country": "PK", "admin1": "Khyber Pakhtunkhwa",
                     "admin2": None, "lat": 34.008, "lon": 71.5785, "precision": "city"},
        "participants": [
            {"role": "actor", "entity": "isk", "name": "ISKP"},
            {"role": "claimant", "entity": "isk", "name": "Islamic State Khorasan"},
            {"role": "target", "entity": "mosque", "name": "Jamia Mosque"},
            {"role": "victim", "entity": None, "name": "worshippers"},
            {"role": "instrument", "entity": None, "name": "suicide vest"},
            {"role": "source", "entity": None, "name": "police"},
        ],
        "fatalities": {"min": 139, "max": 145, "text": "139-145"},
        "injuries": {"min": 182, "max": 182, "text": "182"},
        "status": "claimed", "confidence": 0.8,
        "evidence": [{"start": 0, "end": 60, "text": "A suicide bomber killed at least 139 worshippers at a mosque.",
                      "document": "d1"}],
        "sources": [
            {"document": "d1", "url": "https://www.reuters.com/a", "title": "Blast kills 139", "published": "2024-03-23",
             "source": "Reuters", "event": "d1-e1", "fatalities": {"min": 139, "max": None, "text": "at least 139"},
             "evidence": [{"start": 0, "end": 60, "text": "A suicide bomber killed at least 139 worshippers."}]},
            {"document": "d2", "url": "https://tass.com/b", "title": "Death toll rises to 145",
             "published": "2024-03-24", "source": None, "event": "d2-e3",
             "fatalities": {"min": 145, "max": 145, "text": "145"},
             "evidence": [{"start": 5, "end": 40, "text": "The toll rose to 145."}]},
        ],
        "disagreements": {"fatalities": [{"min": 139, "max": None, "documents": ["d1"]},
                                         {"min": 145, "max": 145, "documents": ["d2"]}]},
        "review": {"status": "confirmed"},
    }
    arrest = {
        "id": "c0arrest", "type": "arrest", "subtype": "detention",
        "date": {"start": "2024-03", "end": None, "precision": "month", "text": "in March"},
        "location": {"entity": "dushanbe", "name": "Dushanbe", "country": "TJ", "admin1": None, "admin2": None,
                     "lat": 38.5358, "lon": 68.7791, "precision": "city"},
        "participants": [{"role": "actor", "entity": "gknb", "name": "GKNB"},
                         {"role": "target", "entity": "fayzov", "name": "Fayzov"}],
        "fatalities": None, "injuries": None, "status": "reported", "confidence": 0.6,
        "evidence": [{"start": 0, "end": 50, "text": "Tajik security services detained Aminjon Fayzov in March.",
                      "document": "d3"}],
        "sources": [{"document": "d3", "url": "https://eurasianet.org/c", "title": "Detained", "published": "2024-04-02",
                     "source": "Eurasianet", "event": "d3-e1", "fatalities": None, "evidence": []}],
        "disagreements": {},
    }
    vague = {
        "id": "c0vague", "type": "attack", "subtype": None,
        "date": {"start": None, "end": None, "precision": "unknown", "text": None},
        "location": None,
        "participants": [{"role": "actor", "entity": None, "name": "unknown gunmen"}],
        "fatalities": None, "injuries": None, "status": "alleged", "confidence": 0.3,
        "evidence": [{"start": 0, "end": 30, "text": "Gunmen allegedly attacked a convoy.", "document": "d4"}],
        "sources": [{"document": "d4", "url": None, "title": None, "published": None, "source": None,
                     "event": "d4-e2", "fatalities": None, "evidence": []}],
        "disagreements": {},
    }
    hostile = {
        "id": "c0hostile", "type": "killing", "subtype": "shooting",
        "date": {"start": "2024-05-01", "end": None, "precision": "day", "text": "on 1 May"},
        "location": {"entity": "kabul", "name": "Kabul", "country": "AF", "admin1": "Kabul", "admin2": None,
                     "lat": 34.5253, "lon": 69.1783, "precision": "city"},
        "participants": [{"role": "actor", "entity": "evil", "name": "the group"},
                         {"role": "victim", "entity": None, "name": "two journalists"}],
        "fatalities": {"min": 2, "max": 2, "text": "two"}, "injuries": None, "status": "reported", "confidence": 0.7,
        "evidence": [{"start": 0, "end": 90, "text": HOSTILE_TEXT, "document": "d5"}],
        "sources": [{"document": "d5", "url": "https://example.test/x?a=1,b=2", "title": 'He said "no", then left',
                     "published": "2024-05-02", "source": '@evil, "Inc"', "event": "d5-e1",
                     "fatalities": {"min": 2, "max": 2, "text": "two"}, "evidence": []}],
        "disagreements": {},
    }
    rejected = {**copy.deepcopy(arrest), "id": "c0rejected", "review": {"status": "rejected"}}
    return [bombing, arrest, vague, hostile, rejected]


@pytest.fixture()
def events() -> list[dict[str, Any]]:
    return _events()


def _by(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(r for r in rows if value in str(r[key]))


# ------------------------------------------------------------------ ACLED

def test_acled_bombing_row(events):
    rows = acled_rows(events, ENTITIES)
    assert len(rows) == 3  # the undated event and the rejected one are not ACLED events
    row = _by(rows, "tags", "c0bomb")
    assert list(row) == list(ACLED_COLUMNS)
    assert row["event_id_cnty"].startswith("PAK") and row["event_id_cnty"][3:].isdigit()
    assert row["event_id_cnty"] == acled_rows(events, ENTITIES)[0]["event_id_cnty"]  # stable
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-03-22", 2024, 1)
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Suicide bomb")
    assert (row["actor1"], row["assoc_actor_1"], row["inter1"]) == ("Islamic State Khorasan Province", "", "Rebel group")
    assert (row["actor2"], row["inter2"]) == ("Civilians (Pakistan)", "Civilians")
    assert row["interaction"] == "Rebel group-Civilians"
    assert row["civilian_targeting"] == "Civilians targeted"
    assert (row["iso"], row["region"], row["country"]) == (586, "South Asia", "Pakistan")
    assert (row["admin1"], row["location"], row["latitude"], row["longitude"]) == (
        "Khyber Pakhtunkhwa", "Peshawar", 34.008, 71.5785)
    assert row["geo_precision"] == 1
    assert row["source"] == "Reuters; tass.com"
    assert row["fatalities"] == 139  # the lowest reported figure
    assert row["notes"] == ("A suicide bomber killed at least 139 worshippers at a mosque. "
                            "[Reported fatalities: 139-145; the lowest figure is recorded.]")
    assert row["tags"] == "khabar id: c0bomb; khabar status: claimed"
    assert row["source_scale"] == row["admin3"] == row["timestamp"] == ""


def test_acled_arrest_row_month_precision(events):
    row = _by(acled_rows(events, ENTITIES), "tags", "c0arrest")
    assert (row["event_date"], row["time_precision"]) == ("2024-03-15", 3)
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Strategic developments", "Strategic developments", "Arrests")
    assert (row["actor1"], row["inter1"]) == ("State Committee for National Security", "State forces")
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("Civilians (Tajikistan)", "Civilians",
                                                                    "State forces-Civilians")
    assert row["civilian_targeting"] == ""
    assert (row["region"], row["iso"], row["fatalities"]) == ("Caucasus and Central Asia", 762, 0)
    assert row["event_id_cnty"].startswith("TJK")


def test_acled_type_rules(events):
    bombing = events[0]
    planned = {**bombing, "status": "planned"}
    denied = {**bombing, "status": "denied"}
    statement = {**bombing, "type": "statement", "subtype": None}
    yearly = {**bombing, "date": {"start": "2024", "end": None, "precision": "year", "text": "2024"}}
    rows = acled_rows([planned, denied, statement, yearly], ENTITIES)
    assert [(r["event_type"], r["sub_event_type"]) for r in rows] == [("Strategic developments", "Disrupted weapons use")]
    police = {**events[3], "participants": [{"role": "actor", "entity": "isk", "name": "ISKP"},
                                            {"role": "victim", "entity": None, "name": "three policemen"}]}
    row = acled_rows([police], ENTITIES)[0]
    assert (row["event_type"], row["sub_event_type"], row["actor2"], row["interaction"]) == (
        "Battles", "Armed clash", "Police Forces of Afghanistan", "State forces-Rebel group")
    official = {**police, "participants": [police["participants"][0],
                                           {"role": "target", "entity": None, "name": "a district governor"}]}
    row = acled_rows([official], ENTITIES)[0]
    assert (row["event_type"], row["sub_event_type"], row["actor2"], row["civilian_targeting"]) == (
        "Violence against civilians", "Attack", "Civilians (Afghanistan)", "Civilians targeted")
    spies = {**police, "participants": [police["participants"][0], {"role": "target", "entity": "gknb"}]}
    row = acled_rows([spies], ENTITIES)[0]
    assert (row["event_type"], row["actor2"], row["inter2"]) == (
        "Battles", "State Committee for National Security", "External/Other forces")


def test_acled_csv_round_trip_and_formula_escape(events, tmp_path):
    path = tmp_path / "acled.csv"
    assert write_export("acled", events, ENTITIES, path) == 3
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == list(ACLED_COLUMNS)
        rows = list(reader)
    hostile = _by(rows, "tags", "c0hostile")
    assert hostile["actor1"] == "'" + HOSTILE_NAME  # a formula in a spreadsheet no more
    assert hostile["source"] == "'" + '@evil, "Inc"'
    assert hostile["notes"] == " ".join(HOSTILE_TEXT.split())  # one line, quotes and commas intact
    assert (hostile["event_type"], hostile["sub_event_type"], hostile["actor2"]) == (
        "Violence against civilians", "Attack", "Civilians (Afghanistan)")
    assert hostile["latitude"] == "34.5253" and hostile["longitude"] == "69.1783"
    bombing = _by(rows, "tags", "c0bomb")
    assert bombing["fatalities"] == "139" and bombing["iso"] == "586"


# ------------------------------------------------------------------ GTD

def test_gtd_bombing_row(events):
    rows = gtd_rows(events, ENTITIES)
    assert len(rows) == 2  # the arrest is no attack; the undated attack has no year or country
    row = _by(rows, "addnotes", "c0bomb")
    assert list(row) == list(GTD_COLUMNS)
    assert row["eventid"].startswith("20240322") and len(row["eventid"]) == 12
    assert (row["iyear"], row["imonth"], row["iday"], row["approxdate"], row["extended"]) == (2024, 3, 22, "", 0)
    assert (row["country_txt"], row["region"], row["region_txt"]) == ("Pakistan", 6, "South Asia")
    assert (row["provstate"], row["city"], row["specificity"]) == ("Khyber Pakhtunkhwa", "Peshawar", 1)
    assert row["summary"] == "03/22/2024: A suicide bomber killed at least 139 worshippers at a mosque."
    assert (row["crit1"], row["crit2"], row["crit3"]) == ("", "", "")
    assert (row["doubtterr"], row["success"], row["suicide"]) == (0, 1, 1)
    assert (row["attacktype1"], row["attacktype1_txt"]) == (3, "Bombing/Explosion")
    assert (row["targtype1"], row["targtype1_txt"], row["target1"]) == (15, "Religious Figures/Institutions",
                                                                         "Jamia Mosque")
    assert (row["weaptype1"], row["weaptype1_txt"]) == (6, "Explosives")
    assert (row["gname"], row["guncertain1"], row["claimed"]) == ("Islamic State Khorasan Province", 0, 1)
    assert (row["nkill"], row["nwound"], row["ishostkid"]) == (139, 182, 0)
    assert row["scite1"] == 'Reuters, "Blast kills 139", 2024-03-23, https://www.reuters.com/a'
    assert row["scite2"] == '"Death toll rises to 145", 2024-03-24, https://tass.com/b'
    assert row["scite3"] == ""
    assert row["dbsource"] == "KHABAR"
    assert row["addnotes"] == ("Khabar event c0bomb; status claimed; fatalities reported 139-145; "
                               "sources Reuters; tass.com")


def test_gtd_hostile_row_and_scope(events):
    row = _by(gtd_rows(events, ENTITIES), "addnotes", "c0hostile")
    assert (row["attacktype1"], row["weaptype1"], row["targtype1"]) == (2, 5, 10)
    assert (row["targtype1_txt"], row["target1"]) == ("Journalists & Media", "two journalists")
    assert (row["region"], row["region_txt"], row["claimed"], row["nwound"]) == (6, "South Asia", -9, "")
    bombing = events[0]
    state = {**events[3], "participants": [{"role": "actor", "entity": "gknb", "name": "GKNB"}]}
    month = {**bombing, "id": "c0month", "date": {"start": "2024-03", "end": None, "precision": "month",
                                                  "text": "in March"}}
    rows = gtd_rows([{**bombing, "status": "planned"}, {**bombing, "status": "denied"}, state, month], ENTITIES)
    assert [(r["imonth"], r["iday"], r["approxdate"], r["eventid"][:8]) for r in rows] == [(3, 0, "in March", "20240300")]


def test_gtd_csv_round_trip(events, tmp_path):
    path = tmp_path / "gtd.csv"
    assert write_export("gtd", events, ENTITIES, path) == 2
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == list(GTD_COLUMNS)
        rows = list(reader)
    hostile = _by(rows, "addnotes", "c0hostile")
    assert hostile["gname"] == "'" + HOSTILE_NAME
    assert hostile["summary"] == "05/01/2024: " + " ".join(HOSTILE_TEXT.split())
    assert hostile["scite1"] == "'" + '@evil, "Inc", "He said "no", then left", 2024-05-02, https://example.test/x?a=1,b=2'


# ------------------------------------------------------------------ PLOVER

def test_plover_records(events):
    recs = {r["id"]: r for r in plover_records(events, ENTITIES)}
    assert set(recs) == {"c0bomb", "c0arrest", "c0vague", "c0hostile"}
    bomb = recs["c0bomb"]
    assert (bomb["event"], bomb["mode"], bomb["context"]) == (["ASSAULT"], ["suicide-attack"], ["terrorism"])
    assert (bomb["date"], bomb["date_precision"], bomb["dead"], bomb["injured"]) == ("2024-03-22", "day", 139, 182)
    assert bomb["source"] == [{"code": "AFG", "sector": "REB", "actor_text": "ISKP", "identifier_id": "Q1000001",
                               "identifier_text": "Islamic State Khorasan Province", "khabar_entity": "isk",
                               "entity_type": "organization"}]
    assert [(a["code"], a["sector"], a["actor_text"]) for a in bomb["recipient"]] == [
        ("PAK", "REL", "Jamia Mosque"), (None, "REL", "worshippers")]
    assert bomb["event_loc"]["country code"] == "PK" and bomb["event_loc"]["cc3"] == "PAK"
    assert (bomb["event_loc"]["latitude"], bomb["event_loc"]["longitude"]) == (34.008, 71.5785)
    assert (bomb["quad_code"], bomb["event_scale"]) == (4, -9.3)
    assert (bomb["khabar_type"], bomb["khabar_subtype"], bomb["khabar_status"]) == ("bombing", "suicide_bombing",
                                                                                     "claimed")
    assert [c["url"] for c in bomb["cite_info"]] == ["https://www.reuters.com/a", "https://tass.com/b"]
    arrest = recs["c0arrest"]
    assert (arrest["event"], arrest["mode"], arrest["date"], arrest["date_precision"]) == (
        ["COERCE"], ["arrest"], "2024-03-01", "month")
    assert [(a["code"], a["sector"]) for a in arrest["source"]] == [("TJK", "SPY")]
    assert [(a["code"], a["sector"], a["identifier_text"]) for a in arrest["recipient"]] == [
        (None, "CVL", "Aminjon Fayzov")]
    vague = recs["c0vague"]
    assert (vague["date"], vague["event_loc"], vague["mode"], vague["dead"]) == (None, None, [], None)
    planned = plover_records([{**events[0], "status": "planned"}], ENTITIES)[0]
    assert planned["context"] == ["terrorism", "hypothetical"]
    assert plover_records([{**events[0], "type": "statement"}], ENTITIES) == []
    clash = plover_records([{**events[3], "type": "armed_clash"}], ENTITIES)[0]
    assert len(clash["source"]) == 2 and clash["recipient"] == []


def test_plover_and_jsonl_files(events, tmp_path):
    assert write_export("plover", events, ENTITIES, tmp_path / "p.jsonl") == 4
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["c0bomb", "c0arrest", "c0vague", "c0hostile"]
    assert write_export("jsonl", events, ENTITIES, tmp_path / "e.jsonl") == 4
    records = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["fatalities"] == events[0]["fatalities"]
    assert [e["id"] for e in records[0]["entities"]] == ["isk", "mosque", "peshawar"]
    assert records[3]["evidence"][0]["text"] == HOSTILE_TEXT
    assert jsonl_records(events, ENTITIES)[2]["entities"] == []


# ------------------------------------------------------------------ GeoJSON, GraphML, Parquet

def test_geojson_only_located_events(events, tmp_path):
    collection = geojson(events, ENTITIES)
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ["c0bomb", "c0arrest", "c0hostile"]
    bomb = collection["features"][0]
    assert bomb["geometry"] == {"type": "Point", "coordinates": [71.5785, 34.008]}
    props = bomb["properties"]
    assert (props["type"], props["subtype"], props["date"], props["date_precision"], props["geo_precision"]) == (
        "bombing", "suicide_bombing", "2024-03-22", "day", "city")
    assert (props["fatalities_min"], props["fatalities_max"], props["status"], props["n_sources"]) == (
        139, 145, "claimed", 2)
    assert (props["actors"], props["country"], props["location"]) == (
        ["Islamic State Khorasan Province"], "PK", "Peshawar")
    assert write_export("geojson", events, ENTITIES, tmp_path / "e.geojson") == 3
    assert json.loads((tmp_path / "e.geojson").read_text(encoding="utf-8")) == collection


def test_graphml_parses_and_escapes(events, tmp_path):
    text = graphml(events, ENTITIES, RELATIONS)
    assert "<script>" not in text and "\x0b" not in text
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(text.encode("utf-8"))
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.findall("g:key", ns)}
    graph = root.find("g:graph", ns)
    assert graph.get("edgedefault") == "directed"

    def data(el):
        return {keys[d.get("key")][1]: d.text for d in el.findall("g:data", ns)}

    nodes = {n.get("id"): data(n) for n in graph.findall("g:node", ns)}
    assert {"event:c0bomb", "event:c0arrest", "event:c0vague", "event:c0hostile"} <= set(nodes)
    assert "event:c0rejected" not in nodes
    assert nodes["event:c0bomb"] == {"label": "bombing 2024-03-22", "node_type": "event", "type": "bombing",
                                     "subtype": "suicide_bombing", "date": "2024-03-22", "status": "claimed",
                                     "fatalities_min": "139", "country": "PK"}
    assert nodes["entity:isk"] == {"label": "Islamic State Khorasan Province", "node_type": "entity",
                                   "type": "organization", "kind": "armed_group", "country": "AF", "qid": "Q1000001"}
    assert nodes["entity:evil"]["label"] == HOSTILE_NAME.replace("\x0b", "")
    edges = {(e.get("source"), e.get("target"), data(e)["role"]) for e in graph.findall("g:edge", ns)}
    assert ("entity:isk", "event:c0bomb", "actor") in edges
    assert ("entity:isk", "event:c0bomb", "claimant") in edges
    assert ("entity:peshawar", "event:c0bomb", "location") in edges
    assert ("entity:gknb", "event:c0arrest", "actor") in edges
    assert ("entity:isk", "entity:is", "affiliate_of") in edges
    assert ("entity:isk", "entity:gknb", "hostile_to") in edges
    assert write_export("graphml", events, ENTITIES, tmp_path / "g.graphml", relations=RELATIONS) == 4
    ET.parse(tmp_path / "g.graphml")


def test_graphml_reads_in_networkx(events, tmp_path):
    nx = pytest.importorskip("networkx")
    path = tmp_path / "g.graphml"
    path.write_text(graphml(events, ENTITIES, RELATIONS), encoding="utf-8")
    g = nx.read_graphml(path)
    assert g.nodes["event:c0bomb"]["fatalities_min"] == 139  # typed by its <key>
    assert g.nodes["entity:gknb"]["kind"] == "intelligence"
    assert g.has_edge("entity:isk", "entity:is")


def test_parquet_tables_read_back(events, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    assert write_export("parquet", events, ENTITIES, tmp_path / "pq") == 4
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == ["events.parquet", "participants.parquet",
                                                                  "sources.parquet"]
    ev = pq.read_table(tmp_path / "pq" / "events.parquet").to_pylist()
    assert [r["event_id"] for r in ev] == ["c0bomb", "c0arrest", "c0vague", "c0hostile"]
    bomb = ev[0]
    assert (bomb["fatalities_min"], bomb["fatalities_max"], bomb["fatalities_lowest"], bomb["n_sources"]) == (
        139, 145, 139, 2)
    assert (bomb["lat"], bomb["lon"], bomb["country"], bomb["date_precision"]) == (34.008, 71.5785, "PK", "day")
    assert json.loads(bomb["disagreements"])["fatalities"][1] == {"min": 145, "max": 145, "documents": ["d2"]}
    assert (ev[2]["date_start"], ev[2]["lat"], ev[2]["country"]) == (None, None, None)
    parts = pq.read_table(tmp_path / "pq" / "participants.parquet").to_pylist()
    assert len(parts) == len(parquet_tables(events, ENTITIES)["participants"]) == 11
    assert parts[0] == {"event_id": "c0bomb", "role": "actor", "entity_id": "isk", "name": "ISKP",
                        "entity_name": "Islamic State Khorasan Province", "entity_type": "organization",
                        "kind": "armed_group", "country": "AF", "qid": "Q1000001"}
    srcs = pq.read_table(tmp_path / "pq" / "sources.parquet").to_pylist()
    assert [(s["event_id"], s["fatalities_min"], s["outlet"]) for s in srcs[:2]] == [
        ("c0bomb", 139, "Reuters"), ("c0bomb", 145, None)]
    empty = tmp_path / "empty"
    assert write_export("parquet", [], ENTITIES, empty) == 0
    assert pq.read_table(empty / "events.parquet").schema.field("fatalities_min").type == "int64"


# ------------------------------------------------------------------ entry point

def test_unknown_format_is_e505(events, tmp_path):
    with pytest.raises(KhabarError) as info:
        write_export("xlsx", events, ENTITIES, tmp_path / "x")
    assert info.value.code == "E505"
    assert "acled, gtd, plover, jsonl, geojson, graphml, parquet" in info.value.message
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_and_skips_rejected(fmt, events, tmp_path):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / "sub" / f"out.{fmt}"
    write_export(fmt, events, ENTITIES, out, relations=RELATIONS)
    written = "".join(p.read_bytes().decode("utf-8", "replace") for p in ([out] if out.is_file() else out.iterdir()))
    assert "c0rejected" not in written


def test_inputs_are_not_modified(events):
    before = copy.deepcopy(events)
    for build in (acled_rows, gtd_rows, plover_records, jsonl_records, geojson, parquet_tables):
        build(events, ENTITIES)
    graphml(events, ENTITIES, RELATIONS)
    assert events == before


def test_docs_name_every_format():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"`{fmt}`" in doc
    for column in ACLED_COLUMNS + GTD_COLUMNS:
        assert f"`{column}`" in doc
