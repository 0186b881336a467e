"""Score a report against a gold file exactly as ``shared/gold/README.md`` describes.

Entities: recall over required gold entities, precision over extracted persons,
organizations and places, fragmentation, geo accuracy. Events: one-to-one matching
(best first) of extracted events to gold events whose ``accept_types`` include the
extracted type and of whose slots at least half are right; precision, recall, F1 and
slot accuracy. A gold date of null is a slot too: it is right only when the extraction
also leaves the date unknown (we never invent dates).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError
from khabar.nlp.places import haversine_km
from khabar.nlp.text import norm_name

__all__ = ["load_gold", "score", "evaluate_files", "haversine_km"]

_SIDE = {"actor": "actor", "claimant": "actor", "target": "target", "victim": "target",
         "source": "source", "instrument": "instrument"}
_TYPES = ("person", "organization", "place")


def load_gold(path: str | Path) -> tuple[dict[str, Any], str]:
    """(gold dict, article text) for one gold file; the article path is relative to it."""
    p = Path(path)
    try:
        gold = json.loads(p.read_text(encoding="utf-8"))
        article = p.parent / gold["document"]["path"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KhabarError.make("E301", path=str(p), why=str(exc)) from None
    if not article.exists():
        raise KhabarError.make("E302", path=str(p), article=str(article))
    return gold, article.read_text(encoding="utf-8")


def _names(e: dict[str, Any]) -> set[str]:
    return {norm_name(n) for n in [e.get("name", ""), *e.get("aliases", []), *e.get("names", [])] if n}


def _entity_matches(gold_e: dict[str, Any], ext: dict[str, Any]) -> bool:
    return ext["type"] == gold_e["type"] and bool(_names(gold_e) & _names(ext))


def score(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    ents = [e for e in report["entities"] if e["type"] in _TYPES]
    by_id = {e["id"]: e for e in report["entities"]}
    gold_ents = {g["key"]: g for g in gold["entities"]}
    required = [g for g in gold["entities"] if not g.get("optional")]

    found, fragmented, missing, geo_right, geo_total, geo_wrong = 0, [], [], 0, 0, []
    for g in required:
        hits = [e for e in ents if _entity_matches(g, e)]
        if hits:
            found += 1
            if len(hits) > 1:
                fragmented.append(g["key"])
            if g["type"] == "place" and (g.get("lat") is not None or g.get("feature") == "country"):
                geo_total += 1
                if _geo_right(g, hits[0]):
                    geo_right += 1
                else:
                    geo_wrong.append(g["key"])
        else:
            missing.append(g["key"])
    matched_ext = [e for e in ents if any(_entity_matches(g, e) for g in gold["entities"])]
    spurious = [e["name"] for e in ents if e not in matched_ext]

    ev = _score_events(report["events"], gold, gold_ents, by_id)
    return {
        "document": gold["document"].get("path"),
        "entities": {
            "required": len(required), "found": found, "extracted": len(ents),
            "matched_extracted": len(matched_ext), "fragmented": fragmented, "missing": missing,
            "spurious": spurious, "geo_total": geo_total, "geo_right": geo_right, "geo_wrong": geo_wrong,
        },
        "events": ev,
    }


def _geo_right(g: dict[str, Any], e: dict[str, Any]) -> bool:
    geo = e.get("geo") or {}
    if g.get("feature") == "country":
        return geo.get("country") == g.get("country")
    if geo.get("lat") is None or g.get("lat") is None:
        return False
    limit = 150.0 if g.get("feature") in ("province", "region") else 60.0
    return haversine_km(geo["lat"], geo["lon"], g["lat"], g["lon"]) <= limit


def _slots(ext: dict[str, Any], g: dict[str, Any], gold_ents: dict[str, dict], by_id: dict[str, dict]) -> tuple[int, int]:
    right = total = 0
    # date
    total += 1
    start = (ext.get("date") or {}).get("start")
    if g.get("date") is None:
        right += start is None
    else:
        right += bool(start) and str(start).startswith(g["date"])
    # location
    gl = g.get("location")
    if not (gl and gl.get("optional")):
        total += 1
        right += _location_right(ext.get("location"), gl, gold_ents)
    # participants
    for gp in g.get("participants", []):
        total += 1
        keys = [gp["entity"], *gp.get("also_accept", [])]
        names: set[str] = set()
        for k in keys:
            if k in gold_ents:
                names |= _names(gold_ents[k])
        side = _SIDE.get(gp["role"], gp["role"])
        ok = False
        for p in ext.get("participants", []):
            if _SIDE.get(p["role"], p["role"]) != side:
                continue
            cand = _names(by_id[p["entity"]]) if p.get("entity") in by_id else {norm_name(p.get("name", ""))}
            if cand & names:
                ok = True
                break
        right += ok
    # fatalities
    gf = g.get("fatalities")
    if gf:
        total += 1
        right += _count_right(ext.get("fatalities"), gf)
    return right, total


def _location_right(loc: dict[str, Any] | None, gl: dict[str, Any] | None, gold_ents: dict[str, dict]) -> bool:
    if gl is None:
        return loc is None
    if loc is None:
        return False
    names = {norm_name(n) for n in gl.get("names", [])}
    places = [e for e in gold_ents.values() if e["type"] == "place" and _names(e) & names]
    if any(p.get("feature") == "country" for p in places) and all(p.get("feature") == "country" for p in places):
        return loc.get("country") == gl.get("country")
    if norm_name(loc.get("name") or "") in names:
        return True
    for p in places:
        if p.get("lat") is not None and loc.get("lat") is not None and \
                haversine_km(loc["lat"], loc["lon"], p["lat"], p["lon"]) <= 60:
            return True
    return False


def _count_right(ext: dict[str, Any] | None, gf: dict[str, Any]) -> bool:
    if not ext:
        return False
    lo, hi = ext.get("min"), ext.get("max")
    lo = -1 if lo is None else lo
    hi = 10**9 if hi is None else hi
    glo = gf.get("min") if gf.get("min") is not None else -1
    ghi = gf.get("max") if gf.get("max") is not None else 10**9
    if lo <= ghi and glo <= hi:
        return True
    return any(lo <= v <= hi for v in gf.get("also_accept", []))


def _score_events(events: list[dict], gold: dict, gold_ents: dict, by_id: dict) -> dict[str, Any]:
    golds = gold.get("events", [])
    pairs = []
    for i, ext in enumerate(events):
        for j, g in enumerate(golds):
            if ext["type"] not in g.get("accept_types", [g["type"]]):
                continue
            right, total = _slots(ext, g, gold_ents, by_id)
            if total and right * 2 >= total:
                pairs.append((not g.get("optional"), right / total, right, total, i, j))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[4], p[5]))
    used_e, used_g, matches = set(), set(), []
    for required, _, right, total, i, j in pairs:
        if i in used_e or j in used_g:
            continue
        used_e.add(i)
        used_g.add(j)
        matches.append((required, right, total, i, j))
    req_gold = sum(1 for g in golds if not g.get("optional"))
    tp = sum(1 for m in matches if m[0])
    opt = sum(1 for m in matches if not m[0])
    counted = len(events) - opt
    p = tp / counted if counted else (1.0 if req_gold == 0 else 0.0)
    r = tp / req_gold if req_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    sr = sum(m[1] for m in matches if m[0])
    st = sum(m[2] for m in matches if m[0])
    return {
        "gold": req_gold, "extracted": len(events), "matched": tp, "matched_optional": opt,
        "precision": p, "recall": r, "f1": f, "slots_right": sr, "slots_total": st,
        "slot_accuracy": sr / st if st else 1.0,
        "unmatched_gold": [g["key"] for j, g in enumerate(golds) if j not in used_g and not g.get("optional")],
        "unmatched_extracted": [f"{events[i]['id']}:{events[i]['type']}" for i in range(len(events)) if i not in used_e],
        "pairs": [{"gold": golds[j]["key"], "event": events[i]["id"], "slots": f"{r_}/{t}"} for _, r_, t, i, j in matches],
    }


def aggregate(results: list[dict[str, Any]]) -> dict[str, Any]:
    e = [r["entities"] for r in results]
    v = [r["events"] for r in results]
    req = sum(x["required"] for x in e)
    ext = sum(x["extracted"] for x in e)
    gold_ev = sum(x["gold"] for x in v)
    counted = sum(x["extracted"] - x["matched_optional"] for x in v)
    tp = sum(x["matched"] for x in v)
    p = tp / counted if counted else (1.0 if gold_ev == 0 else 0.0)
    r = tp / gold_ev if gold_ev else 1.0
    st = sum(x["slots_total"] for x in v)
    gt = sum(x["geo_total"] for x in e)
    return {
        "documents": len(results),
        "entity_recall": sum(x["found"] for x in e) / req if req else 1.0,
        "entity_precision": sum(x["matched_extracted"] for x in e) / ext if ext else 1.0,
        "fragmented": sum(len(x["fragmented"]) for x in e),
        "geo_accuracy": sum(x["geo_right"] for x in e) / gt if gt else 1.0,
        "event_precision": p,
        "event_recall": r,
        "event_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "slot_accuracy": sum(x["slots_right"] for x in v) / st if st else 1.0,
        "gold_events": gold_ev,
        "extracted_events": sum(x["extracted"] for x in v),
    }


def evaluate_files(paths: Iterable[str | Path], *, extractor: Callable[..., Any] | None = None,
                   on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run extraction over each gold file's article and score it."""
    if extractor is None:
        from khabar.core import extract as extractor
    results = []
    for path in paths:
        gold, text = load_gold(path)
        doc = gold["document"]
        report = extractor(text, published=doc.get("published"), title=doc.get("title"),
                           source=doc.get("source"))
        results.append(score(report.to_dict(), gold))
        if on_progress:
            on_progress(str(path))
    return {"overall": aggregate(results), "documents": results}
