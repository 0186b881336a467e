"""MUC-4 (terrorism in Latin America, 1989-91): role fillers and templates, scored as GRIT and GTT do.

Why: MUC-4 is the public benchmark closest to what Khabar does (who attacked, bombed or
kidnapped whom, with what), with published figures from systems analysts know. Khabar runs
on each ``doctext`` (lower-cased, no publication date) and its output is turned into MUC
templates by :func:`to_templates`; the scorers follow the published ones:

* **CEAF-REE** (Du et al. 2021, GRIT): per document and role, predicted and gold entities are
  aligned one-to-one by the Hungarian algorithm; a predicted entity scores 1 against a gold
  entity when all of its mentions are among the gold entity's mentions, after lower-casing and
  removing punctuation, articles and extra spaces. Precision and recall are micro-averaged
  over the five roles. Gold role fillers come from ``grit_rolefiller/NAME.json`` when the
  dataset has it; otherwise from the union of the templates' entities (an entity whose
  mentions are a subset of another's is dropped), which reproduces GRIT's file for 999 of
  the 1,000 (document, role) pairs of dev.
* **Template F1** (Du et al. 2021, GTT; the figure IterX reports): per document, predicted
  templates are mapped one-to-one (or to nothing) onto gold templates to maximise the
  document's micro F1; a mapped pair counts only when the predicted incident type is part of
  the gold one (``"bombing"`` matches ``"bombing / attack"``); every template counts one
  incident-type item and one item per role entity; an entity is right when its mentions are
  a subset of a gold entity's mentions in the mapped template. Unmapped templates count in
  full against precision or recall. The published scorer tries every mapping; so does this
  one up to 200,000 mappings per document, beyond which it keeps the best of a Hungarian
  assignment on pair scores (no dev document comes near).
"""

from __future__ import annotations

import itertools
import json
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from khabar.errors import KhabarError
from khabar.eval.datasets import read_json_lines

__all__ = ["ROLES", "INCIDENT_TYPES", "MucDoc", "load_muc4", "gold_role_fillers", "normalize_mention",
           "ceaf_ree", "template_f1", "add_arguments", "run", "tables"]

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
INCIDENT_TYPES = ("attack", "bombing", "kidnapping", "arson", "robbery", "forced work stoppage")
MAX_MAPPINGS = 200_000

Mention = tuple[str, int]  # (text, character offset into doctext)
Entity = list[Mention]


@dataclass
class MucDoc:
    docid: str
    text: str
    templates: list[dict[str, Any]] = field(default_factory=list)  # incident_type + ROLES -> [Entity]
    role_fillers: dict[str, list[Entity]] = field(default_factory=dict)  # ROLES -> [Entity] (for CEAF-REE)


def _entities(raw: Any) -> list[Entity]:
    return [[(str(m), int(o)) for m, o in ent] for ent in raw or [] if ent]


def _union_fillers(templates: Sequence[dict[str, Any]]) -> dict[str, list[Entity]]:
    """Each role's entities over all templates; an entity contained in another is dropped (as GRIT)."""
    out: dict[str, list[Entity]] = {}
    for role in ROLES:
        kept: list[Entity] = []
        for t in templates:
            for ent in t.get(role, []):
                names = {m for m, _ in ent}
                if any(names <= {m for m, _ in k} for k in kept):
                    continue
                kept = [k for k in kept if not {m for m, _ in k} <= names] + [ent]
        out[role] = kept
    return out


def load_muc4(data_dir: str | Path, *, split: str = "dev", limit: int | None = None) -> list[MucDoc]:
    """Documents of ``DIR/gtt_templates/SPLIT.json`` (plus GRIT's role fillers when present)."""
    root = Path(data_dir)
    path = root / "gtt_templates" / f"{split}.json"
    if not path.is_file():
        raise KhabarError.make("E602", dataset="MUC-4", path=str(path),
                               why="expected DIR/gtt_templates/SPLIT.json (one JSON per line)")
    docs = []
    for row in read_json_lines(path, dataset="MUC-4")[:limit]:
        if "docid" not in row or "doctext" not in row:
            raise KhabarError.make("E603", dataset="MUC-4", path=str(path), why="a row lacks docid or doctext")
        templates = []
        for t in row.get("templates") or []:
            template = {"incident_type": t.get("incident_type", "attack")}
            template.update({role: _entities(t.get(role)) for role in ROLES})
            if template not in templates:  # as GTT's scorer: identical templates count once
                templates.append(template)
        docs.append(MucDoc(row["docid"], row["doctext"], templates, _union_fillers(templates)))
    grit = root / "grit_rolefiller" / f"{split}.json"
    if grit.is_file():
        extracts = {r["docid"]: r.get("extracts") or {} for r in read_json_lines(grit, dataset="MUC-4")}
        for d in docs:
            if d.docid in extracts:
                d.role_fillers = {role: _entities(extracts[d.docid].get(role)) for role in ROLES}
    return docs


