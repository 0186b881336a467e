"""ECB+ cross-document event coreference: reader, evaluation harness and lemma baselines.

Why: ECB+ (Cybulska & Vossen 2014) is the standard public benchmark for deciding which news
reports talk about the same real-world event, which is what Khabar must do to merge reports.
This module reads the CAT/CROMER XML release and scores any clustering function on it.

Setting (the standard one of Cybulska & Vossen 2015, Kenyon-Dean et al. 2018, Barhom et al.
2019), recorded in ``evaluate(...)["setting"]``:

* gold event mentions: markables tagged ``ACTION_*`` or ``NEG_*`` (``events=False`` reads the
  entity, time and location markables instead);
* only mentions in the selected sentences listed in ``ECBplus_coreference_sentences*.csv``
  (coreference was annotated reliably only there). Without that file, or for a topic the file
  does not mention, every sentence is used and a note says so;
* gold clusters: the CROSS_DOC_COREF instance, else the INTRA_DOC_COREF chain (an id prefixed by
  the document), else a singleton; singletons are kept and scored;
* clustering within gold topics: ``predict`` sees one topic at a time, and mentions of
  different topics never corefer. Each topic has two halves ("subtopics"), the original ECB
  documents (``<n>ecb.xml``) and the ECB+ ones (``<n>ecbplus.xml``) about a similar but
  different event; ``same_lemma_subtopic`` exploits them, as the usual lemma baseline does.

Splits (Cybulska & Vossen 2015): dev topics 2, 5, 12, 18, 21, 23, 34, 35; train 1, 3, 4, 6–11,
13, 14, 16, 19, 20, 22, 24–33 (15 and 17 are left out, as in Barhom et al.); test 36–45.
"""

from __future__ import annotations

import csv
import re
import warnings
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError
from khabar.eval.coref import conll_f1

__all__ = [
    "DEV_TOPICS", "TRAIN_TOPICS", "TEST_TOPICS", "EcbMention", "EcbMentions", "load_ecbplus",
    "evaluate", "singletons", "same_lemma", "same_lemma_subtopic", "khabar", "add_arguments", "run", "tables",
]

DEV_TOPICS = (2, 5, 12, 18, 21, 23, 34, 35)
TRAIN_TOPICS = (1, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 20, 22, *range(24, 34))
TEST_TOPICS = tuple(range(36, 46))
_SPLITS = {"dev": DEV_TOPICS, "train": TRAIN_TOPICS, "test": TEST_TOPICS}
_EVENT_TAGS = ("ACTION_", "NEG_")
_DOC_NAME = re.compile(r"^(\d+)_(\d+)(ecb|ecbplus)\.xml$")


@dataclass(slots=True)
class EcbMention:
    """One gold mention; ``sentence_text[start:end] == text`` always holds."""

    id: str  # "12_3ecbplus:m17"
    topic: str  # "12"
    doc: str  # "12_3ecbplus"
    subtopic: str  # "ecb" or "ecbplus"
    sentence: int
    sentence_text: str = field(repr=False)  # the sentence's tokens joined by single spaces
    start: int
    end: int
    text: str  # first to last anchored token; a few skip tokens ("checked herself into"): see ``tokens``
    tag: str  # ACTION_OCCURRENCE, NEG_ACTION_STATE, ...
    cluster: str  # gold cluster id
    doc_text: str = field(default="", repr=False)  # all sentences, one a line (ecbplus ones open with the
    # source URL as sentence 0); one string shared by a document's mentions
    tokens: tuple[int, ...] = ()  # positions in the sentence of the anchored tokens


class EcbMentions(list[EcbMention]):
    """The mentions ``load_ecbplus`` read, with ``setting``: how they were read (notes included)."""

    setting: dict[str, Any]

    def __init__(self, items: Iterable[EcbMention] = (), setting: dict[str, Any] | None = None) -> None:
        super().__init__(items)
        self.setting = setting or {}


def _e601(path: Path, why: str) -> KhabarError:
    return KhabarError.make("E601", path=str(path), why=why)


