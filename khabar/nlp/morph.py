"""Part of speech, morphology and lemmas exactly as the model's ``attribute_ruler`` and
``lemmatizer`` set them, in a fifth of their time.

Why: on news text those two components took a fifth of spaCy's time, more than the parser
(``docs/benchmarks.md``): the ruler runs a Matcher of 179 patterns and builds a Span for
every match, and the lemmatizer calls Python for every token. Yet each token's answer depends
only on a few of its attributes (tag, lower-case form, dependency label, whether it is
space, and for the two-token patterns its neighbour's), so ``Morph`` works each answer out
once per distinct key, from the components' own patterns and tables, and writes whole
columns back with ``Doc.from_array``.

Reads TAG, LOWER, DEP, IS_SPACE, ORTH; writes POS, TAG, MORPH, LEMMA (and a space token's
DEP label, as one of the rules does): the same fields and
values as the two components (``tests/nlp/test_morph.py`` compares them token by token on
real text). When the model's patterns use anything this module does not read (an operator, an
attribute other than those four), ``install`` leaves spaCy's components in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["Morph", "install", "NAME"]

NAME = "khabar_morph"
_READ = ("TAG", "LOWER", "DEP", "IS_SPACE")
_WRITE = frozenset({POS, TAG, MORPH, LEMMA, DEP})  # DEP: a space token's label
# answers kept per table before it starts afresh: a long run's rare words would grow it for
# ever (800 news articles fill 47,500 keys, 27 MB over the three tables)
MEMO = 100_000
Test = Callable[[tuple[str, str, str, bool]], bool]
_NONE: list = []  # shared by every key no two-token rule starts at (nearly all); never changed


def _tags(spec: dict[str, Any]) -> frozenset[str]:
    """The tags a token pattern is limited to (a constant or ``IN``); empty when it names none."""
    tag = spec.get("TAG")
    if isinstance(tag, str):
        return frozenset({tag})
    if isinstance(tag, dict) and set(tag) == {"IN"}:
        return frozenset(tag["IN"])
    return frozenset()


def _value_test(value: Any) -> Callable[[Any], bool] | None:
    """One pattern value as a test: a constant, ``{"IN": [...]}``, ``{"NOT_IN": [...]}`` or
    ``{"REGEX": ...}``; None for anything else (``Morph`` then refuses the model)."""
    if not isinstance(value, dict):
        return lambda v: v == value
    if set(value) == {"IN"}:
        allowed = frozenset(value["IN"])
        return lambda v: v in allowed
    if set(value) == {"NOT_IN"}:
        refused = frozenset(value["NOT_IN"])
        return lambda v: v not in refused
    if set(value) == {"REGEX"}:
        rx = re.compile(value["REGEX"])
        return lambda v: isinstance(v, str) and rx.search(v) is not None
    return None


def _token_test(spec: dict[str, Any]) -> Test | None:
    tests = []
    for key, value in spec.items():
        if key not in _READ:
            return None
        t = _value_test(value)
        if t is None:
            return None
        tests.append((_READ.index(key), t))
    return lambda f: all(t(f[i]) for i, t in tests)


class Morph:
    """The two components' behaviour, memoised per token key (``install`` puts it in the pipeline)."""

    def __init__(self, nlp: Language) -> None:
        ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) != "rule" or lemmatizer.overwrite:
            raise ValueError("only a rule lemmatizer that keeps the ruler's lemmas is reproduced")
        self.vocab = nlp.vocab
        self._lemmatize = lemmatizer.lemmatize
        # rules in the ruler's order (a later rule overrides an earlier one on the same token);
        # ruler.attrs holds each rule's attributes already as stored values (ids and hashes)
        self.single: list[tuple[int, Test, dict[int, int]]] = []
        self.multi: list[tuple[int, list[Test], int, dict[int, int]]] = []
        single_specs: list[dict[str, Any]] = []
        for k, rule in enumerate(ruler.patterns):
            attrs = dict(ruler.attrs[k])
            if not set(attrs) <= _WRITE:
                raise ValueError(f"attribute_ruler sets {sorted(set(attrs) - _WRITE)}")
            for pattern in rule["patterns"]:
                tests = [_token_test(spec) for spec in pattern]
                if not tests or any(t is None for t in tests) or not -len(tests) <= rule["index"] < len(tests):
                    raise ValueError(f"attribute_ruler pattern not reproduced: {pattern}")
                if len(tests) == 1:
                    self.single.append((k, tests[0], attrs))  # type: ignore[arg-type]
                    single_specs.append(pattern[0])
                else:
                    self.multi.append((k, tests, rule["index"] % len(tests), attrs))  # type: ignore[arg-type]
        # the single-token rules a token with a given tag can match (those naming that tag and
        # those naming none), in the ruler's order: a new key is checked against a few, not all
        self._any = [r for r, spec in zip(self.single, single_specs, strict=True) if not _tags(spec)]
        self._by_tag: dict[str, list[tuple[int, Test, dict[int, int]]]] = {}
        for tag in {t for spec in single_specs for t in _tags(spec)}:
            self._by_tag[tag] = [r for r, spec in zip(self.single, single_specs, strict=True)
                                 if not _tags(spec) or tag in _tags(spec)]
        self._singles: dict[tuple[int, int, int, bool], list[tuple[int, dict[int, int]]]] = {}
        self._first: dict[tuple[int, int, int, bool], list[tuple[int, list[Test], int, dict[int, int]]]] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def _features(self, key: tuple[int, int, int, bool]) -> tuple[str, str, str, bool]:
        s = self.vocab.strings
        return s[key[0]] if key[0] else "", s[key[1]], s[key[2]] if key[2] else "", key[3]

    def _single(self, key: tuple[int, int, int, bool]) -> list[tuple[int, dict[int, int]]]:
        hits = self._singles.get(key)
        if hits is None:
            if len(self._singles) > MEMO:
                self._singles.clear()
            f = self._features(key)
            rules = self._by_tag.get(f[0], self._any)
            hits = self._singles[key] = [(k, attrs) for k, test, attrs in rules if test(f)]
        return hits

    def _starts(self, key: tuple[int, int, int, bool]) -> list[tuple[int, list[Test], int, dict[int, int]]]:
        """The multi-token rules whose first token matches a token with this key."""
        rules = self._first.get(key)
        if rules is None:
            if len(self._first) > MEMO:
                self._first.clear()
            f = self._features(key)
            rules = self._first[key] = [r for r in self.multi if r[1][0](f)] or _NONE
        return rules

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        cols = doc.to_array([TAG, LOWER, DEP, IS_SPACE, ORTH, POS, MORPH, LEMMA])
        keys = [(t, lo, d, bool(sp)) for t, lo, d, sp in cols[:, :4].tolist()]
        out = {TAG: cols[:, 0].copy(), POS: cols[:, 5].copy(), MORPH: cols[:, 6].copy(), LEMMA: cols[:, 7].copy()}
        hits = [self._single(k) for k in keys]
        for i, key in enumerate(keys):  # two-token rules: only where the first token matches
            for k, tests, index, attrs in self._starts(key):
                if i + len(tests) <= len(keys) and all(
                        test(self._features(keys[i + j])) for j, test in enumerate(tests[1:], 1)):
                    hits[i + index] = sorted([*hits[i + index], (k, attrs)], key=lambda h: h[0])
        deps: dict[int, int] = {}
        for i, token_hits in enumerate(hits):
            for _, attrs in token_hits:
                for col, value in attrs.items():
                    if col == DEP:
                        deps[i] = value
                    else:
                        out[col][i] = value
        doc.from_array([TAG, POS, MORPH], np.column_stack([out[TAG], out[POS], out[MORPH]]))
        for i, dep in deps.items():  # a label alone: from_array would want the heads too
            doc[i].dep = dep
        # the lemmatizer: every lemma the ruler left unset, from the form, POS and morphology
        lemmas, orth = out[LEMMA], cols[:, 4]
        for i in np.flatnonzero(lemmas == 0).tolist():
            key = (int(orth[i]), int(out[POS][i]), int(out[MORPH][i]))
            lemma = self._lemmas.get(key)
            if lemma is None:
                if len(self._lemmas) > MEMO:
                    self._lemmas.clear()
                lemma = self._lemmas[key] = self.vocab.strings.add(self._lemmatize(doc[i])[0])
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.factory(NAME)
def _make_morph(nlp: Language, name: str) -> Morph:
    return Morph(nlp)


def install(nlp: Language) -> bool:
    """Run ``Morph`` in place of the model's ``attribute_ruler`` and ``lemmatizer`` (which stay,
    disabled: ``Morph`` reads their patterns and tables). False, changing nothing, when their
    patterns or settings are beyond what ``Morph`` reproduces."""
    if NAME in nlp.pipe_names:
        return True
    if not {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names):
        return False
    try:
        nlp.add_pipe(NAME, after="lemmatizer")
    except ValueError:
        return False
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return True
