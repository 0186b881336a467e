"""Tell English articles from others before extraction, offline and in microseconds.

Khabar's rules, gazetteer cues and spaCy model are English; run on a French or Russian
article they do not fail, they find nonsense (capitalised words become "organisations").
So a document that is clearly not English is refused (E111) instead of mis-extracted.

Two cheap signals, no model and no dependency:

* the script of its letters: an article written mostly in Cyrillic, Arabic, Han, ... letters
  is not English, whatever its words;
* for Latin script, how many of its words are the commonest function words of each of a dozen
  languages: English news prose is about a third "the, of, and, to, said ..."; a French
  article is as full of "le, la, de, et, les".

The verdict is conservative: a text is called non-English only when the evidence is strong
(enough words, and English function words rare while another language's are common), so an
English report quoting a foreign sentence, or full of foreign names, still passes. Texts too
short to judge pass too; a wrong refusal loses an article, a wrong pass costs little.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "is_english_code"]

SAMPLE_CHARS = 3_000
MIN_WORDS = 25
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+")

# The commonest function words of each language, chosen to overlap little across languages.
FUNCTION_WORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "en": "the of and to that is was for on with as by at from his he it said were have has had are "
          "be been which who they their this an not but after or will would its she her we there when",
    "fr": "le la les et des du une est dans que pour qui sur pas par au aux avec ce ces sont été il elle "
          "ont mais ou leur selon lors cette été après deux",
    "es": "el la los las y del que en un una es por con para se su sus al como pero fue han ha sido "
          "según tras este esta más sobre entre",
    "pt": "o os as e do da dos das que em um uma é no na nos nas por com para se foi são ao não mais "
          "pelo pela segundo após",
    "it": "il lo gli le e di che del della dei delle un una è sono per con nel nella ha hanno non "
          "anche alla dopo secondo stato",
    "de": "der die das und ist nicht von den dem des ein eine einer mit sich auf für im zu wurde "
          "wurden hat haben auch nach bei aus sind",
    "nl": "de het een en van is dat op te zijn voor met niet aan ook als bij door werd worden naar "
          "heeft hebben zijn maar",
    "tr": "ve bir bu da de için ile olarak olan çok daha ama gibi en sonra kadar ise şu olduğu "
          "edildi yapılan",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke oleh karena telah "
          "bahwa adalah atau mereka",
    "sw": "na ya wa kwa za la katika ni kuwa hiyo hilo huo cha vya baada wakati lakini pia watu "
          "alisema amesema",
    "pl": "i w na z że się nie do jest to jak po przez dla oraz został była był przy ich które",
    "so": "iyo ee ka ku in uu ay oo waxaa waa ayaa kala ah soo lagu kaga dhex",
}.items()}

# Unicode ranges of the scripts a news feed commonly carries, besides Latin.
SCRIPTS: tuple[tuple[str, int, int], ...] = (
    ("Greek script", 0x0370, 0x03FF), ("Cyrillic script", 0x0400, 0x052F),
    ("Armenian script", 0x0530, 0x058F), ("Hebrew script", 0x0590, 0x05FF),
    ("Arabic script", 0x0600, 0x06FF), ("Arabic script", 0x0750, 0x077F),
    ("Arabic script", 0x08A0, 0x08FF), ("Devanagari script", 0x0900, 0x097F),
    ("Bengali script", 0x0980, 0x09FF), ("Gurmukhi script", 0x0A00, 0x0A7F),
    ("Tamil script", 0x0B80, 0x0BFF), ("Thai script", 0x0E00, 0x0E7F),
    ("Georgian script", 0x10A0, 0x10FF), ("Ethiopic script", 0x1200, 0x137F),
    ("Khmer script", 0x1780, 0x17FF), ("Japanese kana", 0x3040, 0x30FF),
    ("Han (Chinese/Japanese) script", 0x4E00, 0x9FFF), ("Hangul (Korean) script", 0xAC00, 0xD7AF),
    ("Arabic script", 0xFB50, 0xFDFF), ("Arabic script", 0xFE70, 0xFEFF),
)


def _script(char: str) -> str:
    code = ord(char)
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "Latin"
    for name, lo, hi in SCRIPTS:
        if lo <= code <= hi:
            return name
    return "other"


def detect_language(text: str) -> str | None:
    """The language of ``text``: "en", another code ("fr", "de", ...), a script name
    ("Cyrillic script") for a non-Latin text, or None when there is too little to tell."""
    sample = text[:SAMPLE_CHARS]
    only_letters = _NOT_LETTER.sub("", sample)
    letters = len(only_letters)
    if letters < 40:
        return None
    latin = len(_NOT_LATIN.sub("", only_letters))
    if latin < 0.5 * letters:  # mostly another script: which one (a slower, per-letter count)
        counts = Counter(_script(c) for c in only_letters)
        script, n = counts.most_common(1)[0]
        if script not in ("Latin", "other") and n > 0.5 * letters:
            return script
    words = Counter(_WORD.findall(sample.lower()))
    total = sum(words.values())
    if total < MIN_WORDS:
        return None
    scores = {lang: sum(words[w] for w in vocab & words.keys()) / total for lang, vocab in FUNCTION_WORDS.items()}
    english = scores.pop("en")
    other, best = max(scores.items(), key=lambda kv: kv[1])
    if english < 0.12 and best >= 0.15 and best > 2 * english:
        return other
    if latin < 0.5 * letters and english < 0.12:
        return "an unknown script"
    return "en"


def is_english_code(value: str | None) -> bool:
    """Whether a declared language (``en``, ``en-GB``, ``eng``, ``English``) is English."""
    if not value:
        return True
    head = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return head in ("en", "eng", "english")