def _root(data_dir: Path) -> Path:
    """The folder that holds the topic folders: ``data_dir/ECB+`` or ``data_dir`` itself."""
    if not data_dir.is_dir():
        raise _e601(data_dir, "the folder does not exist")
    for root in (data_dir / "ECB+", data_dir):
        if root.is_dir() and any(p.is_dir() and p.name.isdigit() for p in root.iterdir()):
            return root
    raise _e601(data_dir, "no topic folders (ECB+/<topic>/<topic>_<n>ecb.xml) found")


def _selected(data_dir: Path) -> tuple[dict[str, set[int]] | None, list[str]]:
    """{doc: selected sentence numbers} from every ``ECBplus_coreference_sentences*.csv``."""
    files = sorted(data_dir.glob("ECBplus_coreference_sentences*.csv"))
    if not files:
        return None, []
    out: dict[str, set[int]] = defaultdict(set)
    for f in files:
        try:
            with f.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    topic, name = row["Topic"].strip(), row["File"].strip().removesuffix(".xml")
                    doc = name if name.startswith(f"{topic}_") else f"{topic}_{name}"  # "10ecbplus" or "1_10ecbplus"
                    out[doc].add(int(row["Sentence Number"]))
        except (OSError, KeyError, ValueError, TypeError, AttributeError, csv.Error) as exc:
            raise _e601(f, f"selected-sentence CSV is not valid ({exc!r}); expected columns "
                           "Topic,File,Sentence Number") from None
    return dict(out), [f.name for f in files]


def _topics(root: Path, split: str | Sequence[int | str], notes: list[str]) -> list[str]:
    present = sorted((p.name for p in root.iterdir() if p.is_dir() and p.name.isdigit()), key=int)
    if isinstance(split, str):
        if split == "all":
            return present
        if split not in _SPLITS:
            raise ValueError(f"split must be 'dev', 'train', 'test', 'all' or a list of topics, not {split!r}")
        chosen = [t for t in present if int(t) in _SPLITS[split]]
        if not chosen:
            notes.append(f"no {split} topic is in this folder; every topic present was used ({', '.join(present)})")
            return present
        return chosen
    wanted = [str(int(t)) for t in split]
    missing = [t for t in wanted if t not in present]
    if missing:
        raise _e601(root, f"topic folder(s) {', '.join(missing)} missing")
    return wanted


def _word(text: str | None) -> str:
    # six ECB+ tokens hold tabs or thin spaces; a token must stay one space-free word
    return "_".join((text or "").split()) or "_"


def _doc_order(path: Path) -> tuple[int, str, str]:
    m = _DOC_NAME.match(path.name)
    return (int(m.group(2)), m.group(3), "") if m else (10**9, "", path.name)


