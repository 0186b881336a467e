"""TempEval-3 Task A (temporal expressions): reader, scorer and ``khabar eval timex``.

Why: dates decide which reports describe the same incident, and a date grammar tuned only on
our own articles can look better than it is. TimeBank and AQUAINT (TempEval-3's training data,
"TBAQ-cleaned") give 1,800 expressions that someone else annotated with TimeML values.

Protocol (docs/eval/timex.md has the details):

* every ``.tml`` file under ``--data`` (recursively) is a document; the text scored is the one
  inside ``<TEXT>`` with its tags removed, offsets into that plain text;
* the publication date is the value of the document creation time (the TIMEX3 with
  ``functionInDocument="CREATION_TIME"``, or the one inside ``<DCT>``); it is not scored, as the
  official scorer skips ``t0``;
* gold expressions are the TIMEX3s inside ``<TEXT>`` that cover some text (empty, non-consuming
  ones are skipped, as the official scorer's regular expression skips them);
* matching is one-to-one by character overlap (the TimeML-Normalizer the official script runs
  first gives an overlapping system expression the gold one's id); a strict match has the same
  span. Precision, recall and F1 are micro-averaged over all documents;
* attribute scores are those of ``evaluate_entities.py``: accuracy = correct attributes over
  relaxed matches, and attribute F1 = accuracy x relaxed F1. **Value F1** over all TIMEX3 types
  is the TempEval-3 headline (HeidelTime 77.61, SUTime 67.38 on the TempEval-3 platinum test).

Splits: the TBAQ release here is training data, two corpora annotated in two styles (AQUAINT:
news wire like the TempEval-3 test; TimeBank: mostly Wall Street Journal and broadcast news).
``dev`` and ``tune`` cut both corpora by a hash of the file name (a third to dev), so that the
choices made on ``tune`` see both styles and ``dev`` measures both; ``aquaint`` and ``timebank``
are the whole corpora (``aquaint`` was the dev split of the first grammar), ``all`` is every
file. Data without AQUAINT/TimeBank folders (a test set) is scored whole whatever the split says.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError

__all__ = [
    "GoldTimex", "TmlDoc", "read_tml", "load_tml", "match", "score", "predict",
    "add_arguments", "run", "tables", "SPLITS", "hash_part",
]

DATASET = "TempEval-3"
CORPORA = {"aquaint": "AQUAINT", "timebank": "TimeBank"}
SPLITS = ("dev", "tune", *CORPORA)
TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """One annotated expression; ``doc.text[start:end] == text``."""

    start: int
    end: int
    text: str
    type: str
    value: str
    tid: str = ""


@dataclass(slots=True)
class TmlDoc:
    id: str
    path: str
    dct: str | None  # the creation time's value ("1998-08-07", "1998-08-07T06:18:00")
    text: str = field(repr=False)
    timexes: list[GoldTimex] = field(default_factory=list)

    @property
    def published(self) -> date | None:
        try:
            return date.fromisoformat(self.dct[:10]) if self.dct else None
        except ValueError:
            return None


def _plain(elem: ET.Element, parts: list[str], spans: list[tuple[ET.Element, int, int]], pos: int) -> int:
    """Append the text under ``elem`` to ``parts``, recording where each child element lies."""
    if elem.text:
        parts.append(elem.text)
        pos += len(elem.text)
    for child in elem:
        start = pos
        pos = _plain(child, parts, spans, pos)
        spans.append((child, start, pos))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def read_tml(path: str | Path) -> TmlDoc:
    """One TimeML document: its plain text, creation time and gold TIMEX3s (E603 when unreadable)."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, UnicodeDecodeError, OSError) as exc:
        raise KhabarError.make("E603", dataset=DATASET, path=str(path), why=f"not TimeML XML ({exc})") from exc
    text_elem = root.find(".//TEXT")
    if text_elem is None:
        raise KhabarError.make("E603", dataset=DATASET, path=str(path), why="no <TEXT> element")
    dct = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            dct = t.get("value")
            break
    if dct is None:
        inside = root.find(".//DCT/TIMEX3")
        dct = inside.get("value") if inside is not None else None
    parts: list[str] = []
    spans: list[tuple[ET.Element, int, int]] = []
    _plain(text_elem, parts, spans, 0)
    text = "".join(parts)
    gold = [GoldTimex(s, e, text[s:e], el.get("type", ""), el.get("value", ""), el.get("tid", ""))
            for el, s, e in spans
            if el.tag == "TIMEX3" and e > s and text[s:e].strip() and el.get("functionInDocument") != "CREATION_TIME"]
    gold.sort(key=lambda g: (g.start, g.end))
    docid = (root.findtext("DOCID") or "").strip() or path.stem
    return TmlDoc(docid, str(path), dct, text, gold)


