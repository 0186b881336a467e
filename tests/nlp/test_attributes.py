from khabar import extract


def person(report, name):
    return next(e for e in report.entities if e.type == "person" and (e.name == name or name in e.aliases))


def test_age_residence_title_from_the_words_around_a_name():
    r = extract("Police detained the 34-year-old resident of the town of Vahdat Rustam Nazarov. "
                "Major General Ivan Petrov said the man was held in custody.", published="2024-03-27")
    nazarov = person(r, "Rustam Nazarov")
    assert nazarov.attributes["age"] == 34
    assert r.entity(nazarov.attributes["residence"]).name == "Vahdat"
    assert person(r, "Ivan Petrov").attributes["title"] == "Major General"


def test_apposition_age():
    r = extract("Zemari Ahmadi, 43, was killed in the strike.", published="2021-09-18")
    assert person(r, "Zemari Ahmadi").attributes["age"] == 43


def test_nationality_is_stated_not_inferred_from_residence():
    r = extract("The suspect, a resident of Dushanbe, Farhod Karimov, was arrested in Moscow.", published="2024-03-27")
    assert "nationality" not in person(r, "Farhod Karimov").attributes
