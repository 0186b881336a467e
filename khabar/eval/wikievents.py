"""WikiEvents (Li et al. 2021): document-level event arguments, scored end to end by head match.

Why: WikiEvents annotates attacks, deaths, injuries and arrests in Wikipedia-linked news with
KAIROS roles (Attacker, Target, Victim, Instrument, Place, Jailer, Detainee ...) over whole
documents, which is what Khabar's argument layer (``extract.arguments`` + ``extract.merge``)
claims to do. Published systems are given the gold triggers; Khabar is not, so this is an end-to-end
figure and ``docs/eval/wikievents.md`` keeps the two apart.

Protocol (every choice is documented in ``docs/eval/wikievents.md``):

* Read ``dev.jsonl`` (or any ``<split>.jsonl``) and, when present, ``<split>_info.jsonl`` beside it:
  the info file names each argument's most informative coreferent mention, which links mentions
  into coreference clusters for the "coref" variant.
* The text Khabar reads puts every sentence at its original character offset (the gaps between
  sentences become a line break and spaces), so gold token offsets index it unchanged.
* Only gold events of the four families in ``FAMILIES`` are scored; every gold argument of them
  counts, also roles Khabar has no equivalent for (they are misses).
* Khabar's events become KAIROS events by ``TYPE_MAP`` and ``ROLE_MAP``; an attack with a death toll
  or victims also yields a Life.Die event, one with an injury toll a Life.Injure event.
* Alignment: a gold event aligns to the predicted event of its family whose evidence sentences
  contain the gold trigger, the nearest such trigger (or toll) first. One predicted event may align
  to several gold mentions of one incident (Khabar merges them; WikiEvents annotates each).
* A predicted argument is realised as the mention of its entity nearest the gold trigger (as
  BART-Gen realises a generated string); its head is the syntactic root of that span. It is right
  ("head") when a gold argument of the same role has that head, or ("coref") when any mention
  coreferent with such a gold argument has it. Matching is one-to-one. Arguments of predicted
  events aligned to no gold event are false positives; gold arguments of unaligned gold events are
  misses.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError
from khabar.eval.datasets import read_json_lines

__all__ = [
    "FAMILIES", "TYPE_MAP", "ROLE_MAP", "GoldEvent", "WikiDoc", "PredEvent", "load_wikievents", "doc_text",
    "kairos_events", "align", "score_doc", "evaluate", "add_arguments", "run", "tables",
]

FAMILIES = ("Conflict.Attack", "Life.Die", "Life.Injure", "Justice.ArrestJailDetain")
TYPE_MAP = {
    "attack": "Conflict.Attack", "bombing": "Conflict.Attack", "military_operation": "Conflict.Attack",
    "armed_clash": "Conflict.Attack", "killing": "Life.Die", "arrest": "Justice.ArrestJailDetain",
}
ROLE_MAP = {
    "Conflict.Attack": {"actor": "Attacker", "target": "Target", "victim": "Target", "instrument": "Instrument",
                        "place": "Place"},
    "Life.Die": {"actor": "Killer", "victim": "Victim", "target": "Victim", "toll": "Victim", "place": "Place",
                 "instrument": "Instrument"},
    "Life.Injure": {"actor": "Injurer", "toll": "Victim", "place": "Place", "instrument": "Instrument"},
    "Justice.ArrestJailDetain": {"actor": "Jailer", "target": "Detainee", "victim": "Detainee", "place": "Place"},
}
# an attack's deaths and injuries: its actor killed or hurt its victims; the attack keeps target and weapon
_DERIVED_ROLES = {
    "Life.Die": {"actor": "Killer", "victim": "Victim", "place": "Place"},
    "Life.Injure": {"actor": "Injurer", "place": "Place"},
}
_DEVICE_TYPE = "Conflict.Attack.DetonateExplode"  # KAIROS calls the bomb itself ExplosiveDevice


@dataclass
class GoldArg:
    role: str
    mention: str  # entity-mention id
    start: int  # token span, end exclusive
    end: int
    text: str


@dataclass
class GoldEvent:
    id: str
    type: str  # "Conflict.Attack.DetonateExplode"
    trigger: tuple[int, int]  # token span
    sentence: int
    args: list[GoldArg] = field(default_factory=list)

    @property
    def family(self) -> str:
        return ".".join(self.type.split(".")[:2])


@dataclass
class WikiDoc:
    id: str
    tokens: list[str]
    offsets: list[tuple[int, int]]  # token -> [start, end) in ``doc_text(doc)``
    sentences: list[tuple[int, int, str]]  # char start, char end, text
    mentions: dict[str, tuple[int, int]]  # mention id -> token span
    events: list[GoldEvent]
    clusters: dict[str, str] = field(default_factory=dict)  # mention id -> cluster id

    def cluster_of(self, mention: str) -> list[str]:
        key = self.clusters.get(mention, mention)
        return [m for m in self.mentions if self.clusters.get(m, m) == key] or [mention]


@dataclass
class PredArg:
    role: str  # KAIROS role
    spans: list[tuple[int, int]]  # candidate character spans (entity mentions, evidence)
    name: str


@dataclass
class PredEvent:
    family: str
    source: str  # the Khabar event id and type it came from ("v1 bombing", "v1 bombing -> deaths")
    anchors: list[int]  # character offsets of its trigger (and toll)
    sentences: list[tuple[int, int]]  # evidence sentences (char ranges)
    args: list[PredArg] = field(default_factory=list)


# ---- reading --------------------------------------------------------------------------------------

def _paths(path: Path, split: str) -> tuple[Path, Path | None]:
    if path.is_dir():
        main = path / f"{split}.jsonl"
    else:
        main = path
    if not main.is_file():
        raise KhabarError.make("E602", dataset="WikiEvents", path=str(main), why="no such file")
    info = main.with_name(main.stem + "_info.jsonl")
    return main, info if info.is_file() and info != main else None


def _doc(row: dict[str, Any], path: Path) -> WikiDoc:
    try:
        sentences, offsets, tokens = [], [], []
        for toks, text in row["sentences"]:
            start = toks[0][1]
            sentences.append((start, start + len(text), text))
            for tok, a, b in toks:
                tokens.append(tok)
                offsets.append((a, b))
        mentions = {m["id"]: (m["start"], m["end"]) for m in row["entity_mentions"]}
        events = []
        for ev in row["event_mentions"]:
            trig = ev["trigger"]
            args = [GoldArg(a["role"], a["entity_id"], *mentions[a["entity_id"]], a.get("text", ""))
                    for a in ev["arguments"]]
            events.append(GoldEvent(ev["id"], ev["event_type"], (trig["start"], trig["end"]), trig["sent_idx"], args))
        return WikiDoc(row["doc_id"], tokens, offsets, sentences, mentions, events)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise KhabarError.make("E603", dataset="WikiEvents", path=str(path),
                               why=f"document {row.get('doc_id', '?')}: {type(exc).__name__} {exc}") from None


def _link_clusters(doc: WikiDoc, info_row: dict[str, Any]) -> None:
    """Join each argument mention with the informative mention the info file names for it."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    by_id = {ev["id"]: ev for ev in info_row.get("event_mentions", [])}
    for ev in doc.events:
        other = by_id.get(ev.id)
        if other is None:
            continue
        theirs = other.get("arguments", [])
        if len(theirs) == len(ev.args):
            pairs = list(zip((a.mention for a in ev.args), (a["entity_id"] for a in theirs), strict=True))
        else:  # arguments without an informative mention were dropped: pair by role where unique
            mine = Counter(a.role for a in ev.args)
            pairs = [(next(x.mention for x in ev.args if x.role == a["role"]), a["entity_id"])
                     for a in theirs if mine[a["role"]] == 1]
        for a, b in pairs:
            if a in doc.mentions and b in doc.mentions:
                parent[find(a)] = find(b)
    doc.clusters = {m: find(m) for m in doc.mentions}


