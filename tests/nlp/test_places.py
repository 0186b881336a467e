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


# ---- ranking rules chosen on LGL tune (docs/eval/geocode.md) -----------------------------------

def test_a_state_abbreviation_after_a_town_places_it():
    r = extract("Flooding closed two schools in Alexandria, La., officials said.", published="2024-04-10")
    alexandria = place(r, "Alexandria")
    assert (alexandria.geo.country, alexandria.geo.admin1) == ("US", "Louisiana")


def test_a_town_and_its_county_settle_together():
    r = extract("The fire chief in Huntsville said Walker County deputies closed the road.", published="2024-04-10")
    assert place(r, "Huntsville").geo.admin1 == "Texas"  # not the larger Huntsville in Alabama
    assert place(r, "Walker County").geo.feature == "district"


def test_a_country_name_yields_to_a_town_only_in_context():
    texas = extract("The Palestine city council met Anderson County commissioners on Tuesday.", published="2024-04-10")
    assert (place(texas, "Palestine").geo.country, place(texas, "Palestine").geo.feature) == ("US", "city")
    mideast = extract("Israeli strikes hit Lebanon near Tyre on Sunday, killing three people.", published="2024-04-10")
    assert place(mideast, "Lebanon").geo.feature == "country"


def test_a_capital_outranks_a_province_of_its_name_unless_the_text_says_province():
    assert place(extract("Protesters marched in Washington on Saturday."), "Washington").geo.admin1 == "Washington, D.C."
    city = place(extract("A car bomb exploded in Baghdad."), "Baghdad")
    assert city.geo.feature == "city"
    province = place(extract("Fighting spread across Baghdad province."), "Baghdad")
    assert (province.geo.feature, province.geo.gazetteer_id) == ("province", "admin1:IQ:Baghdad")


def test_candidates_for_demonyms_designators_and_spellings():
    from khabar.nlp.gazetteer import load_gazetteer
    from khabar.nlp.places import base_name, candidates, designator_hint

    gaz = load_gazetteer()
    assert [p.id for p in candidates("Sudanese", gaz)] == ["country:SD"]
    assert any(p.feature == "province" and p.country == "RU" for p in candidates("Dagestani", gaz))
    assert any(p.id == "continent:EU" for p in candidates("European", gaz))
    assert (designator_hint("Rapides Parish"), base_name("Rapides Parish")) == ("district", "Rapides")
    assert designator_hint("Loudon Co.") == "district"
    assert any(p.name == "Mount Pleasant" for p in candidates("Mt. Pleasant", gaz))


def test_gazetteer_keeps_same_named_districts_apart_and_knows_state_abbreviations():
    from khabar.nlp.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    counties = [p for p in gaz.candidates("Washington County") if p.feature == "district" and p.country == "US"]
    assert len({p.admin1 for p in counties}) == len(counties) >= 20
    assert [p.name for p in gaz.candidates("W. Va.")] == ["West Virginia"]
    assert gaz.abbreviation("TX").name == "Texas" and gaz.geonameid(gaz.abbreviation("TX").id) == "4736286"
    assert not any(p.feature == "province" for p in gaz.candidates("La"))  # the word, not Louisiana
    assert gaz.geonameid("country:FR") == "3017382" and gaz.geonameid("geonames:2988507") == "2988507"


def _town(pid: str, admin1: str, lat: float, lon: float, pop: int, admin2: str | None = None):
    from khabar.nlp.gazetteer import Place

    return Place(pid, pid.split(":")[0], "city", "US", lat, lon, pop, admin1, admin2=admin2)


def test_resolve_prefers_the_reading_where_names_agree():
    from collections import Counter

    from khabar.nlp.geo_rank import Context, Cue, resolve

    springfield_il = _town("springfield:il", "Illinois", 39.80, -89.64, 114_000, "Sangamon County")
    springfield_mo = _town("springfield:mo", "Missouri", 37.22, -93.29, 160_000, "Greene County")
    branson = _town("branson:mo", "Missouri", 36.64, -93.22, 11_000, "Taney County")
    chosen = resolve(["springfield", "branson"], [[springfield_il, springfield_mo], [branson]],
                     [{"springfield"}, {"branson"}], [Cue(), Cue()], Context(Counter()))
    assert [p.id for p in chosen] == ["springfield:mo", "branson:mo"]
    alone = resolve(["springfield"], [[springfield_mo, springfield_il]], [{"springfield"}], [Cue()], Context(Counter()))
    assert alone[0].id == "springfield:mo"  # on its own, population decides


def test_one_far_name_does_not_drag_the_others():
    from collections import Counter

    from khabar.nlp.geo_rank import Context, Cue, resolve

    big = _town("paris:fr", "Ile-de-France", 48.85, 2.35, 2_100_000)
    big.country = "FR"
    small = _town("paris:tx", "Texas", 33.66, -95.56, 25_000)
    names = ["paris", *(f"town{i}" for i in range(8))]
    others = [[_town(f"town{i}:fr", "Ile-de-France", 48.8 + i / 100, 2.3, 50_000)] for i in range(8)]
    for o in others:
        o[0].country = "FR"
    dallas = _town("dallas:tx", "Texas", 32.78, -96.80, 1_300_000)
    chosen = resolve([*names, "dallas"], [[small, big], *others, [dallas]], [{n} for n in [*names, "dallas"]],
                     [Cue()] * 10, Context(Counter()))
    assert chosen[0].id == "paris:fr"