def _read_doc(path: Path, topic: str, *, events: bool, keep: set[int] | None) -> list[EcbMention]:
    m = _DOC_NAME.match(path.name)
    if not m or m.group(1) != topic:
        return []
    doc, subtopic = path.name[:-4], m.group(3)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise _e601(path, f"not readable CAT/CROMER XML ({exc})") from None
    markables, relations = root.find("Markables"), root.find("Relations")
    if markables is None:
        raise _e601(path, "no <Markables> element")

    sentences: dict[int, list[str]] = defaultdict(list)
    where: dict[str, tuple[int, int]] = {}  # t_id -> (sentence, position)
    for tok in root.iter("token"):
        try:
            s = int(tok.get("sentence", ""))
        except ValueError:
            raise _e601(path, f"token {tok.get('t_id')} has no sentence number") from None
        where[tok.get("t_id", "")] = (s, len(sentences[s]))
        sentences[s].append(_word(tok.text))
    texts = {s: " ".join(words) for s, words in sentences.items()}
    doc_text = "\n".join(texts[s] for s in sorted(texts))

    # gold clusters: cross-document instance first, then intra-document chain
    by_id = {mk.get("m_id"): mk for mk in markables}
    cross: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # m_id -> [(instance, is event)]
    intra: dict[str, str] = {}
    for rel in relations if relations is not None else ():
        target = rel.find("target")
        tid = target.get("m_id") if target is not None else None
        members = [s.get("m_id") for s in rel.findall("source")] + [tid]
        if rel.tag == "CROSS_DOC_COREF":
            tmk = by_id.get(tid)
            instance = (tmk.get("instance_id") if tmk is not None else None) or rel.get("note") or f"{doc}:x{tid}"
            is_event = tmk is not None and tmk.tag.startswith(_EVENT_TAGS)
            for mid in members:
                cross[mid].append((instance, is_event))
        elif rel.tag == "INTRA_DOC_COREF":
            for mid in members:
                intra.setdefault(mid, f"{doc}:intra{tid}")

    def cluster(mid: str | None, is_event: bool) -> str:
        # a mention linked to two instances (once in ECB+) takes the one of its own kind
        links = cross.get(mid) or []
        same_kind = [inst for inst, ev in links if ev == is_event]
        return (same_kind or [inst for inst, _ in links] or [intra.get(mid) or f"{doc}:m{mid}"])[0]

    out = []
    for mk in markables:
        anchors = [where[a.get("t_id", "")] for a in mk.findall("token_anchor") if a.get("t_id") in where]
        if not anchors or mk.tag.startswith(_EVENT_TAGS) != events:
            continue
        sent = anchors[0][0]
        if (keep is not None and sent not in keep) or any(s != sent for s, _ in anchors):
            continue
        positions = sorted(p for _, p in anchors)
        words, sentence_text = sentences[sent], texts[sent]
        start = sum(len(w) + 1 for w in words[: positions[0]])
        end = sum(len(w) + 1 for w in words[: positions[-1] + 1]) - 1
        mid = mk.get("m_id")
        out.append(EcbMention(
            id=f"{doc}:m{mid}", topic=topic, doc=doc, subtopic=subtopic, sentence=sent,
            sentence_text=sentence_text, start=start, end=end, text=sentence_text[start:end], tag=mk.tag,
            cluster=cluster(mid, events), doc_text=doc_text,
            tokens=tuple(positions),
        ))
    return out


def load_ecbplus(data_dir: str | Path, *, split: str | Sequence[int | str] = "dev", events: bool = True,
                 selected_only: bool = True) -> EcbMentions:
    """Gold mentions of an ECB+ folder (``<data_dir>/ECB+/<topic>/<topic>_<n>ecb[plus].xml`` plus
    the selected-sentence CSV beside ``ECB+``), in topic, document and mention order.

    ``split`` is "dev", "train", "test", "all" or a list of topic numbers; a named split none of
    whose topics is present falls back to every topic present, with a note. Raises E601 when the
    folder is missing or malformed. The returned list's ``setting`` records how it was read."""
    data_dir = Path(data_dir)
    root = _root(data_dir)
    notes: list[str] = []
    topics = _topics(root, split, notes)
    selected, csv_files = _selected(data_dir) if selected_only else (None, [])
    if selected_only and selected is None:
        notes.append("no ECBplus_coreference_sentences*.csv: every sentence was used")
    uncovered = []
    mentions = EcbMentions()
    for topic in topics:
        files = sorted((root / topic).glob("*.xml"), key=_doc_order)
        per_topic = selected
        if selected is not None and not any(_DOC_NAME.match(f.name) and f.name[:-4] in selected for f in files):
            uncovered.append(topic)
            per_topic = None
        for f in files:
            keep = None if per_topic is None else per_topic.get(f.name[:-4], set())
            mentions.extend(_read_doc(f, topic, events=events, keep=keep))
    if uncovered:
        notes.append(f"topic(s) {', '.join(uncovered)} have no selected sentences in the CSV: every sentence was used")
    for note in notes:
        warnings.warn(f"ECB+ {data_dir}: {note}", stacklevel=2)
    mentions.setting = {
        "corpus": "ECB+", "data": str(data_dir), "split": split if isinstance(split, str) else "topics",
        "topic_list": topics, "mentions": "gold", "kind": "events (ACTION_*, NEG_*)" if events else
        "entities, times, locations", "sentences": "selected" if selected is not None else "all",
        "sentence_files": csv_files, "singletons": "included", "clustering": "cross-document within gold topics",
        "notes": notes,
    }
    return mentions