def load_wikievents(path: str | Path, *, split: str = "dev") -> list[WikiDoc]:
    """Documents of a WikiEvents file (or ``<split>.jsonl`` in a folder), with coreference links
    from the ``_info`` file when there is one."""
    main, info = _paths(Path(path), split)
    docs = [_doc(row, main) for row in read_json_lines(main, dataset="WikiEvents")]
    if not docs:
        raise KhabarError.make("E603", dataset="WikiEvents", path=str(main), why="no documents")
    if info is not None:
        info_rows = {r.get("doc_id"): r for r in read_json_lines(info, dataset="WikiEvents")}
        for doc in docs:
            if doc.id in info_rows:
                _link_clusters(doc, info_rows[doc.id])
    return docs


def doc_text(doc: WikiDoc) -> str:
    """Every sentence at its own offset; a gap between sentences is a line break then spaces."""
    parts: list[str] = []
    pos = 0
    for start, end, text in doc.sentences:
        if start > pos:
            parts.append("\n" + " " * (start - pos - 1))
        parts.append(text)
        pos = end
    return "".join(parts)


# ---- Khabar's events as KAIROS events ---------------------------------------------------------------

def _mention_spans(report: Any) -> dict[str, list[tuple[int, int]]]:
    return {e.id: [(m.start, m.end) for m in e.mentions] for e in report.entities}


