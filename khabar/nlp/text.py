"""Name normalisation shared by matching and scoring.

The gold README compares names "after case folding, unifying dashes and quotes, dropping
full stops, a leading article and a trailing possessive"; alias matching uses the same
function so that what we match is what the scorer accepts.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["norm_name", "unify", "fold_ascii"]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u02bc"): "'", ord("\u201c"): '"',
           ord("\u201d"): '"', ord("`"): "'", ord("\u00b4"): "'"}
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"('s|')$")


def unify(text: str) -> str:
    """Map every dash to '-' and every quote to ' or \" (same length: offsets survive)."""
    return text.translate(_DASHES).translate(_QUOTES)


def fold_ascii(text: str) -> str:
    """Strip diacritics: 'Kŭlob' -> 'Kulob'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def norm_name(name: str) -> str:
    """The comparison key of a name (see module docstring)."""
    s = unify(name).casefold().strip()
    s = s.replace(".", "")
    s = _LEADING_ARTICLE.sub("", s)
    s = _POSSESSIVE.sub("", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" ,;:-'\"")