def gold_role_fillers(doc: MucDoc) -> dict[str, list[list[str]]]:
    return {role: [[m for m, _ in ent] for ent in doc.role_fillers.get(role, [])] for role in ROLES}


# ---- scoring ------------------------------------------------------------------------------------------

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_mention(s: str) -> str:
    """Lower-case, drop ASCII punctuation, the articles a/an/the and extra spaces (as GRIT/GTT)."""
    return " ".join(_ARTICLES.sub(" ", s.lower().translate(_PUNCT)).split())


def _norm_entities(ents: Iterable[Iterable[Any]]) -> list[list[str]]:
    """Mentions as strings or ``[text, offset]`` pairs -> normalised strings."""
    return [[normalize_mention(m if isinstance(m, str) else m[0]) for m in ent] for ent in ents]


def _subset(gold: list[str], pred: list[str]) -> bool:
    return all(m in gold for m in pred)


def _counts() -> dict[str, float]:
    return {"p_num": 0.0, "p_den": 0.0, "r_num": 0.0, "r_den": 0.0}


def _finish(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    for c in table.values():
        p = c["p_num"] / c["p_den"] if c["p_den"] else 0.0
        r = c["r_num"] / c["r_den"] if c["r_den"] else 0.0
        c.update(p=p, r=r, f1=2 * p * r / (p + r) if p + r else 0.0)
    return table


def ceaf_ree(predicted: dict[str, dict[str, list[list[str]]]],
             gold: dict[str, dict[str, list[list[str]]]]) -> dict[str, dict[str, float]]:
    """CEAF-REE with phi-strict, per role and micro-averaged; documents of ``gold`` only.

    ``predicted`` / ``gold``: docid -> role -> entities, each a list of mention strings.
    """
    table = {role: _counts() for role in ROLES}
    for docid, g in gold.items():
        p = predicted.get(docid, {})
        for role in ROLES:
            gc, pc = _norm_entities(g.get(role, [])), _norm_entities(p.get(role, []))
            sim = 0.0
            if gc and pc:
                scores = np.array([[1.0 if _subset(ge, pe) else 0.0 for pe in pc] for ge in gc])
                rows, cols = linear_sum_assignment(-scores)
                sim = float(scores[rows, cols].sum())
            c = table[role]
            c["p_num"] += sim
            c["r_num"] += sim
            c["p_den"] += len(pc)
            c["r_den"] += len(gc)
    table["micro"] = {k: sum(table[r][k] for r in ROLES) for k in ("p_num", "p_den", "r_num", "r_den")}
    return _finish(table)


def _norm_templates(templates: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for t in templates:
        kind = t.get("incident_type")
        out.append({"incident_type": kind if isinstance(kind, str) else "attack",
                    **{role: _norm_entities(t.get(role, [])) for role in ROLES}})
    return out


_KEYS = ("incident_type", *ROLES)


def _pair(pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, list[int]] | None:
    """What one mapped pair earns: key -> [p_num, r_num]; None when the types do not match."""
    if pred["incident_type"] not in gold["incident_type"]:
        return None
    out = {"incident_type": [1, 1]}
    for role in ROLES:
        out[role] = [sum(any(_subset(g, p) for g in gold[role]) for p in pred[role]),
                     sum(any(_subset(g, p) for p in pred[role]) for g in gold[role])]
    return out


def _size(t: dict[str, Any]) -> dict[str, int]:
    return {"incident_type": 1, **{role: len(t[role]) for role in ROLES}}


def _doc_counts(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The per-key counts of the mapping that maximises this document's micro F1."""
    pairs = {(i, j): _pair(p, g) for i, p in enumerate(pred) for j, g in enumerate(gold)}
    p_den = {k: sum(_size(t)[k] for t in pred) for k in _KEYS}
    r_den = {k: sum(_size(t)[k] for t in gold) for k in _KEYS}
    total_p, total_r = sum(p_den.values()), sum(r_den.values())

    def evaluate(mapping: Sequence[int]) -> tuple[float, dict[str, list[int]]]:
        nums = {k: [0, 0] for k in _KEYS}
        for i, j in enumerate(mapping):
            got = pairs.get((i, j)) if j >= 0 else None
            if got:
                for k in _KEYS:
                    nums[k][0] += got[k][0]
                    nums[k][1] += got[k][1]
        pn, rn = sum(v[0] for v in nums.values()), sum(v[1] for v in nums.values())
        p = pn / total_p if total_p else 0.0
        r = rn / total_r if total_r else 0.0
        return (2 * p * r / (p + r) if p + r else 0.0), nums

    options = list(range(len(gold))) + [-1]
    best: tuple[float, dict[str, list[int]]] | None = None
    if len(options) ** len(pred) <= MAX_MAPPINGS:
        for mapping in itertools.product(options, repeat=len(pred)):
            used = [j for j in mapping if j >= 0]
            if len(used) != len(set(used)):
                continue
            got = evaluate(mapping)
            if best is None or got[0] > best[0]:
                best = got
    else:  # too many to enumerate: a maximum-weight assignment on what each pair earns
        w = np.zeros((len(pred), len(gold)))
        for (i, j), got in pairs.items():
            if got:
                w[i, j] = sum(a + b for a, b in got.values())
        rows, cols = linear_sum_assignment(-w)
        mapping = [-1] * len(pred)
        for i, j in zip(rows, cols, strict=True):
            if w[i, j] > 0:
                mapping[i] = int(j)
        best = evaluate(mapping)
    nums = best[1] if best else {k: [0, 0] for k in _KEYS}
    return {k: {"p_num": nums[k][0], "p_den": p_den[k], "r_num": nums[k][1], "r_den": r_den[k]} for k in _KEYS}


def template_f1(predicted: dict[str, list[dict[str, Any]]],
                gold: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """GTT's template F1: docid -> templates (incident_type + roles -> entities of mention strings)."""
    table = {k: _counts() for k in _KEYS}
    for docid, g in gold.items():
        counts = _doc_counts(_norm_templates(predicted.get(docid, [])), _norm_templates(g))
        for k in _KEYS:
            for part in ("p_num", "p_den", "r_num", "r_den"):
                table[k][part] += counts[k][part]
    table["micro"] = {part: sum(table[k][part] for k in _KEYS) for part in ("p_num", "p_den", "r_num", "r_den")}
    return _finish(table)


# ---- Khabar's output as MUC-4 templates -----------------------------------------------------------------

def muc_type(event: dict[str, Any]) -> str | None:
    """MUC-4's incident type for a Khabar event, None when MUC-4 has no such incident.

    Subtypes decide where Khabar's types are coarser (an ``attack`` with subtype ``arson`` is
    an arson); killings are attacks (MUC-4 codes a murder as an attack); clashes between armed
    forces and military operations are not terrorist incidents in MUC-4.
    """
    kind, sub = event.get("type"), event.get("subtype") or ""
    if sub in ("arson", "robbery", "forced work stoppage"):
        return sub
    return {"attack": "attack", "killing": "attack", "bombing": "bombing", "kidnapping": "kidnapping"}.get(kind)


def rule_templates(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One template per event of a MUC-4 type: actors (persons -> PerpInd, the rest -> PerpOrg),
    targets, victims and instruments, each a ``[text, offset]`` mention."""
    entities = {e["id"]: e for e in report.get("entities", [])}
    out = []
    for ev in report.get("events", []):
        kind = muc_type(ev)
        if kind is None or ev.get("status") in ("denied", "planned"):
            continue
        t: dict[str, Any] = {"incident_type": kind, **{role: [] for role in ROLES}}
        for p in ev.get("participants", []):
            ent = entities.get(p.get("entity") or "")
            role = {"target": "Target", "victim": "Victim", "instrument": "Weapon"}.get(p["role"])
            if p["role"] == "actor":
                role = "PerpOrg" if ent and ent["type"] == "organization" else "PerpInd"
            if role is None:
                continue
            where = p.get("evidence") or (ent["mentions"][0] if ent and ent.get("mentions") else None)
            mention = [where["text"], where["start"]] if where else [p["name"], -1]
            if all(normalize_mention(m[0][0]) != normalize_mention(mention[0]) for m in t[role]):
                t[role].append([mention])
        out.append(t)
    return out


def _head(mention: list[Any]) -> str:
    words = normalize_mention(mention[0]).split()
    return words[-1] if words else ""


def merge_templates(first: list[dict[str, Any]], more: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``first`` plus what ``more`` adds: fillers of a template of the same type whose head word is
    new to that role join it; templates of a new type are appended."""
    out = [{k: (list(v) if k != "incident_type" else v) for k, v in t.items()} for t in first]
    for t in more:
        same = next((o for o in out if o["incident_type"] == t["incident_type"]), None)
        if same is None:
            out.append(t)
            continue
        for role in ROLES:
            heads = {_head(ent[0]) for ent in same[role]}
            same[role] += [ent for ent in t[role] if _head(ent[0]) not in heads]
    return out


def fillers_of(templates: list[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """Role fillers over all templates, one entity per head word (for CEAF-REE)."""
    out: dict[str, list[list[Any]]] = {role: [] for role in ROLES}
    for role in ROLES:
        seen: set[str] = set()
        for t in templates:
            for ent in t[role]:
                if _head(ent[0]) not in seen:
                    seen.add(_head(ent[0]))
                    out[role].append(ent)
    return out


METHODS = ("khabar", "tagger", "rules")


def predict(doc: MucDoc, *, method: str = "khabar") -> dict[str, Any]:
    """Templates and role fillers for one report (``method``: khabar = the learned tagger's
    templates merged with the rule events'; tagger or rules alone)."""
    templates: list[dict[str, Any]] = []
    if method in ("khabar", "tagger"):
        from khabar.learn.roles import load_tagger
        from khabar.learn.templates import group_fillers, to_templates

        tagger = load_tagger()
        if tagger is None:
            raise KhabarError.make("E605", path="khabar/models/roles", why="run `make train` to build it")
        templates = to_templates(group_fillers(tagger(doc.text), min_score=tagger.min_score))
    if method in ("khabar", "rules"):
        from khabar import extract

        templates = merge_templates(templates, rule_templates(extract(doc.text).to_dict()))
    return {"docid": doc.docid, "templates": templates, "role_fillers": fillers_of(templates)}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="dev", help="which DIR/gtt_templates/SPLIT.json to read (dev, train, test)")
    parser.add_argument("--method", default="khabar", choices=METHODS)


def run(args: Any) -> dict[str, Any]:
    from rich.progress import Progress

    docs = load_muc4(args.data, split=args.split, limit=args.limit)
    predictions = []
    with Progress(transient=True) as bar:
        task = bar.add_task(f"MUC-4 {args.split}", total=len(docs))
        for d in docs:
            predictions.append(predict(d, method=args.method))
            bar.advance(task)
    if args.predictions:
        Path(args.predictions).write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    ree = ceaf_ree({p["docid"]: p["role_fillers"] for p in predictions},
                   {d.docid: gold_role_fillers(d) for d in docs})
    tf = template_f1({p["docid"]: p["templates"] for p in predictions}, {d.docid: d.templates for d in docs})
    return {"dataset": "muc4", "split": args.split, "data": str(args.data), "method": args.method,
            "documents": len(docs), "ceaf_ree": ree, "template_f1": tf,
            "headline": {"name": "CEAF-REE micro F1", "value": ree["micro"]["f1"]}}


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    out = []
    for key, title, rows in (("ceaf_ree", "role fillers, CEAF-REE (GRIT)", (*ROLES, "micro")),
                             ("template_f1", "templates, GTT template F1", ("incident_type", *ROLES, "micro"))):
        table = Table(title=f"MUC-4 {results['split']} ({results['documents']} reports, method {results['method']}): "
                            f"{title}")
        for col in ("", "P", "R", "F1"):
            table.add_column(col, justify="right")
        for r in rows:
            c = results[key][r]
            table.add_row(r, f"{100 * c['p']:.2f}", f"{100 * c['r']:.2f}", f"{100 * c['f1']:.2f}")
        out.append(table)
    return out