def _toll_noun(parsed: Any, span: Any) -> tuple[int, int] | None:
    """'12 people', 'more than two dozen fighters': the noun a casualty count counts."""
    if span is None:
        return None
    toks = parsed.char_span(span.start, span.end, alignment_mode="expand")
    if toks is None:
        return None
    tok = toks[-1]
    for _ in range(3):
        if tok.dep_ in ("nummod", "quantmod", "compound", "amod", "advmod") and tok.head.i != tok.i:
            tok = tok.head
        else:
            break
    if tok.pos_ not in ("NOUN", "PROPN", "PRON") or (toks.start <= tok.i < toks.end and tok.like_num):
        return None
    return tok.idx, tok.idx + len(tok.text)


def _toll_anchor(count: Any) -> list[int]:
    return [count.span.start] if count is not None and count.span is not None else []


def _as_family(ev: Any, family: str, label: str, anchors: list[int],
               spans: dict[str, list[tuple[int, int]]]) -> PredEvent:
    """One Khabar event seen as a KAIROS event of ``family``: its participants and stated place."""
    pe = PredEvent(family, f"{ev.id} {ev.type}{label}", anchors, [(s.start, s.end) for s in ev.evidence])
    roles = ROLE_MAP[family] if not label else _DERIVED_ROLES[family]
    for p in ev.participants:
        role = roles.get(p.role)
        if role is None:
            continue
        cands = list(spans.get(p.entity, [])) if p.entity else []
        if p.span is not None:
            cands.append((p.span.start, p.span.end))
        if cands:
            pe.args.append(PredArg(role, cands, p.name))
    if ev.location is not None and ev.location.entity and ev.location.basis == "text":
        cands = spans.get(ev.location.entity, [])
        if cands:
            pe.args.append(PredArg(roles["place"], cands, ev.location.name))
    return pe


def kairos_events(report: Any, parsed: Any) -> list[PredEvent]:
    """Khabar's events mapped to the four KAIROS families (``TYPE_MAP``, ``ROLE_MAP``)."""
    spans = _mention_spans(report)
    out: list[PredEvent] = []
    for ev in report.events:
        family = TYPE_MAP.get(ev.type)
        trigger = [ev.trigger.start]
        if family is None:
            continue
        out.append(_as_family(ev, family, "", trigger, spans))
        if family == "Life.Die":
            die: PredEvent | None = out[-1]
        elif family == "Conflict.Attack" and (ev.fatalities or ev.injuries is None and any(
                p.role == "victim" for p in ev.participants)):
            die = _as_family(ev, "Life.Die", " -> deaths", trigger + _toll_anchor(ev.fatalities), spans)
            out.append(die)
        else:
            die = None
        toll = _toll_noun(parsed, ev.fatalities.span) if ev.fatalities else None
        if die is not None and toll:
            die.args.append(PredArg("Victim", [toll], "(death toll)"))
        if family in ("Conflict.Attack", "Life.Die") and ev.injuries is not None:
            hurt = _as_family(ev, "Life.Injure", " -> injuries", trigger + _toll_anchor(ev.injuries), spans)
            if family == "Conflict.Attack" and ev.fatalities is None:  # an attack that killed nobody hurt its victims
                for p in ev.participants:
                    cands = spans.get(p.entity or "", []) + ([(p.span.start, p.span.end)] if p.span else [])
                    if p.role == "victim" and cands:
                        hurt.args.append(PredArg("Victim", cands, p.name))
            noun = _toll_noun(parsed, ev.injuries.span)
            if noun:
                hurt.args.append(PredArg("Victim", [noun], "(injury toll)"))
            out.append(hurt)
    return out


