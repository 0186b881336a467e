"""Named-entity spans on CoNLL BIO files (re3d, CoNLL-2003 layout), scored like conlleval.

Why: Khabar's events are only as good as the persons, organizations and places under them.
re3d (Dstl, Syria/Iraq conflict reporting) is public gold for exactly that domain, so it
measures the mention layer (``nlp.mentions`` + ``nlp.entities``) on text nobody here wrote.

Protocol (``docs/eval/conll.md`` gives the reasons):

* A file is token-per-line, the token in the first column and the BIO label in the last,
  sentences separated by blank lines; ``-DOCSTART-`` lines, where present, delimit documents.
  re3d has none (its sentences are shuffled), so there each sentence is one unit; otherwise a
  document is one unit and Khabar sees the whole document at once.
* Each unit's text is rebuilt from its tokens (``detokenize``: no space before closing
  punctuation, hyphens and in-word apostrophes re-joined) with a token -> character map, so
  Khabar and spaCy read ordinary prose and their character spans map back onto tokens.
* Gold types Person / Organisation / Location (also PER / ORG / LOC) are compared with
  Khabar's ``person`` / ``organization`` / ``place`` entity mentions; every other gold type
  (Nationality, Temporal, Weapon, ...) is left out on both sides.
* A prediction is right when its token span and type equal a gold chunk's (conlleval's exact
  match); micro P/R/F1 over the three types is the headline. Also reported: the same with types
  ignored ("untyped"), and "names" (gold chunks holding a capitalised non-stop word, i.e.
  leaving out re3d's pronouns and common-noun mentions, with a leading article ignored on both
  sides). The bare spaCy model (PERSON; ORG; GPE+LOC+FAC) runs on the same text as a baseline.
* ``--split dev`` is a fixed fifth of the units chosen by a hash of their text (re3d ships one
  training file, so this is the part we choose on), ``train`` the rest, ``all`` (the default,
  for any held-out file) every unit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError

__all__ = [
    "TYPES", "Unit", "read_conll", "detokenize", "bio_spans", "is_dev", "select", "char_to_tokens",
    "khabar_spans", "spacy_spans", "score", "evaluate", "add_arguments", "run", "tables",
]

TYPES = ("person", "organization", "place")
_GOLD_TYPES = {"person": "person", "per": "person", "organisation": "organization", "organization": "organization",
               "org": "organization", "location": "place", "loc": "place"}
_SPACY_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
_CLOSERS = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "\u2026", "'s", "n't", "\u2019s"}
_OPENERS = {"(", "[", "{", "$", "\u00a3", "#"}
_OPEN_QUOTES = {"\u201c", "\u2018", "``"}
_CLOSE_QUOTES = {"\u201d", "''"}
_APOSTROPHES = {"'", "\u2019"}
_HYPHENS = {"-", "\u2010", "\u2011"}
_ARTICLES = {"the", "a", "an"}

Span3 = tuple[int, int, str]  # token start, token end (exclusive), type


@dataclass
class Unit:
    """What Khabar reads at once: a document (``-DOCSTART-`` files) or a sentence (re3d)."""

    id: str  # "re3d-train.conll:17" (file, index of the unit's first sentence)
    tokens: list[str]
    labels: list[str]
    sentence_starts: list[int] = field(default_factory=list)  # token index of each sentence
    text: str = ""
    offsets: list[tuple[int, int]] = field(default_factory=list)  # token -> [start, end) in text

    def gold(self) -> set[Span3]:
        return {s for s in bio_spans(self.labels) if s[2] in TYPES}


# ---- reading --------------------------------------------------------------------------------------

def _files(path: Path, pattern: str) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.exists():
        raise KhabarError.make("E602", dataset="CoNLL", path=str(path), why="no such file or folder")
    files = sorted(p for p in path.glob(pattern) if p.is_file())
    if not files:
        raise KhabarError.make("E602", dataset="CoNLL", path=str(path), why=f"no file matches {pattern!r}")
    return files


def read_conll(path: str | Path, *, pattern: str = "*.conll") -> list[Unit]:
    """Units (documents, or sentences when the file has no ``-DOCSTART-``) of a file or folder."""
    units: list[Unit] = []
    for file in _files(Path(path), pattern):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise KhabarError.make("E603", dataset="CoNLL", path=str(file), why=str(exc)) from None
        units += _units(file, lines)
    if not units:
        raise KhabarError.make("E603", dataset="CoNLL", path=str(path), why="no tokens")
    for unit in units:
        unit.text, unit.offsets = detokenize(unit.tokens, unit.sentence_starts)
    return units


def _units(file: Path, lines: list[str]) -> list[Unit]:
    sentences: list[tuple[int, list[str], list[str]]] = []  # (line number, tokens, labels)
    doc_breaks: set[int] = set()  # indices into sentences where a document starts
    tokens: list[str] = []
    labels: list[str] = []
    first = 0
    for n, raw in enumerate([*lines, ""], start=1):
        line = raw.strip()
        if line.startswith("-DOCSTART-") or not line:
            if tokens:
                sentences.append((first, tokens, labels))
                tokens, labels = [], []
            if line.startswith("-DOCSTART-"):
                doc_breaks.add(len(sentences))
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if len(cols) < 2:
            raise KhabarError.make("E603", dataset="CoNLL", path=str(file),
                                   why=f"line {n} has no label column: {raw[:60]!r}")
        label = cols[-1].strip()
        if label != "O" and not (len(label) > 2 and label[0] in "BIES" and label[1] in "-_"):
            raise KhabarError.make("E603", dataset="CoNLL", path=str(file),
                                   why=f"line {n}: label {label!r} is not BIO")
        if not tokens:
            first = n
        tokens.append(cols[0])
        labels.append(label)
    if not doc_breaks:  # re3d: no document boundaries, one unit per sentence
        return [Unit(f"{file.name}:{line}", toks, labs, [0]) for line, toks, labs in sentences]
    units: list[Unit] = []
    starts = sorted(doc_breaks | {0})
    for a, b in zip(starts, [*starts[1:], len(sentences)], strict=True):
        group = sentences[a:b]
        if not group:
            continue
        unit = Unit(f"{file.name}:{group[0][0]}", [], [], [])
        for _, toks, labs in group:
            unit.sentence_starts.append(len(unit.tokens))
            unit.tokens += toks
            unit.labels += labs
        units.append(unit)
    return units


def detokenize(tokens: Sequence[str], sentence_starts: Sequence[int] = (0,)) -> tuple[str, list[tuple[int, int]]]:
    """Ordinary prose from tokens, and each token's character range in it.

    Why not join with spaces: "Da ’ esh", "al - Ansari" and "( Arabic" parse worse than
    "Da’esh", "al-Ansari" and "(Arabic"; spans still map one-to-one onto tokens. Sentences of one
    document are separated by a line break.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    glue_next = True
    quote_open = False
    starts = set(sentence_starts)
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i > 0 else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        glue = glue_next
        glue_next = False
        if tok == '"':
            glue = glue or quote_open
            glue_next = not quote_open
            quote_open = not quote_open
        elif tok in _CLOSERS or tok in _CLOSE_QUOTES:
            glue = True
        elif tok in _OPENERS or tok in _OPEN_QUOTES:
            glue_next = True
        elif tok in _APOSTROPHES and prev[-1:].isalpha() and nxt[:1].isalpha() and nxt[:1].islower():
            glue = glue_next = True  # "Da ’ esh", "coalition ’ s", "They ' d"
        elif tok in _HYPHENS and (prev[-1:].isalnum() or prev[-2:-1].isalpha() and prev[-1:] == ".") \
                and nxt[:1].isalnum():
            glue = glue_next = True  # "al - Ansari", "U.S. - led" keep one word
        elif tok in ("n't", "'s", "'d", "'ll", "'re", "'ve", "'m"):
            glue = True
        if i in starts and i > 0:
            parts.append("\n")
            pos += 1
        elif i > 0 and not glue:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
    return "".join(parts), offsets


