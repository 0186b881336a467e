"""Does a temporal expression point ahead of publication or behind it? Read from the verb it
modifies.

Why: "Friday" in "talks will resume Friday" is the coming Friday and in "talks resumed Friday"
the last one; "the team planned to leave on Thursday" is ahead although "planned" is past. Two
readers: a cheap one over the words (the nearest tense cue before the expression in its
sentence) and, when the caller passes a dependency parse (spaCy ``Doc``), the verb that governs
the expression in that parse, its auxiliaries and, for an infinitive, the verb or adjective it
completes ("planned to leave", "due to expire"). The parse reader answers 0 when it cannot tell
and the word reader decides.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cue_tense", "parse_tense"]

# ---- the word reader -------------------------------------------------------------------------------
_FUTURE = (r"will|shall|wo|'ll|going\s+to|plans?\s+to|planning\s+to|scheduled|expects?\s+to|expected\s+to|"
           r"due\s+to|set\s+to|intends?\s+to|is\s+to|are\s+to|to\s+be\s+(?:held|released|signed)|upcoming|"
           r"ahead\s+of|likely\s+to")
_PAST = (r"said|says|was|were|had|did|told|came|went|took|made|began|fell|rose|won|lost|held|met|left|sent|saw|"
         r"gave|found|paid|ended|(?-i:(?!hundred)[a-z]{3,}ed)")
_CUE = re.compile(rf"\b(?:(?P<f>{_FUTURE})|(?P<p>{_PAST}))\b", re.I)


def cue_tense(text: str, lo: int, hi: int, start: int, end: int) -> int:
    """+1 when the tense cue nearest before ``start`` in the sentence ``text[lo:hi]`` speaks of
    the future, -1 of the past; with no cue before, the nearest after decides; 0 when none."""
    before = list(_CUE.finditer(text, lo, start))
    cue = before[-1] if before else _CUE.search(text, end, hi)
    if cue is None:
        return 0
    # "had been due to expire Friday": a future seen from the past is usually past by now
    return 1 if cue["f"] and not re.search(r"\b(?:had|had\s+been|was|were)\s+$", text[lo:cue.start()]) else -1


# ---- the parse reader ------------------------------------------------------------------------------
# verbs and adjectives whose infinitive complement lies ahead: "planned to leave", "due to expire"
_AHEAD = {"plan", "schedule", "expect", "due", "set", "ready", "intend", "hope", "want", "prepare", "agree",
          "decide", "promise", "vow", "threaten", "aim", "seek", "likely", "go", "poise", "slate", "propose"}
_REPORT = {"say", "tell", "report", "announce", "add", "state", "claim", "confirm", "declare"}
_WILL = {"will", "'ll", "shall", "wo", "would", "'d"}
_MODAL = {"can", "may", "might", "should", "must", "ought"}  # "could" is also a past
_HAVE_BE_PAST = {"had", "'d", "was", "were", "did"}
_HAVE_BE_NOW = {"has", "have", "'ve", "is", "are", "am", "'s", "'re", "do", "does"}


def _auxes(verb: Any) -> list[str]:
    return [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]


def _verb_tense(verb: Any, depth: int = 0) -> int:
    """+1 / -1 / 0 for one verb and its auxiliaries."""
    aux = _auxes(verb)
    if depth > 4:
        return 0
    if any(a in _WILL for a in aux):
        return -1 if "have" in aux else 1  # "would have left" is past
    if "to" in aux and verb.tag_ == "VB":  # an infinitive takes its time from what it completes
        head = verb.head
        if head.i == verb.i:
            return 0
        if head.lemma_ in _AHEAD:  # "planned to leave", "due to expire"; "had been due to" is past
            return -1 if any(a in ("had", "'d") for a in _auxes(head)) or _copula_past(head) else 1
        return _verb_tense(head, depth + 1)
    if any(a in _MODAL for a in aux):
        return 1
    if any(a in _HAVE_BE_PAST for a in aux):
        return -1
    tag = verb.tag_
    if tag == "VBD" or (tag == "VBN" and not aux):
        return -1
    if tag == "VBN":  # "has been charged" is past, "is expected" says nothing
        return -1 if any(a in ("has", "have", "'ve") for a in aux) else 0
    if tag == "VBG":
        if any(a in ("is", "are", "am", "'s", "'re") for a in aux):
            return 1  # "is meeting Thursday"
        return _verb_tense(verb.head, depth + 1) if verb.head.i != verb.i else 0
    if tag in ("VBZ", "VBP"):
        return -1 if verb.lemma_ in _REPORT else 1  # "says Monday" reports; "meet Monday" is a plan
    return 0


def _copula_past(word: Any) -> bool:
    """"was due to expire", "had been scheduled to": an adjective or participle under a past copula."""
    head = word.head
    return word.dep_ in ("acomp", "xcomp") and head.lemma_ == "be" and (
        head.tag_ == "VBD" or any(a in ("had", "'d") for a in _auxes(head)))


def parse_tense(doc: Any, start: int, end: int) -> int:
    """The tense of the verb that the characters ``start:end`` modify in the parse ``doc``: the
    first verb above the expression, reached directly or through a preposition ("on Friday").
    An expression inside a noun phrase ("Friday's closing price", "trading on Wednesday") says
    nothing about that verb: 0."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return 0
    tok = span.root
    for _ in range(12):
        inside = span.start <= tok.i < span.end
        if not inside:
            if tok.pos_ in ("VERB", "AUX"):
                if tok.lemma_ in ("plan", "schedule") and tok.i < span.start:
                    return 1  # "has scheduled a news conference Thursday": the thing planned
                return _verb_tense(tok)
            if tok.pos_ != "ADP" and tok.dep_ != "prep":
                return 0
        if tok.head.i == tok.i:
            return 0
        tok = tok.head
    return 0