# ---- alignment and scoring ------------------------------------------------------------------------

def align(doc: WikiDoc, preds: list[PredEvent], *, mode: str = "evidence") -> dict[str, int]:
    """Gold event id -> index of the predicted event it aligns to (see the module docstring).

    ``mode="document"`` drops the evidence condition: any predicted event of the family in the
    document, nearest first (how much Khabar's incident-level events would earn if every mention of
    an incident were credited to them)."""
    out: dict[str, int] = {}
    for ev in doc.events:
        if ev.family not in FAMILIES:
            continue
        at = doc.offsets[ev.trigger[0]][0]
        best = None
        for i, p in enumerate(preds):
            if p.family != ev.family or (mode == "evidence" and not any(a <= at < b for a, b in p.sentences)):
                continue
            dist = min(abs(x - at) for x in p.anchors)
            if best is None or dist < best[0]:
                best = (dist, i)
        if best is not None:
            out[ev.id] = best[1]
    return out


def _char_to_token(doc: WikiDoc, char: int) -> int | None:
    for i, (a, b) in enumerate(doc.offsets):
        if a <= char < b:
            return i
    return None


class _Heads:
    """Syntactic heads (as WikiEvents token indices) of character or token spans, from one parse."""

    def __init__(self, doc: WikiDoc, parsed: Any) -> None:
        self.doc, self.parsed = doc, parsed
        self.cache: dict[tuple[int, int], int | None] = {}

    def of_chars(self, start: int, end: int) -> int | None:
        if (start, end) not in self.cache:
            span = self.parsed.char_span(start, end, alignment_mode="expand")
            self.cache[(start, end)] = None if span is None else _char_to_token(self.doc, span.root.idx)
        return self.cache[(start, end)]

    def of_tokens(self, start: int, end: int) -> int | None:
        return self.of_chars(self.doc.offsets[start][0], self.doc.offsets[end - 1][1])


def _realise(arg: PredArg, at: int) -> tuple[int, int]:
    """The candidate span nearest the gold trigger's character offset."""
    return min(arg.spans, key=lambda s: (abs(s[0] - at), s[0]))


def score_doc(doc: WikiDoc, preds: list[PredEvent], heads: _Heads, *, mode: str = "evidence") -> dict[str, Any]:
    """Counts for one document: per role, head and coref matches, and what became of each gold argument."""
    links = align(doc, preds, mode=mode)
    used = set(links.values())
    rows: list[dict[str, Any]] = []  # one per gold or predicted argument, for analysis and totals
    for ev in doc.events:
        if ev.family not in FAMILIES:
            continue
        at = doc.offsets[ev.trigger[0]][0]
        trigger_sentence = next((a, b) for a, b, _ in doc.sentences if a <= at < b)
        gold = []
        for g in ev.args:
            cluster = doc.cluster_of(g.mention)
            gold.append({"role": g.role, "text": g.text, "head": heads.of_tokens(g.start, g.end),
                         "coref": {heads.of_tokens(*doc.mentions[m]) for m in cluster} | {heads.of_tokens(g.start, g.end)},
                         "same_sentence": trigger_sentence[0] <= doc.offsets[g.start][0] < trigger_sentence[1]})
        pred = []
        if ev.id in links:
            p = preds[links[ev.id]]
            seen = set()
            for a in p.args:
                role = "ExplosiveDevice" if a.role == "Instrument" and ev.type == _DEVICE_TYPE else a.role
                s, e = _realise(a, at)
                h = heads.of_chars(s, e)
                if (role, h) in seen:
                    continue
                seen.add((role, h))
                pred.append({"role": role, "head": h, "text": a.name, "span": [s, e]})
        for variant in ("head", "coref"):
            free = list(range(len(gold)))
            for x in pred:
                hit = next((k for k in free if gold[k]["role"] == x["role"] and (
                    gold[k]["head"] == x["head"] if variant == "head" else x["head"] in gold[k]["coref"])), None)
                x[f"ok_{variant}"] = hit is not None
                if hit is not None:
                    free.remove(hit)
                    gold[hit][f"ok_{variant}"] = True
            for k in free:
                gold[k][f"ok_{variant}"] = False
        for g in gold:
            rows.append({"kind": "gold", "doc": doc.id, "event": ev.id, "type": ev.type, "family": ev.family,
                         "aligned": ev.id in links, "pred_roles": sorted({x["role"] for x in pred if x["head"] == g["head"]}),
                         **{k: v for k, v in g.items() if k != "coref"}})
        for x in pred:
            rows.append({"kind": "pred", "doc": doc.id, "event": ev.id, "type": ev.type, "family": ev.family,
                         "aligned": True, **x})
    for i, p in enumerate(preds):
        if i in used or p.family not in FAMILIES:
            continue
        for a in p.args:
            rows.append({"kind": "pred", "doc": doc.id, "event": None, "type": None, "family": p.family,
                         "aligned": False, "role": a.role, "text": a.name, "head": None, "ok_head": False,
                         "ok_coref": False})
    gold_events = [ev for ev in doc.events if ev.family in FAMILIES]
    return {"rows": rows, "gold_events": len(gold_events), "aligned_gold": len(links),
            "pred_events": sum(1 for p in preds if p.family in FAMILIES), "aligned_pred": len(used)}


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float | int]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pred": n_pred, "gold": n_gold,
            "tp": tp_gold}


