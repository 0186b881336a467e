"""Ingest on one machine: read → analyse (in worker processes) → write (one writer).

The per-article stage (``analyse``: extraction plus sentence embeddings) is pure and runs
in ``workers`` processes that each load the models once. Everything that touches the store
runs in this process, one article per transaction, so a crash or a bad article never
leaves half an article behind, and the content-hash ledger (``documents.content_hash``)
makes a re-run skip what is already stored: ingest is idempotent and resumable.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from khabar import __version__
from khabar.core import extract
from khabar.errors import KhabarError
from khabar.model import Document, Report
from khabar.store.db import Store
from khabar.store.write import content_hash, find_document, write_article

__all__ = ["ingest", "analyse", "IngestSummary", "config_hash"]

Analysed = tuple[Document, Report | None, dict[str, bytes | None], str | None]


@dataclass
class IngestSummary:
    run_id: str
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    events: int = 0
    entities_new: int = 0
    canonical_touched: int = 0
    seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def config_hash() -> str:
    """What decides the output besides the text: code version, resolver settings, KB files."""
    from pathlib import Path

    from khabar.resolve import events as rev

    h = hashlib.sha256(f"{__version__}|{rev.THRESHOLD}|{rev.DATE_SLACK_DAYS}|{rev.UNDATED_WINDOW_DAYS}".encode())
    for path in sorted((Path(__file__).resolve().parent.parent / "kb").glob("*.yaml")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def models(*, embeddings: bool = True) -> dict[str, str]:
    """The models a run uses (recorded in ``runs``); the embedding model is only loaded when used."""
    from khabar.nlp.pipeline import MODEL

    if not embeddings:
        return {"spacy": MODEL, "embeddings": "none"}
    from khabar.resolve.embed import MODEL_NAME, available

    return {"spacy": MODEL, "embeddings": MODEL_NAME if available() else "none"}


def analyse(doc: Document, *, embeddings: bool = True) -> Analysed:
    """The per-article stage: extract, then embed each event's evidence sentence."""
    try:
        report = extract(doc.text, published=doc.published, title=doc.title, url=doc.url, source=doc.source)
    except KhabarError as exc:
        return doc, None, {}, exc.line()
    except Exception as exc:  # one bad article never stops a batch
        return doc, None, {}, KhabarError.make("E511", why=f"{type(exc).__name__}: {exc}").line()
    report.document.author, report.document.origin = doc.author, doc.origin
    vectors: dict[str, bytes | None] = {}
    if embeddings and report.events:
        from khabar.resolve.embed import encode, to_bytes

        texts = [ev.evidence[0].text if ev.evidence else ev.trigger.text for ev in report.events]
        for ev, vec in zip(report.events, encode(texts), strict=True):
            vectors[ev.id] = to_bytes(vec)
    return doc, report, vectors, None


def _worker_init() -> None:
    from khabar.nlp.pipeline import load_nlp

    load_nlp()


def _analyse_no_embed(doc: Document) -> Analysed:
    return analyse(doc, embeddings=False)


def _pending(items: Iterable[Any], store: Store, summary: IngestSummary, run_id: str) -> Iterator[Document]:
    """Documents not yet stored (and not seen earlier in this batch); failures recorded."""
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, Document):
            _fail(store, summary, run_id, origin=item.origin, code=item.code, message=item.message)
            continue
        digest = content_hash(item.text)
        if digest in seen:
            summary.unchanged += 1
            continue
        seen.add(digest)
        with store.read() as conn:
            stored = find_document(conn, digest)
        if stored is not None:
            summary.unchanged += 1
            continue
        yield item


def _fail(store: Store, summary: IngestSummary, run_id: str, *, origin: str, code: str, message: str) -> None:
    summary.failed += 1
    if len(summary.failures) < 100:
        summary.failures.append({"origin": origin, "code": code, "message": message})
    store.record_error(origin=origin, code=code, message=message, run_id=run_id)


def ingest(inputs: Iterable[str | Document], store: Store, *, workers: int = 1,
           published_default: str | None = None, embeddings: bool = True, fetcher: Any = None,
           on_progress: Callable[[IngestSummary], None] | None = None, command: str = "ingest") -> IngestSummary:
    """Ingest paths, URLs and ready ``Document`` objects into ``store``; never raises for bad input."""
    from khabar.ingest import iter_documents

    t0 = time.perf_counter()
    run_id = "r" + hashlib.sha256(f"{time.time_ns()}|{command}".encode()).hexdigest()[:15]
    store.start_run(run_id=run_id, command=command, config_hash=config_hash(),
                    models=models(embeddings=embeddings),
                    version=__version__)
    summary = IngestSummary(run_id=run_id)

    def items() -> Iterator[Any]:  # ready Documents pass through; paths and URLs are read
        for item in inputs:
            if isinstance(item, Document):
                yield item
            else:
                yield from iter_documents([item], fetcher=fetcher, published_default=published_default)

    todo = _pending(items(), store, summary, run_id)
    if workers > 1:
        ctx = mp.get_context("spawn")
        pool = ctx.Pool(workers, initializer=_worker_init)
        fn = analyse if embeddings else _analyse_no_embed
        results: Iterator[Analysed] = pool.imap(fn, todo, chunksize=2)
    else:
        pool = None
        results = (analyse(d, embeddings=embeddings) for d in todo)
    try:
        for doc, report, vectors, error in results:
            origin = doc.origin or doc.url or doc.title or "<document>"
            if error is not None:
                code = error.split(":", 1)[0]
                _fail(store, summary, run_id, origin=origin, code=code, message=error)
            else:
                try:
                    with store.begin() as conn:
                        written = write_article(conn, doc, report, embeddings=vectors, run_id=run_id)
                except Exception as exc:  # rolled back; the store is as it was
                    msg = KhabarError.make("E510", why=f"{type(exc).__name__}: {str(exc).splitlines()[0]}").line()
                    _fail(store, summary, run_id, origin=origin, code="E510", message=msg)
                else:
                    summary.new += 1
                    summary.events += written.events
                    summary.entities_new += written.entities_new
                    summary.canonical_touched += len(written.canonical)
            if on_progress is not None:
                on_progress(summary)
    finally:
        if pool is not None:
            pool.terminate()
    summary.seconds = round(time.perf_counter() - t0, 2)
    store.finish_run(run_id, {k: v for k, v in summary.to_dict().items() if k != "failures"})
    return summary