def _corpus_of(path: Path, root: Path) -> str | None:
    """"AQUAINT" or "TimeBank" when the file lies in such a folder under ``root``."""
    parts = path.relative_to(root).parts if root.is_dir() else ()
    return next((folder for folder in CORPORA.values() if folder in parts), None)


def hash_part(name: str) -> str:
    """``dev`` for a third of the file names, ``tune`` for the rest, the same on every machine.

    Why a hash: it cuts both corpora alike without anyone choosing documents, and it was fixed
    before the grammar's second round of changes (docs/eval/timex.md)."""
    return "dev" if int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "tune"


def _in_split(path: Path, root: Path, split: str) -> bool:
    corpus = _corpus_of(path, root)
    if split in CORPORA:
        return corpus == CORPORA[split]
    return corpus is not None and hash_part(path.stem) == split


def load_tml(data: str | Path, *, split: str = "all", limit: int | None = None) -> list[TmlDoc]:
    """The documents of ``split`` under ``data`` (a folder searched recursively, or one file)."""
    root = Path(data)
    if not root.exists():
        raise KhabarError.make("E602", dataset=DATASET, path=str(root), why="no such file or folder")
    files = sorted(root.rglob("*.tml")) if root.is_dir() else [root]
    if not files:
        raise KhabarError.make("E602", dataset=DATASET, path=str(root), why="no .tml files under it")
    if split not in ("all", *SPLITS):
        raise KhabarError.make("E602", dataset=DATASET, path=str(root),
                               why=f"unknown split {split!r} (all, {', '.join(SPLITS)})")
    if split != "all" and any(_corpus_of(f, root) for f in files):
        files = [f for f in files if _in_split(f, root, split)]
    if limit is not None:
        files = files[:limit]
    return [read_tml(f) for f in files]


# ---- scoring -------------------------------------------------------------------------------------