def _totals(rows: list[dict[str, Any]], variant: str) -> dict[str, float | int]:
    gold = [r for r in rows if r["kind"] == "gold"]
    pred = [r for r in rows if r["kind"] == "pred"]
    flag = f"ok_{variant}"
    return _prf(sum(r[flag] for r in pred), len(pred), sum(r[flag] for r in gold), len(gold))


def _why_missed(row: dict[str, Any], entity_heads: set[int]) -> str:
    if not row["aligned"]:
        return "event not found (no Khabar event of this family with the trigger in its evidence)"
    if row["pred_roles"]:
        return "right filler, other role"
    if row["role"] not in {r for roles in ROLE_MAP.values() for r in roles.values()} | {"ExplosiveDevice"}:
        return "role Khabar has no equivalent for"
    if row["head"] not in entity_heads:
        return "filler is not a Khabar entity (common noun, pronoun or unnamed)"
    return "filler is a Khabar entity, not linked to this event"


def evaluate(docs: list[WikiDoc]) -> dict[str, Any]:
    """Run Khabar on each document and score; also the per-document predictions."""
    from khabar import extract
    from khabar.nlp.pipeline import parse

    rows: list[dict[str, Any]] = []
    rows_doc: list[dict[str, Any]] = []
    counts: Counter = Counter()
    missed = Counter()
    predictions = []
    t0 = time.perf_counter()
    for doc in docs:
        text = doc_text(doc)
        report = extract(text)
        parsed = parse(text)
        heads = _Heads(doc, parsed)
        preds = kairos_events(report, parsed)
        result = score_doc(doc, preds, heads)
        loose = score_doc(doc, preds, heads, mode="document")
        rows_doc += loose["rows"]
        counts["doc_aligned_gold"] += loose["aligned_gold"]
        for k in ("gold_events", "aligned_gold", "pred_events", "aligned_pred"):
            counts[k] += result[k]
        entity_heads = {heads.of_chars(m.start, m.end) for e in report.entities for m in e.mentions}
        for r in result["rows"]:
            if r["kind"] == "gold" and not r["ok_head"]:
                r["why"] = _why_missed(r, entity_heads)
                missed[r["why"]] += 1
        rows += result["rows"]
        predictions.append({"doc_id": doc.id, "events": [
            {"family": p.family, "khabar": p.source, "anchors": p.anchors,
             "arguments": [{"role": a.role, "name": a.name, "spans": a.spans} for a in p.args]} for p in preds],
            "scored": result["rows"]})
    seconds = time.perf_counter() - t0
    by_role: dict[str, Any] = {}
    for fam in FAMILIES:
        for role in sorted({r["role"] for r in rows if r["family"] == fam}):
            sub = [r for r in rows if r["family"] == fam and r["role"] == role]
            by_role[f"{fam}/{role}"] = _totals(sub, "head")
    by_family = {fam: {v: _totals([r for r in rows if r["family"] == fam], v) for v in ("head", "coref")}
                 for fam in FAMILIES}
    gold_same = [r for r in rows if r["kind"] == "gold" and r["same_sentence"]]
    return {
        "head": _totals(rows, "head"), "coref": _totals(rows, "coref"),
        "identification_head": _identification(rows),
        "document_alignment": {"head": _totals(rows_doc, "head"), "coref": _totals(rows_doc, "coref"),
                               "gold_aligned": counts["doc_aligned_gold"]},
        "events": {"gold": counts["gold_events"], "gold_aligned": counts["aligned_gold"],
                   "pred": counts["pred_events"], "pred_aligned": counts["aligned_pred"]},
        "by_family": by_family, "by_role": by_role, "missed": dict(missed.most_common()),
        "gold_args_in_trigger_sentence": len(gold_same), "seconds": round(seconds, 1),
        "predictions": predictions,
    }


