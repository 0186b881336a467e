"""``extract()``: one article in, a ``Report`` out. The stages in data-flow order.

1. ``nlp.pipeline.parse``        text -> spaCy Doc (tokens, sentences, parse, NER)
2. ``nlp.mentions.find_mentions`` Doc -> mentions (KB, countries, NER, patterns)
3. ``nlp.entities.build_entities`` mentions -> entities (clustered, geocoded)
4. ``nlp.attributes``            persons -> age, residence, nationality, title
5. ``extract.extract_events``    Doc + entities -> event mentions per sentence
6. ``extract.finalise_events``   event mentions -> events (split, placed, joined)
6b. ``extract.add_learned_roles`` the learned role tagger's phrases -> participants the rules missed
7. ``extract.find_relations``    entities -> relations (text and KB)

``extract_many`` runs the same stages on several articles, step 1 batched (``nlp.pipe``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc

from khabar import __version__
from khabar.errors import KhabarError
from khabar.extract import build_index, extract_events, finalise_events, find_relations
from khabar.extract.learned import add_learned_roles, learned_regions
from khabar.learn.roles import load_tagger
from khabar.model import Document, Report
from khabar.nlp.attributes import group_nationality, person_attributes
from khabar.nlp.dates import parse_published
from khabar.nlp.entities import build_entities
from khabar.nlp.mentions import find_dateline, find_mentions
from khabar.nlp.pipeline import MODEL, parse, parse_many

__all__ = ["extract", "extract_many", "document_id"]


def _blank_dateline(text: str) -> str:
    """Spaces over a dateline ('BANNU, Pakistan — '), same length: the parser sees a sentence."""
    spans = find_dateline(text)
    if not spans:
        return text
    end = spans[-1][1]
    k = end
    while k < len(text) and text[k] in " \u2014\u2013-,":
        k += 1
    return " " * k + text[k:]


def document_id(text: str) -> str:
    """Content-addressed id: the same text always gets the same id."""
    return "d" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _checked(text: str, published: str | None) -> date | None:
    """The publication date, after the checks that make a bad argument fail with its code
    before any model runs."""
    if not isinstance(text, str):
        raise TypeError("text must be str")
    if not text.strip():
        raise KhabarError.make("E101")
    try:
        return parse_published(published)
    except ValueError:
        raise KhabarError.make("E201", value=published) from None


def extract(text: str, published: str | None = None, title: str | None = None, url: str | None = None,
            source: str | None = None, *, learned: bool = True) -> Report:
    """Extract entities, events and relations from one article.

    ``published`` (YYYY-MM-DD) anchors relative dates ("March 22", "this year"); without
    it such dates keep their words but no calendar value. ``learned``: add the learned role
    tagger's participants (when its weights are installed; ``meta["learned"]`` says).
    """
    pub = _checked(text, published)
    t0 = time.perf_counter()
    doc = parse(_blank_dateline(text))
    return _from_doc(doc, Document(id=document_id(text), text=text, title=title, published=published,
                                   source=source, url=url), pub, learned=learned, t0=t0)


def extract_many(docs: Sequence[Document], *, learned: bool = True) -> list[Report | Exception]:
    """``extract`` for several articles, their spaCy pass batched (``parse_many``): what
    ingest's workers call. One result per article, in order: its ``Report``, or the exception
    ``extract`` would have raised for it; one bad article never costs the others."""
    out: list[Report | Exception | None] = [None] * len(docs)
    ready: list[tuple[int, date | None]] = []
    for i, d in enumerate(docs):
        try:
            ready.append((i, _checked(d.text, d.published)))
        except Exception as exc:  # noqa: BLE001 - returned, as extract would have raised it
            out[i] = exc
    t0 = time.perf_counter()
    try:
        parsed = parse_many([_blank_dateline(docs[i].text) for i, _ in ready])
    except Exception:  # noqa: BLE001 - find the article that fails, one at a time
        parsed = None
    share = (time.perf_counter() - t0) / max(1, len(ready))
    for k, (i, pub) in enumerate(ready):
        d = docs[i]
        one = Document(id=document_id(d.text), text=d.text, title=d.title, published=d.published,
                       source=d.source, url=d.url)
        try:
            t1 = time.perf_counter()
            doc = parse(_blank_dateline(d.text)) if parsed is None else parsed[k]
            out[i] = _from_doc(doc, one, pub, learned=learned, t0=t1 - (0 if parsed is None else share))
        except Exception as exc:  # noqa: BLE001
            out[i] = exc
    return out  # type: ignore[return-value]


def _from_doc(doc: Doc, document: Document, pub: date | None, *, learned: bool, t0: float) -> Report:
    """Every stage after spaCy's, on one parsed article."""
    text, published = document.text, document.published
    doc.user_data["original"] = text
    mentions = find_mentions(doc, published=published, original=text)
    entities, owner = build_entities(doc, mentions, published=published)
    person_attributes(text, mentions, owner, entities)
    spans = [(m.start, m.end, owner[i]) for i, m in enumerate(mentions) if i in owner]
    idx = build_index(doc, spans, entities)
    raw = extract_events(doc, idx, published=pub, entities=entities)
    events = finalise_events(raw, entities, published=published)
    tagger = load_tagger() if learned else None
    regions = learned_regions(events) if tagger is not None else []
    if tagger is not None and regions:
        add_learned_roles(events, tagger.tag_regions(text, regions), entities, min_score=tagger.min_score)
    group_nationality(text, events, entities)
    relations = find_relations(text, entities, [(s.start_char, s.end_char) for s in doc.sents])
    return Report(
        document=document,
        entities=entities,
        events=events,
        relations=relations,
        meta={"khabar": __version__, "model": MODEL, "learned": tagger.name if tagger else None,
              "seconds": round(time.perf_counter() - t0, 3),
              "words": sum(1 for t in doc if not t.is_punct and not t.is_space)},
    )
