"""The offline language screen: foreign articles are named, English ones (even quoting French,
even full of foreign names) pass, and too little text is left undecided."""

from __future__ import annotations

import json

import pytest

from khabar.ingest.language import detect_language, is_english_code
from tests.conftest import CORPUS, DATA

SAMPLES = DATA / "language"


@pytest.mark.parametrize("name,found", [
    ("fr", "fr"), ("es", "es"), ("de", "de"), ("sw", "sw"), ("ru", "Cyrillic script"),
    ("ar", "Arabic script"), ("zh", "Han (Chinese/Japanese) script"), ("en-quoting-fr", "en"),
])
def test_samples(name, found):
    assert detect_language((SAMPLES / f"{name}.txt").read_text()) == found


def test_every_english_article_of_the_corpus_passes():
    texts = [p.read_text() for p in sorted((CORPUS / "articles").glob("*.txt"))]
    texts += [json.loads(line)["text"] for line in (CORPUS / "stream" / "articles.jsonl").read_text().splitlines()
              if line.strip()]
    assert len(texts) > 25
    assert {detect_language(t) for t in texts} == {"en"}


@pytest.mark.parametrize("text", ["", "Kabul", "KABUL — Twelve killed.", "12 34 56 !!", "Ахмед"])
def test_too_little_text_is_undecided(text):
    assert detect_language(text) is None


def test_declared_languages():
    assert all(is_english_code(v) for v in (None, "", "en", "EN", "en-GB", "en_US", "eng", "English"))
    assert not any(is_english_code(v) for v in ("fr", "ru-RU", "ara", "Deutsch", "es_MX"))
