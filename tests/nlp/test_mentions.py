"""Mention boundaries and types where the small model goes wrong in conflict reporting (the errors
re3d's dev part showed; docs/eval/conll.md). Sentences written for these tests."""

from __future__ import annotations

from khabar import extract


def mentions(text: str) -> dict[str, str]:
    """Mention text -> entity type, for every entity mention in ``text``."""
    return {m.text: e.type for e in extract(text).entities for m in e.mentions}


def test_a_town_the_model_calls_a_nationality_is_a_place():
    assert mentions("The situation in Aleppo remains dire.")["Aleppo"] == "place"


def test_a_big_city_the_model_calls_a_person_is_a_place():
    assert mentions("The isolation of Raqqah, when complete, will free the province.")["Raqqah"] == "place"


def test_a_name_before_a_country_or_beside_a_place_is_a_place():
    found = mentions("Fighters advanced to isolate Raqqah, Syria, on Sunday.")
    assert found["Raqqah"] == "place" and found["Syria"] == "place"


def test_siege_of_and_suburb_of_mark_places():
    assert mentions("The siege of Darayya by government forces began four years ago.")["Darayya"] == "place"


def test_a_leading_preposition_is_not_part_of_the_name():
    found = mentions("Near Ar Raqqah, five strikes engaged two units.")
    assert "Near Ar Raqqah" not in found and found.get("Ar Raqqah") == "place"


def test_an_unclosed_parenthesis_is_cut():
    found = mentions("The report by the UN Independent Commission of Inquiry (CoI) on Syria makes grim reading.")
    assert not any("(" in m for m in found)


def test_operations_and_agreements_are_not_organizations():
    found = mentions("Operation Steel Curtain was launched after the Geneva Communique was signed.")
    assert "Operation Steel Curtain" not in found
    assert "Geneva Communique" not in found


def test_a_meeting_is_not_a_place():
    found = mentions("The minister spoke at the Manama Dialogue in Bahrain.")
    assert found.get("Manama Dialogue") != "place"


def test_a_name_after_an_honorific_is_a_person():
    assert mentions("Mr Alzoubi is convinced it is a win-win situation.")["Alzoubi"] == "person"


def test_a_name_that_beams_is_a_person():
    found = mentions("Sadiq beamed.")
    assert found.get("Sadiq", "person") == "person"


def test_islamic_state_in_iraq_is_a_phrase_not_a_name():
    found = mentions("The Global Coalition has launched strikes against ISIL in Iraq and Syria.")
    assert found["ISIL"] == "organization" and found["Iraq"] == "place"
    assert "ISIL in Iraq" not in found


def test_a_facility_the_model_calls_a_person():
    assert mentions("Samarra Barrage is a barrage on the Tigris River.")["Samarra Barrage"] == "place"
