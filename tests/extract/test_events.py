"""Event extraction on short texts written for these tests."""

from khabar import extract
from tests.conftest import DATA


def events(text, published="2024-04-10"):
    return extract(text, published=published).events


def names(report, ev, *roles):
    return {p.name for p in ev.participants if p.role in roles}


def test_claimed_bombing_with_date_place_and_toll():
    r = extract((DATA / "short-attack.txt").read_text(), published="2024-04-10")
    [ev] = [e for e in r.events if e.type == "bombing"]
    assert ev.date.start == "2024-04-08" and ev.date.precision == "day"
    assert ev.location.name == "Kabul"
    assert (ev.fatalities.min, ev.fatalities.max) == (12, None)
    assert ev.status == "claimed"
    assert "Islamic State Khorasan Province" in names(r, ev, "claimant")


def test_undated_event_stays_undated():
    [ev] = events("Police arrested the two suspects in Herat.")
    assert ev.type == "arrest" and ev.date.start is None and ev.date.precision == "unknown"


def test_respectively_splits_events():
    evs = events("Its leaders, Ahmad Karimov and Bilal Nasiri, were killed by US forces in July 2016 and "
                 "February 2015, respectively.")
    assert sorted(e.date.start for e in evs if e.type == "killing") == ["2015-02", "2016-07"]


def test_says_he_was_recruited_is_a_claim_by_the_speaker():
    text = "Aminjon Fayzov is held in Kabul. Fayzov says he was recruited by ISKP in Moscow."
    r = extract(text, published="2024-04-10")
    [ev] = [e for e in r.events if e.type == "recruitment"]
    assert ev.status == "claimed"
    assert names(r, ev, "target") == {"Aminjon Fayzov"}


def test_habitual_attacks_are_not_events():
    assert events("The group has conducted numerous attacks against civilians in Pakistan.") == []


def test_every_span_points_into_the_text():
    from tests.test_robustness import check

    check((DATA / "short-attack.txt").read_text())


def test_sentence_final_abbreviation_still_matches_the_kb():
    r = extract("Tajik police arrested nine people in Dushanbe on suspicion of links to IS-K.")
    assert any(e.name == "Islamic State Khorasan Province" for e in r.entities)


def test_report_date_does_not_date_the_event():
    [ev] = [e for e in events("At least 85 people were killed when an army drone struck villagers in Tudun Biri "
                              "on Sunday night, the agency said on Tuesday.", published="2023-12-05")
            if e.type == "military_operation"]
    assert ev.date.start == "2023-12-03"


def test_sentencing_is_an_arrest_and_allegiance_is_a_relation():
    r = extract((DATA / "probe-central-asia.txt").read_text(), published="2024-04-10")
    types = sorted(e.type for e in r.events)
    assert types == ["arrest", "military_operation", "military_operation"]
    op = next(e for e in r.events if e.fatalities is not None)
    assert op.fatalities.min == 6 and op.location.name == "North Waziristan"
    assert any(p.role == "actor" and p.name == "Pakistan Army" for p in op.participants)
    rel = [x for x in r.relations if x.basis == "text"]
    assert [(r.entity(x.source).name, x.type, r.entity(x.target).name) for x in rel] == [
        ("Jamaat Ansarullah", "affiliate_of", "Taliban")]


def test_hyphenated_city_victim_of_a_bombing_and_office_places():
    r = extract((DATA / "probe-tajik-court.txt").read_text(), published="2024-05-14")
    [bomb] = [e for e in r.events if e.type == "bombing"]
    assert bomb.location.name == "Mazar-i-Sharif" and bomb.location.country == "AF"
    assert bomb.date.start == "2023-03" and bomb.status == "claimed"
    assert {p.name for p in bomb.participants if p.role == "victim"} == {"Mohammad Dawood Muzammil"}
    [detention] = [e for e in r.events if e.type == "arrest" and e.subtype == "detention"]
    assert detention.date.start == "2023-10" and detention.location.name == "Dushanbe"