def bio_spans(labels: Sequence[str]) -> list[Span3]:
    """Chunks of a label sequence, conlleval's way: an I- after O or another type starts a chunk;
    E-/S- (BIOES) close one. Types are mapped to Khabar's; unknown types keep their own name."""
    spans: list[Span3] = []
    start, kind = None, None

    def close(end: int) -> None:
        if start is not None:
            spans.append((start, end, _GOLD_TYPES.get(kind.lower(), kind)))

    for i, label in enumerate(labels):
        tag, t = (label[0], label[2:]) if label != "O" else ("O", None)
        if tag == "O" or tag in "BS" or t != kind or start is None:
            close(i)
            start, kind = (None, None) if tag == "O" else (i, t)
        if tag in "ES":
            close(i + 1)
            start, kind = None, None
    close(len(labels))
    return spans


# ---- splits --------------------------------------------------------------------------------------

def is_dev(unit: Unit) -> bool:
    """The fixed dev fifth: a hash of the unit's tokens, so it never depends on file order."""
    digest = hashlib.sha1(" ".join(unit.tokens).encode("utf-8")).digest()
    return digest[0] % 5 == 0


def select(units: list[Unit], split: str) -> list[Unit]:
    if split == "all":
        return units
    if split not in ("dev", "train"):
        raise ValueError(f"split {split!r} is not dev, train or all")
    return [u for u in units if is_dev(u) == (split == "dev")]


