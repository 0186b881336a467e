"""Ingest on one machine: read → analyse (in worker processes) → write (one writer).

The per-article stage (``analyse``: extraction plus sentence embeddings) is pure and runs
in ``workers`` processes that each load the models once. Everything that touches the store
runs in this process, one article per transaction, so a crash or a bad article never
leaves half an article behind, and the content-hash ledger (``documents.content_hash``)
makes a re-run skip what is already stored: ingest is idempotent and resumable.

Memory stays bounded whatever the input size: inputs are read lazily and at most a few
documents per worker are in flight (a process pool fed an iterator would otherwise read the
whole input ahead of the workers). A worker that dies (a crash in native code, the kernel's
OOM killer) breaks the pool; the pool is restarted and the documents that were in flight are
retried one at a time, so the one that kills its worker is found and recorded (E512) and the
batch goes on.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from khabar import __version__
from khabar.core import extract_many
from khabar.errors import KhabarError
from khabar.model import Document, Report
from khabar.store.db import Store
from khabar.store.write import content_hash, find_document, write_article

__all__ = ["ingest", "analyse", "analyse_many", "IngestSummary", "config_hash", "read_inputs", "begin_run", "store_analysed"]

Analysed = tuple[Document, Report | None, dict[str, bytes | None], str | None]
CHUNK = 16  # articles per spaCy batch: as fast as 32 here, 76 MB less peak RSS (docs/benchmarks.md) ...
CHUNK_CHARS = 100_000  # ... unless they are long: a chunk's memory stays bounded


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
    return analyse_many([doc], embeddings=embeddings)[0]


def analyse_many(docs: Sequence[Document], *, embeddings: bool = True) -> list[Analysed]:
    """``analyse`` for a chunk of articles: spaCy and the sentence encoder each see the whole
    chunk at once (``extract_many``), which is what makes a worker fast. One result per article,
    in order; an article that fails carries its error line and costs no other."""
    out: list[Analysed] = []
    for doc, report in zip(docs, extract_many(docs), strict=True):
        if isinstance(report, KhabarError):
            out.append((doc, None, {}, report.line()))
        elif isinstance(report, Exception):  # one bad article never stops a batch
            out.append((doc, None, {}, KhabarError.make("E511", why=f"{type(report).__name__}: {report}").line()))
        else:
            report.document.author, report.document.origin = doc.author, doc.origin
            out.append((doc, report, {}, None))
    if embeddings:
        try:
            _embed(out)
        except Exception:  # noqa: BLE001 - the chunk failed: find the article that fails, one at a time
            for k, one in enumerate(out):
                try:
                    _embed([one])
                except Exception as exc:  # noqa: BLE001
                    out[k] = (one[0], None, {}, KhabarError.make("E511", why=f"{type(exc).__name__}: {exc}").line())
    return out


def _embed(analysed: list[Analysed]) -> None:
    """One vector per event (its evidence sentence), into each article's vectors, in one call."""
    owned = [(vecs, ev) for _, report, vecs, _ in analysed if report is not None for ev in report.events]
    if owned:
        from khabar.resolve.embed import encode, to_bytes

        vectors = encode([ev.evidence[0].text if ev.evidence else ev.trigger.text for _, ev in owned])
        for (vecs, ev), vec in zip(owned, vectors, strict=True):
            vecs[ev.id] = to_bytes(vec)


def _worker_init() -> None:
    from khabar.nlp.pipeline import load_nlp

    os.environ["KHABAR_TORCH_THREADS"] = "1"  # one core per worker: the pool fills the machine

    load_nlp()


def chunks(items: Iterable[Document], size: int = CHUNK, *, chars: int = CHUNK_CHARS) -> Iterator[list[Document]]:
    """Consecutive lists of at most ``size`` documents and about ``chars`` characters, read lazily."""
    chunk: list[Document] = []
    length = 0
    for item in items:
        chunk.append(item)
        length += len(item.text)
        if len(chunk) >= size or length >= chars:
            yield chunk
            chunk, length = [], 0
    if chunk:
        yield chunk


class _Workers:
    """``fn`` (``analyse_many``) over chunks of documents in ``n`` spawned processes: results
    in input order, at most ``window`` chunks in flight, and a dead worker costs only the
    document that killed it (``fn`` must return one ``Analysed`` tuple per document;
    ``initializer`` loads the models once per worker)."""

    def __init__(self, n: int, *, fn: Callable[[Sequence[Document]], list[Analysed]],
                 initializer: Callable[[], None] | None = _worker_init, window: int | None = None,
                 chunk: int = CHUNK) -> None:
        self.n, self.window, self.fn, self.initializer, self.chunk = n, window or 2 * n, fn, initializer, chunk
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.n, mp_context=mp.get_context("spawn"), initializer=self.initializer)

    def _restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def close(self, *, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=True)

    def map(self, docs: Iterable[Document]) -> Iterator[Analysed]:
        flight: deque[tuple[list[Document], Future[list[Analysed]]]] = deque()
        for chunk in chunks(docs, self.chunk):
            flight.append((chunk, self._submit(chunk)))
            yield from self._collect(flight, keep=self.window - 1)
        yield from self._collect(flight, keep=0)

    def _submit(self, chunk: list[Document]) -> Future[list[Analysed]]:
        try:
            return self.pool.submit(self.fn, chunk)
        except BrokenProcessPool:
            self._restart()
            return self.pool.submit(self.fn, chunk)

    def _collect(self, flight: deque[tuple[list[Document], Future[list[Analysed]]]], *,
                 keep: int) -> Iterator[Analysed]:
        while len(flight) > keep:
            chunk, future = flight.popleft()
            try:
                yield from future.result()
            except BrokenProcessPool:  # some document in flight killed its worker: find which
                suspects = [*chunk, *(d for c, _ in flight for d in c)]
                flight.clear()
                self._restart()
                for suspect in suspects:
                    yield self._alone(suspect)

    def _alone(self, doc: Document) -> Analysed:
        try:
            return self._submit([doc]).result()[0]
        except BrokenProcessPool:
            self._restart()
            return doc, None, {}, KhabarError.make("E512").line()