def _overlap(a: Any, b: Any) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def match(gold: Sequence[Any], pred: Sequence[Any]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) that share at least one character.

    Exact spans pair first, then the largest overlaps, so one long prediction covering two gold
    expressions is credited once, as the official id normaliser does."""
    cands = [(g.start != p.start or g.end != p.end, -_overlap(g, p), gi, pi)
             for gi, g in enumerate(gold) for pi, p in enumerate(pred) if _overlap(g, p) > 0]
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, gi, pi in sorted(cands):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def _prf(hits_p: int, n_pred: int, hits_r: int, n_gold: int) -> dict[str, float]:
    p = hits_p / n_pred if n_pred else 0.0
    r = hits_r / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(pairs_by_doc: Iterable[tuple[Sequence[Any], Sequence[Any]]], *,
          types: Sequence[str] | None = None) -> dict[str, Any]:
    """TempEval-3 Task A scores over (gold, predicted) lists, one pair per document.

    ``types`` restricts both sides to those TIMEX3 types first (the per-type tables)."""
    n_gold = n_pred = strict = relaxed = type_ok = value_ok = 0
    for gold, pred in pairs_by_doc:
        if types is not None:
            gold = [g for g in gold if g.type in types]
            pred = [p for p in pred if p.type in types]
        n_gold += len(gold)
        n_pred += len(pred)
        for gi, pi in match(gold, pred):
            g, p = gold[gi], pred[pi]
            relaxed += 1
            strict += (g.start, g.end) == (p.start, p.end)
            type_ok += g.type == p.type
            value_ok += (p.value or "") == g.value
    rel = _prf(relaxed, n_pred, relaxed, n_gold)
    type_acc = type_ok / relaxed if relaxed else 0.0
    value_acc = value_ok / relaxed if relaxed else 0.0
    return {"gold": n_gold, "predicted": n_pred, "strict_matches": strict, "relaxed_matches": relaxed,
            "strict": _prf(strict, n_pred, strict, n_gold), "relaxed": rel,
            "type_accuracy": type_acc, "value_accuracy": value_acc,
            "type_f1": type_acc * rel["f1"], "value_f1": value_acc * rel["f1"]}


# ---- prediction ----------------------------------------------------------------------------------

def predict(doc: TmlDoc) -> list[Any]:
    """Khabar's TIMEX3s for one document, anchored on its creation time; tense comes from the
    spaCy parse Khabar runs anyway (``khabar.nlp.pipeline.parse``)."""
    from khabar.nlp.pipeline import parse
    from khabar.nlp.timex import find_timexes

    return find_timexes(doc.text, doc.published, parser=parse)


def evaluate(docs: Sequence[TmlDoc], predictor: Callable[[TmlDoc], Sequence[Any]] = predict, *,
             groups: dict[str, str] | None = None) -> dict[str, Any]:
    """Scores overall, per TIMEX3 type and, when ``groups`` maps document paths to corpora, per
    corpus (the hash split mixes two annotation styles; each is worth seeing alone)."""
    preds = {d.path: list(predictor(d)) for d in docs}
    pairs = [(d.timexes, preds[d.path]) for d in docs]
    by_type = {t: score(pairs, types=(t,)) for t in TYPES}
    by_type["DATE+TIME"] = score(pairs, types=("DATE", "TIME"))
    by_corpus = {}
    for name in sorted(set((groups or {}).values())):
        part = [d for d in docs if (groups or {}).get(d.path) == name]
        by_corpus[name] = {"documents": len(part), **score([(d.timexes, preds[d.path]) for d in part])}
    return {"documents": len(docs), "overall": score(pairs), "by_type": by_type, "by_corpus": by_corpus,
            "predictions": preds}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="all", choices=("all", *SPLITS),
                        help="dev / tune: a third / two thirds of AQUAINT and TimeBank by a hash of the file "
                             "name; aquaint, timebank: one corpus; all: every .tml file (data without those "
                             "folders, a test set, is scored whole)")


def run(args: Any) -> dict[str, Any]:
    """Tag and normalise the documents of ``--split``; score them as TempEval-3 Task A."""
    docs = load_tml(args.data, split=args.split, limit=args.limit)
    root = Path(args.data)
    groups = {d.path: c for d in docs if (c := _corpus_of(Path(d.path), root))}
    result = evaluate(docs, groups=groups)
    preds = result.pop("predictions")
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as out:
            for d in docs:
                for t in preds[d.path]:
                    out.write(json.dumps({"doc": d.id, "start": t.start, "end": t.end, "text": t.text,
                                          "type": t.type, "value": t.value}) + "\n")
    whole = args.split != "all" and not groups
    overall = result["overall"]
    return {"dataset": "timex", "split": "all (no AQUAINT/TimeBank folders)" if whole else args.split,
            "data": str(args.data), **result,
            "headline": {"name": "TempEval-3 value F1 (all TIMEX3 types)", "value": overall["value_f1"]}}


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    o = results["overall"]
    table = Table(title=f"TempEval-3 Task A, {results['split']}: {results['documents']} documents",
                  caption="strict: F1 on exact spans; P/R/F1: any overlap; type, value: accuracy on those "
                          "matches; value F1 = value x F1", box=None, pad_edge=False)
    table.add_column("types", no_wrap=True, min_width=9)
    for col in ("gold", "pred", "strict", "P", "R", "F1", "type", "value", "value F1"):
        table.add_column(col, justify="right", no_wrap=True)
    corpora = [(f"{k} docs", v) for k, v in results.get("by_corpus", {}).items()] if len(
        results.get("by_corpus", {})) > 1 else []
    for name, r in [("all", o), *results["by_type"].items(), *corpora]:
        if not r["gold"] and not r["predicted"]:
            table.add_row(name, "0", "0", *["-"] * 7)
            continue
        rel = r["relaxed"]
        table.add_row(name, str(r["gold"]), str(r["predicted"]),
                      *(f"{100 * x:.1f}" for x in (r["strict"]["f1"], rel["p"], rel["r"], rel["f1"],
                                                   r["type_accuracy"], r["value_accuracy"])),
                      f"{100 * r['value_f1']:.2f}", style="bold" if name == "all" else None)
    return [table]