def test_speaker_pronoun_background_attacks_and_famous_cities():
    r = extract((DATA / "probe-uzbek-background.txt").read_text(), published="2024-05-15")
    [arrest] = [e for e in r.events if e.type == "arrest"]
    assert [p.name for p in arrest.participants if p.role == "actor"] == ["Government of Uzbekistan"]
    assert arrest.status == "reported"  # an authority announcing its own arrest is not a claim
    spb = next(e for e in r.events if e.date.start == "2017-04")
    assert spb.location.country == "RU" and spb.fatalities.min == 15
    truck = next(e for e in r.events if e.date.start == "2017-10")
    assert [p.name for p in truck.participants if p.role == "instrument"] == ["a truck"]


def test_ordinary_news_that_is_not_political_violence():
    for text in ("Lawmakers clashed over the budget in Washington on Monday.",
                 "Apple announced a new iPhone on Monday.",
                 "The storm hit Florida, killing two people.",
                 "Microsoft is recruiting engineers.",
                 "Militants could attack the city."):
        assert events(text, published="2024-05-01") == [], text


def test_states_act_and_futures_are_planned():
    [strike] = events("Russia launched 40 missiles at Kyiv overnight, killing five people.", published="2024-05-01")
    assert strike.type == "military_operation" and strike.location.name == "Kyiv"
    assert [p.name for p in strike.participants if p.role == "actor"] == ["Russia"]
    [attack] = events("Hamas said Israel would attack Rafah soon.", published="2024-05-01")
    assert attack.status == "planned"
    [riot] = events("Protesters clashed with police in Nairobi on Tuesday.", published="2024-05-01")
    assert riot.type == "riot"


def test_foiled_plots_numbered_detainees_and_the_group():
    r = extract((DATA / "probe-kyrgyz-plot.txt").read_text(), published="2024-06-14")
    by_type = {e.type: e for e in r.events}
    assert by_type["attack"].status == "planned" and by_type["attack"].location.name == "Osh"
    assert "arrest" in by_type  # "Three suspects were detained"
    moscow = next(e for e in r.events if e.location and e.location.name == "Moscow")
    assert [p.name for p in moscow.participants if p.role == "actor"] == ["Islamic State Khorasan Province"]


def test_distinct_killings_with_nothing_in_common_stay_apart():
    r = extract((DATA / "probe-crocus-relatives.txt").read_text(), published="2024-04-10")
    killings = [e for e in r.events if e.type == "killing"]
    assert len(killings) == 2
    massacre = next(e for e in killings if e.subtype == "massacre")
    assert massacre.date.start is None and massacre.status == "alleged"  # "reported on April 3" is the report's date
    assert not any(e.type == "accusation" for e in r.events)  # "the men accused of ..." is no accusation event


def test_founding_aliases_and_the_salient_group():
    r = extract((DATA / "probe-iskp-background.txt").read_text(), published="2024-06-20")
    [founding] = [e for e in r.events if e.type == "founding"]
    assert founding.date.start == "2015"
    assert "Islamic State Khorasan Province" in {p.name for p in founding.participants if p.role == "actor"}
    leader = next(e for e in r.entities if e.name == "Sanaullah Ghafari")
    assert "Shahab al-Muhajir" in leader.aliases
    rockets = next(e for e in r.events if e.date.start == "2022")
    assert [p.name for p in rockets.participants if p.role == "actor"] == ["Islamic State Khorasan Province"]


def test_kills_fold_into_the_shooting_and_takeovers_keep_their_own_date():
    r = extract((DATA / "probe-border-shooting.txt").read_text(), published="2024-07-08")
    first = r.events[0]
    assert first.type == "attack" and first.date.start == "2024-07-06"
    assert (first.fatalities.min, first.injuries.min) == (2, 3)
    takeover = next(e for e in r.events if e.subtype == "capture")
    assert takeover.date.start == "2021-08" and takeover.location.name == "Kabul"
    arrest = next(e for e in r.events if e.type == "arrest")
    assert [p.name for p in arrest.participants if p.role == "actor"] == ["Taliban"]


def test_vague_tolls_give_way_and_demonym_police_without_a_kb_entry():
    r = extract((DATA / "probe-dagestan.txt").read_text(), published="2024-06-28")
    attack = r.events[0]
    assert attack.date.start == "2024-06-23" and attack.fatalities.min == 22
    assert attack.status == "reported"  # praised, "did not claim it"
    arrest = next(e for e in r.events if e.type == "arrest")
    assert [p.name for p in arrest.participants if p.role == "actor"] == ["Kazakh police"]