Predict = Callable[[list[EcbMention]], Mapping[str, Any]]


def evaluate(mentions: Sequence[EcbMention], predict: Predict) -> dict[str, Any]:
    """Score ``predict`` (called once per topic with that topic's mentions, returning
    ``{mention_id: cluster_id}``) on all mentions at once. Mentions it leaves out count as
    singletons; an id it returns that is not one of the topic's mentions is a ValueError."""
    by_topic: dict[str, list[EcbMention]] = defaultdict(list)
    for m in mentions:
        by_topic[m.topic].append(m)
    key: dict[str, str] = {}
    response: dict[str, str] = {}
    for topic in sorted(by_topic, key=lambda t: (len(t), t)):
        group = by_topic[topic]
        predicted = predict(list(group))
        ids = {m.id for m in group}
        stray = [mid for mid in predicted if mid not in ids]
        if stray:
            raise ValueError(f"predict returned ids that are not mentions of topic {topic}: {stray[:5]}")
        for m in group:
            key[m.id] = f"{topic}/{m.cluster}"
            response[m.id] = f"{topic}/{predicted[m.id]}" if m.id in predicted else f"{topic}/singleton:{m.id}"
    scores = conll_f1(key, response)
    sizes: dict[str, int] = defaultdict(int)
    for c in key.values():
        sizes[c] += 1
    setting = dict(getattr(mentions, "setting", None) or {"mentions": "gold", "singletons": "included",
                                                          "clustering": "cross-document within gold topics"})
    return {
        "setting": setting, "topics": len(by_topic), "documents": len({m.doc for m in mentions}),
        "mentions": len(key), "gold_clusters": len(sizes), "gold_singletons": sum(n == 1 for n in sizes.values()),
        "predicted_clusters": len(set(response.values())), **scores,
    }


# ---- baselines ---------------------------------------------------------------------------------------

_LEMMAS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}  # sentence -> (lemmas, head indices)


def _parse(sentences: Iterable[str]) -> None:
    """Lemmatise and parse the sentences not cached yet, keeping ECB+'s own tokenisation."""
    from spacy.tokens import Doc

    from khabar.nlp.pipeline import load_nlp  # spaCy en_core_web_sm 3.8, loaded once per process

    todo = [s for s in dict.fromkeys(sentences) if s not in _LEMMAS]
    if not todo:
        return
    if len(_LEMMAS) > 50_000:
        _LEMMAS.clear()
    nlp = load_nlp()
    docs = (Doc(nlp.vocab, words=s.split(" ")) for s in todo)
    for s, doc in zip(todo, nlp.pipe(docs, batch_size=256), strict=True):
        _LEMMAS[s] = (tuple(t.lemma_.lower() for t in doc), tuple(t.head.i for t in doc))


def _head_lemma(m: EcbMention, head: str) -> str:
    lemmas, heads = _LEMMAS[m.sentence_text]
    positions = m.tokens or (len(m.sentence_text[: m.end].split(" ")) - 1,)
    pos = positions[-1]
    if head == "syntactic":  # the anchored token whose syntactic head lies outside the mention
        pos = next((p for p in positions if heads[p] not in positions or heads[p] == p), pos)
    return lemmas[pos]


def same_lemma(mentions: list[EcbMention], *, head: str = "last") -> dict[str, str]:
    """Cluster mentions whose head lemma is equal. The head is the mention's last token
    (``head="last"``) or its syntactic head (``head="syntactic"``), lemmatised by spaCy in
    the context of its sentence."""
    if head not in ("last", "syntactic"):
        raise ValueError(f"head must be 'last' or 'syntactic', not {head!r}")
    _parse(m.sentence_text for m in mentions)
    return {m.id: _head_lemma(m, head) for m in mentions}