# ---- predictions ----------------------------------------------------------------------------------

def char_to_tokens(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The tokens a character span covers, widened to whole tokens; None when it covers none."""
    inside = [i for i, (a, b) in enumerate(offsets) if a < end and start < b]
    return (inside[0], inside[-1] + 1) if inside else None


def khabar_spans(unit: Unit) -> set[Span3]:
    """Khabar's person/organization/place mentions as token spans."""
    from khabar import extract

    report = extract(unit.text)
    out: set[Span3] = set()
    for ent in report.entities:
        if ent.type not in TYPES:
            continue
        for m in ent.mentions:
            toks = char_to_tokens(unit.offsets, m.start, m.end)
            if toks is not None:
                out.add((*toks, ent.type))
    return out


def spacy_spans(unit: Unit) -> set[Span3]:
    """The bare spaCy model Khabar loads, its labels mapped (PERSON; ORG; GPE, LOC, FAC)."""
    from khabar.nlp.pipeline import load_nlp

    out: set[Span3] = set()
    for ent in load_nlp()(unit.text).ents:
        kind = _SPACY_TYPES.get(ent.label_)
        toks = char_to_tokens(unit.offsets, ent.start_char, ent.end_char) if kind else None
        if toks is not None:
            out.add((*toks, kind))
    return out


# ---- scoring --------------------------------------------------------------------------------------

def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def _is_name(tokens: Sequence[str], span: Span3) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    return any(t[:1].isupper() and t.lower() not in STOP_WORDS for t in tokens[span[0]:span[1]])


def _names_view(tokens: Sequence[str], spans: Iterable[Span3]) -> set[Span3]:
    """Name-like spans, a leading article dropped: 'the United States' == 'United States'."""
    out = set()
    for s, e, t in spans:
        if not _is_name(tokens, (s, e, t)):
            continue
        while e - s > 1 and tokens[s].lower() in _ARTICLES:
            s += 1
        out.add((s, e, t))
    return out


def score(pairs: Iterable[tuple[set[Span3], set[Span3]]], *, tokens: Sequence[Sequence[str]] | None = None,
          view: str = "typed") -> dict[str, Any]:
    """Exact-span P/R/F1 per type and micro over ``TYPES``, from (gold, predicted) pairs per unit.

    ``view``: ``typed`` (conlleval), ``untyped`` (spans only), or ``names`` (needs ``tokens``,
    one list per pair: gold and predictions restricted to names, leading article ignored).
    """
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, pred, gold
    total = [0, 0, 0]
    for k, (gold, pred) in enumerate(pairs):
        gold = {s for s in gold if s[2] in TYPES}
        pred = {s for s in pred if s[2] in TYPES}
        if view == "names":
            assert tokens is not None, "the names view needs the tokens"
            gold, pred = _names_view(tokens[k], gold), _names_view(tokens[k], pred)
        if view == "untyped":
            g2, p2 = {s[:2] for s in gold}, {s[:2] for s in pred}
            total[0] += len(g2 & p2)
            total[1] += len(p2)
            total[2] += len(g2)
            continue
        for t in TYPES:
            g = {s for s in gold if s[2] == t}
            p = {s for s in pred if s[2] == t}
            counts[t][0] += len(g & p)
            counts[t][1] += len(p)
            counts[t][2] += len(g)
        total[0] += len(gold & pred)
        total[1] += len(pred)
        total[2] += len(gold)
    out: dict[str, Any] = {"micro": _prf(*total)}
    if view != "untyped":
        out["types"] = {t: _prf(*c) for t, c in counts.items()}
    return out


def evaluate(units: list[Unit], predict: Callable[[Unit], set[Span3]]) -> dict[str, Any]:
    """Run ``predict`` on every unit; scores in the three views and the raw predictions."""
    t0 = time.perf_counter()
    preds = [predict(u) for u in units]
    seconds = time.perf_counter() - t0
    pairs = [(u.gold(), p) for u, p in zip(units, preds, strict=True)]
    toks = [u.tokens for u in units]
    return {"typed": score(pairs), "untyped": score(pairs, view="untyped"),
            "names": score(pairs, tokens=toks, view="names"), "seconds": round(seconds, 2),
            "predictions": preds}


# ---- the command ----------------------------------------------------------------------------------

def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="all", choices=("all", "dev", "train"),
                        help="dev: the fixed hashed fifth we choose on; train: the rest; all (default): every unit")
    parser.add_argument("--method", default="all", choices=("khabar", "spacy", "all"))
    parser.add_argument("--files", default="*.conll", help="files to read when --data is a folder (glob)")