def _identification(rows: list[dict[str, Any]]) -> dict[str, float | int]:
    """Argument identification (role ignored), head match: a gold argument of the aligned event
    has the predicted head."""
    gold = [r for r in rows if r["kind"] == "gold"]
    pred = [r for r in rows if r["kind"] == "pred"]
    found = {(r["doc"], r["event"], r["head"]) for r in gold}
    tp_pred = sum(1 for r in pred if r["aligned"] and (r["doc"], r["event"], r["head"]) in found)
    hit = {(r["doc"], r["event"], r["head"]) for r in pred if r["aligned"]}
    tp_gold = sum(1 for r in gold if (r["doc"], r["event"], r["head"]) in hit)
    return _prf(tp_pred, len(pred), tp_gold, len(gold))


# ---- the command ----------------------------------------------------------------------------------

def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="dev", help="with a folder as --data: read <split>.jsonl (default dev)")


def run(args: Any) -> dict[str, Any]:
    docs = load_wikievents(args.data, split=args.split)
    if args.limit is not None:
        docs = docs[: args.limit]
    result = evaluate(docs)
    predictions = result.pop("predictions")
    if args.predictions:
        Path(args.predictions).write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    return {"dataset": "wikievents", "data": str(args.data), "split": args.split, "documents": len(docs),
            "setting": "end to end (Khabar's own triggers), head match, families " + ", ".join(FAMILIES),
            **result,
            "headline": {"name": "argument classification head F1, end to end", "value": result["head"]["f1"]}}


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    def cell(x: dict[str, Any]) -> str:
        return f"{100 * x['p']:.1f} / {100 * x['r']:.1f} / {100 * x['f1']:.1f}"

    ev = results["events"]
    main = Table(title=f"WikiEvents {results['data']}: {results['documents']} documents, {ev['gold']} gold events "
                       f"({ev['gold_aligned']} aligned), {ev['pred']} Khabar events ({ev['pred_aligned']} aligned); "
                       "end to end, P / R / F1")
    main.add_column("score")
    main.add_column("P / R / F1", justify="right")
    main.add_column("gold", justify="right")
    main.add_column("predicted", justify="right")
    for label, x in (("arg. classification, head (headline)", results["head"]),
                     ("arg. classification, coref", results["coref"]),
                     ("arg. identification, head", results["identification_head"])):
        main.add_row(label, cell(x), str(x["gold"]), str(x["pred"]))
    loose = results["document_alignment"]
    main.add_row(f"document alignment ({loose['gold_aligned']} aligned), head", cell(loose["head"]),
                 str(loose["head"]["gold"]), str(loose["head"]["pred"]))
    main.add_row("document alignment, coref", cell(loose["coref"]), str(loose["coref"]["gold"]),
                 str(loose["coref"]["pred"]))
    for fam, v in results["by_family"].items():
        main.add_row(f"  {fam} (head)", cell(v["head"]), str(v["head"]["gold"]), str(v["head"]["pred"]))
    roles = Table(title="By role (head match)")
    for col in ("family/role", "P / R / F1", "gold", "predicted"):
        roles.add_column(col, justify="right" if col != "family/role" else "left")
    for key, x in results["by_role"].items():
        roles.add_row(key, cell(x), str(x["gold"]), str(x["pred"]))
    why = Table(title="Why gold arguments were missed (head match)")
    why.add_column("reason")
    why.add_column("arguments", justify="right")
    for reason, n in results["missed"].items():
        why.add_row(reason, str(n))
    return [main, roles, why]
