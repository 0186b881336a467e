"""Geocoding in context: the same name, different articles, different places."""

from khabar import extract


def place(report, name):
    for e in report.entities:
        if e.type == "place" and (e.name == name or name in e.aliases):
            return e
    raise AssertionError(f"{name} not found in {[e.name for e in report.entities]}")


def test_kerman_iran_vs_kerman_california():
    iran = extract("Two explosions hit the Iranian city of Kerman, in southeastern Iran.", published="2024-01-04")
    assert place(iran, "Kerman").geo.country == "IR"
    us = extract("Farm workers in Kerman, California, marched on Friday.", published="2024-01-04")
    assert place(us, "Kerman").geo.country == "US"


def test_admin_hierarchy_and_designators():
    r = extract("He is a resident of the city of Kulob in Khatlon province, and moved to Russia's Vladimir oblast.",
                published="2024-04-10")
    kulob = place(r, "Kulob")
    assert (kulob.geo.country, kulob.geo.admin1, kulob.geo.feature) == ("TJ", "Khatlon", "city")
    vladimir = place(r, "Vladimir oblast")
    assert (vladimir.geo.country, vladimir.geo.feature) == ("RU", "province")


def test_countries_are_places_even_when_ner_says_person():
    r = extract("Supporters were found in Sri Lanka, the Maldives and Bangladesh.")
    for name, code in (("Sri Lanka", "LK"), ("Maldives", "MV"), ("Bangladesh", "BD")):
        assert place(r, name).geo.country == code


def test_facility_from_the_kb():
    r = extract("Gunmen attacked the Crocus City Hall concert venue on March 22.", published="2024-03-25")
    crocus = place(r, "Crocus City Hall")
    assert crocus.geo.country == "RU" and crocus.geo.feature == "facility"
