"""The shipped knowledge base: size, integrity, and lookups the extractor relies on."""

from collections import Counter

from khabar.nlp.kb import load_kb
from khabar.nlp.text import norm_name

KB = load_kb()


def test_at_least_300_actors():
    actors = [e for e in KB.entries.values() if e.type == "organization"]
    assert len(actors) >= 300
    kinds = Counter(e.kind for e in actors)
    assert kinds["armed_group"] >= 150 and kinds["media"] >= 50


def test_every_relation_resolves():
    for e in KB.entries.values():
        for key, targets in e.relations.items():
            for t in targets:
                assert t in KB.entries, f"{e.id}.{key} -> {t}"


def test_no_alias_names_two_entries():
    owners: dict[str, set[str]] = {}
    for e in KB.entries.values():
        for alias in e.names():
            key = alias if len(alias) <= 3 else norm_name(alias)
            owners.setdefault(key, set()).add(e.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


def test_required_groups_present():
    for name in ("ISKP", "ISWAP", "JNIM", "al-Shabaab", "Boko Haram", "Hezbollah", "Hamas", "Houthis", "PKK",
                 "HTS", "TTP", "BLA", "Lashkar-e-Taiba", "Jaish-e-Mohammed", "Wagner Group", "Africa Corps", "AQAP"):
        assert KB.lookup(name) is not None, name


def test_alias_spellings_land_on_one_entry():
    isk = KB.lookup("IS-K")
    for form in ("ISIS-K", "Daesh–Khorasan", "Islamic State-Khorasan Province", "ISKP"):
        assert KB.lookup(form) is isk, form


def test_typos_match_fuzzily():
    assert KB.fuzzy("Eursianet").name == "Eurasianet"


def test_taliban_govern_after_august_2021():
    taliban = KB.get("taliban")
    assert taliban.at("2020-01-01")[1] == "armed_group"
    assert taliban.at("2024-04-10")[1] == "government"
