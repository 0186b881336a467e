"""The scorer itself, on a hand-made gold file and reports."""

from khabar.eval.gold import haversine_km, score

GOLD = {
    "document": {"path": "x.txt"},
    "entities": [
        {"key": "isk", "type": "organization", "names": ["IS-K", "ISKP"]},
        {"key": "kabul", "type": "place", "feature": "city", "names": ["Kabul"], "country": "AF",
         "lat": 34.53, "lon": 69.17},
        {"key": "tw", "type": "organization", "optional": True, "names": ["Twitter"]},
    ],
    "events": [
        {"key": "b", "type": "bombing", "accept_types": ["bombing", "attack"], "date": "2021-05",
         "location": {"names": ["Kabul"], "country": "AF"},
         "participants": [{"role": "actor", "entity": "isk"}], "fatalities": {"min": 90, "max": 90}},
    ],
}


def report(**event):
    ev = {"id": "v1", "type": "bombing", "date": {"start": "2021-05-08"},
          "location": {"name": "Kabul", "country": "AF", "lat": 34.5, "lon": 69.2},
          "participants": [{"role": "actor", "entity": "e1", "name": "ISKP"}],
          "fatalities": {"min": 85, "max": None}}
    ev.update(event)
    return {"entities": [
        {"id": "e1", "type": "organization", "name": "Islamic State Khorasan", "aliases": ["ISKP"]},
        {"id": "e2", "type": "place", "name": "Kabul", "aliases": [], "geo": {"lat": 34.5, "lon": 69.2, "country": "AF"}},
    ], "events": [ev]}


def test_perfect_match():
    s = score(report(), GOLD)
    assert s["entities"]["found"] == 2 and s["entities"]["geo_right"] == 1
    assert s["events"]["f1"] == 1.0 and s["events"]["slot_accuracy"] == 1.0


def test_wrong_type_does_not_match():
    s = score(report(type="arrest"), GOLD)
    assert s["events"]["matched"] == 0 and s["events"]["precision"] == 0.0


def test_half_the_slots_is_enough():
    s = score(report(date={"start": "2020"}, fatalities=None), GOLD)
    assert s["events"]["matched"] == 1 and s["events"]["slot_accuracy"] == 0.5


def test_fragmentation_is_reported():
    r = report()
    r["entities"].append({"id": "e3", "type": "organization", "name": "IS-K", "aliases": []})
    assert score(r, GOLD)["entities"]["fragmented"] == ["isk"]


def test_haversine():
    assert 340 < haversine_km(34.53, 69.17, 31.61, 65.71) < 460