def same_lemma_subtopic(mentions: list[EcbMention], *, head: str = "last") -> dict[str, str]:
    """``same_lemma`` within each subtopic (ECB or ECB+ half of the topic): the usual strong
    lemma baseline, since the two halves describe different events."""
    lemma = same_lemma(mentions, head=head)
    return {m.id: f"{m.subtopic}/{lemma[m.id]}" for m in mentions}


def singletons(mentions: list[EcbMention]) -> dict[str, str]:
    """Every mention its own cluster: the floor any method must beat."""
    return {m.id: m.id for m in mentions}


def khabar(mentions: list[EcbMention], *, weights: Any = None) -> dict[str, str]:
    """Khabar's textual resolver (``resolve.mentions``): head lemma, MiniLM trigger vectors and
    document similarity, clustered by the weights chosen on the train topics."""
    from khabar.resolve.mentions import WEIGHTS, cluster, features

    f = features(mentions, same_lemma(mentions))
    labels = cluster(f, weights or WEIGHTS)
    return {i: f"k{c}" for i, c in zip(f.ids, labels, strict=True)}


# ---- the command line (``khabar eval ecbplus``, see khabar.eval.datasets) ---------------------------

METHODS = ("khabar", "khabar-incremental", "same-lemma", "same-lemma-subtopic", "singletons")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--split", default="dev", help="dev, train, test, or comma-separated topic numbers")
    parser.add_argument("--method", default="khabar", choices=(*METHODS, "all"))


def run(args: Any) -> dict[str, Any]:
    """Cluster the gold mentions of the chosen topics with each method; score them."""
    from dataclasses import replace
    from functools import partial

    from khabar.resolve.mentions import WEIGHTS

    split = args.split
    if "," in split or split.isdigit():
        split = [t.strip() for t in split.split(",")]
    mentions = load_ecbplus(args.data, split=split)
    methods = {"khabar": khabar,
               "khabar-incremental": partial(khabar, weights=replace(WEIGHTS, linkage="incremental")),
               "same-lemma": same_lemma, "same-lemma-subtopic": same_lemma_subtopic, "singletons": singletons}
    chosen = list(methods) if args.method == "all" else [args.method]
    results: dict[str, Any] = {}
    predictions: dict[str, str] = {}

    def recording(fn: Predict) -> Predict:
        def predict(ms: list[EcbMention]) -> Mapping[str, Any]:
            out = fn(ms)
            predictions.update(out)
            return out
        return predict

    for name in chosen:
        results[name] = evaluate(mentions, recording(methods[name]) if name == chosen[0] else methods[name])
    if args.predictions:
        import json

        Path(args.predictions).write_text("".join(
            json.dumps({"mention": m.id, "doc": m.doc, "text": m.text, "cluster": predictions.get(m.id)}) + "\n"
            for m in mentions))
    first = results[chosen[0]]
    return {"dataset": "ecbplus", "split": args.split, "data": str(args.data), "results": results,
            "headline": {"name": f"CoNLL F1 ({chosen[0]})", "value": first["conll"]}}


def tables(results: dict[str, Any]) -> list[Any]:
    from rich.table import Table

    first = next(iter(results["results"].values()))
    table = Table(title=f"ECB+ {results['split']}: {first['mentions']} event mentions, {first['documents']} "
                        f"documents, {first['topics']} topics, {first['gold_clusters']} gold clusters "
                        "(gold mentions, gold topics)")
    for col in ("method", "MUC R/P/F1", "B3 R/P/F1", "CEAF-e R/P/F1", "CoNLL F1"):
        table.add_column(col, justify="right")
    for name, r in results["results"].items():
        cells = [f"{100 * r[k]['r']:.1f}/{100 * r[k]['p']:.1f}/{100 * r[k]['f1']:.1f}" for k in ("muc", "b3", "ceafe")]
        table.add_row(name, *cells, f"{100 * r['conll']:.2f}")
    return [table]