def _write_predictions(path: str, units: list[Unit], preds: dict[str, list[set[Span3]]]) -> None:
    """conlleval's input: token, gold label, then one BIO column per method."""
    def labels(n: int, spans: set[Span3]) -> list[str]:
        out = ["O"] * n
        for s, e, t in sorted(spans, key=lambda x: (x[0], -x[1])):
            if all(x == "O" for x in out[s:e]):
                out[s:e] = [f"B-{t}"] + [f"I-{t}"] * (e - s - 1)
        return out

    lines = ["# token gold " + " ".join(preds)]
    for k, u in enumerate(units):
        cols = [labels(len(u.tokens), p[k]) for p in preds.values()]
        gold = labels(len(u.tokens), u.gold())
        lines.append(f"# {u.id}")
        lines += [" ".join([tok.replace(" ", "_"), gold[i], *(c[i] for c in cols)]) for i, tok in enumerate(u.tokens)]
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(args: Any) -> dict[str, Any]:
    """Read the file(s), pick the split, run Khabar and/or spaCy, score."""
    units = select(read_conll(args.data, pattern=args.files), args.split)
    if args.limit is not None:
        units = units[: args.limit]
    methods = {"khabar": khabar_spans, "spacy": spacy_spans}
    chosen = list(methods) if args.method == "all" else [args.method]
    results: dict[str, Any] = {}
    preds: dict[str, list[set[Span3]]] = {}
    for name in chosen:
        r = evaluate(units, methods[name])
        preds[name] = r.pop("predictions")
        results[name] = r
    if args.predictions:
        _write_predictions(args.predictions, units, preds)
    gold_counts = {t: sum(1 for u in units for s in u.gold() if s[2] == t) for t in TYPES}
    first = results[chosen[0]]
    return {"dataset": "conll", "data": str(args.data), "split": args.split, "units": len(units),
            "tokens": sum(len(u.tokens) for u in units), "gold_mentions": gold_counts, "results": results,
            "headline": {"name": f"micro F1, exact span and type ({chosen[0]})", "value": first["typed"]["micro"]["f1"]}}


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    def cell(x: dict[str, Any]) -> str:
        return f"{100 * x['p']:.1f} / {100 * x['r']:.1f} / {100 * x['f1']:.1f}"

    gold = results["gold_mentions"]
    table = Table(title=f"CoNLL NER, {results['data']} ({results['split']}): {results['units']} units, "
                        f"{results['tokens']} tokens; gold {gold['person']} person, {gold['organization']} "
                        f"organization, {gold['place']} place. P / R / F1, exact spans")
    table.add_column("score")
    methods = results["results"]
    for name in methods:
        table.add_column(name, justify="right")
    rows = [(t, lambda r, t=t: r["typed"]["types"][t]) for t in TYPES]
    rows += [("micro (headline)", lambda r: r["typed"]["micro"]), ("untyped", lambda r: r["untyped"]["micro"]),
             ("names", lambda r: r["names"]["micro"])]
    for label, get in rows:
        table.add_row(label, *(cell(get(r)) for r in methods.values()))
    table.add_row("seconds", *(f"{r['seconds']:.1f}" for r in methods.values()))
    return [table]