def _pending(items: Iterable[Any], store: Store, summary: IngestSummary, run_id: str, *,
             on_progress: Callable[[IngestSummary], None] | None = None,
             in_flight: set[str] | None = None) -> Iterator[Document]:
    """Documents not yet stored (and not seen earlier in this batch); failures recorded.

    ``in_flight``: the content hashes handed on and not yet written; the writer removes each
    once written, so memory holds the documents in flight, not every hash of a huge input
    (a written one is then found in the store). Without it every hash of the batch is kept.
    """
    seen: set[str] = set() if in_flight is None else in_flight
    for item in items:
        if not isinstance(item, Document):
            _fail(store, summary, run_id, origin=item.origin, code=item.code, message=item.message)
            if on_progress is not None:
                on_progress(summary)
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


def read_inputs(inputs: Iterable[str | Document], *, fetcher: Any = None, published_default: str | None = None,
                max_feed_items: int = 1000) -> Iterator[Any]:
    """Documents and ``Failure``s: paths and URLs are read, ready Documents are screened like
    read ones (length, language: ``ingest.sources.screen``). Both engines read through this."""
    from khabar.ingest import iter_documents
    from khabar.ingest.sources import Failure, screen

    for item in inputs:
        if isinstance(item, Document):
            err = screen(item)
            yield item if err is None else Failure(item.origin or "<document>", err.code, err.line())
        else:
            yield from iter_documents([item], fetcher=fetcher, published_default=published_default,
                                      max_feed_items=max_feed_items)


def begin_run(store: Store, *, command: str, embeddings: bool) -> str:
    """Record a new run (version, configuration, models) and return its id."""
    run_id = "r" + hashlib.sha256(f"{time.time_ns()}|{command}".encode()).hexdigest()[:15]
    store.start_run(run_id=run_id, command=command, config_hash=config_hash(), models=models(embeddings=embeddings),
                    version=__version__)
    return run_id


def store_analysed(store: Store, summary: IngestSummary, result: Analysed) -> bool:
    """The one writer's step for one analysed article, whichever engine analysed it: its error
    recorded, or the article written in one transaction (rolled back on failure, recorded as
    E510). True when it was written."""
    doc, report, vectors, error = result
    origin = doc.origin or doc.url or doc.title or "<document>"
    if error is not None:
        _fail(store, summary, summary.run_id, origin=origin, code=error.split(":", 1)[0], message=error)
        return False
    try:
        with store.begin() as conn:
            written = write_article(conn, doc, report, embeddings=vectors, run_id=summary.run_id)
    except Exception as exc:  # rolled back; the store is as it was
        msg = KhabarError.make("E510", why=f"{type(exc).__name__}: {str(exc).splitlines()[0]}").line()
        _fail(store, summary, summary.run_id, origin=origin, code="E510", message=msg)
        return False
    summary.new += 1
    summary.events += written.events
    summary.entities_new += written.entities_new
    summary.canonical_touched += len(written.canonical)
    return True


def ingest(inputs: Iterable[str | Document], store: Store, *, workers: int = 1,
           published_default: str | None = None, embeddings: bool = True, fetcher: Any = None,
           on_progress: Callable[[IngestSummary], None] | None = None, command: str = "ingest",
           max_feed_items: int = 1000) -> IngestSummary:
    """Ingest paths, URLs and ready ``Document`` objects into ``store``; never raises for bad input.

    Ready Documents are screened like read ones (length, language: ``ingest.sources.screen``).
    """
    t0 = time.perf_counter()
    summary = IngestSummary(run_id=begin_run(store, command=command, embeddings=embeddings))
    items = read_inputs(inputs, fetcher=fetcher, published_default=published_default, max_feed_items=max_feed_items)
    in_flight: set[str] = set()
    todo = _pending(items, store, summary, summary.run_id, on_progress=on_progress, in_flight=in_flight)
    pool = _Workers(workers, fn=partial(analyse_many, embeddings=embeddings)) if workers > 1 else None
    results: Iterator[Analysed] = (pool.map(todo) if pool is not None
                                   else (r for chunk in chunks(todo) for r in analyse_many(chunk, embeddings=embeddings)))
    finished = False
    try:
        for result in results:
            if store_analysed(store, summary, result):  # its hash is in the ledger now
                in_flight.discard(content_hash(result[0].text))
            if on_progress is not None:
                on_progress(summary)
        finished = True
    finally:
        if pool is not None:
            pool.close(wait=finished)
    summary.seconds = round(time.perf_counter() - t0, 2)
    store.finish_run(summary.run_id, {k: v for k, v in summary.to_dict().items() if k != "failures"})
    return summary
