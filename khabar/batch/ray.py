"""Ingest on a Ray cluster: read here → analyse on the cluster → shards on disk → one writer.

The driver (this process) reads the inputs as a stream and screens them exactly as local
ingest does (``batch.local``: failures recorded, duplicates and stored texts skipped), cuts
the pending documents into shards (``batch.shards``) and hands each shard to a Ray Data
pipeline through a small queue actor. In the pipeline one task pulls shards from the queue
and a pool of ``workers`` actors analyses them (``batch.local.analyse``); each actor loads
the models once, when it starts. Results come back to the driver, which writes each shard
to disk with a completion marker and then stores the shards *in input order* through the
same writer as local ingest, so both engines build the same store from the same inputs.

Why a queue rather than ``ray.data.from_items``: ``from_items`` needs the whole input in
memory before the pipeline starts, and a new dataset per window of input would start new
actors (and load the models again) every window. One pipeline fed through a bounded queue
streams any amount of input through one actor pool, and the driver never holds more than a
few shards. Results travel back through Ray's object store, so the cluster needs no shared
file system; the shards folder lives on the driver's machine.

Ray is told to stay offline (``OFFLINE_ENV``, no dashboard, no runtime environments to
download): see ``docs/distributed.md``.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from khabar.batch.local import (
    IngestSummary,
    _fail,
    _pending,
    begin_run,
    chunks,
    config_hash,
    read_inputs,
    store_analysed,
)
from khabar.batch.shards import DEFAULT_SHARDS_DIR, Shard, ShardDir, group_shards
from khabar.errors import KhabarError
from khabar.model import Document
from khabar.store.db import Store
from khabar.store.write import content_hash, find_document

__all__ = ["ingest", "RayIngestSummary", "OFFLINE_ENV", "connect"]

# Set before Ray starts (and on every node by `ray start --disable-usage-stats`): no usage
# report, and so no probing of cloud metadata services (169.254.169.254) at start-up.
OFFLINE_ENV = {"RAY_USAGE_STATS_ENABLED": "0"}
OBJECT_STORE_BYTES = 256 * 1024 * 1024  # a local cluster's object store; spills to disk beyond
WARM_UP = "A car bomb exploded in Kabul on Monday, killing two people, police said."


@dataclass
class RayIngestSummary(IngestSummary):
    """Local ingest's summary, plus what only a distributed run has: shards and actors."""

    engine: str = "ray"
    workers: int = 0
    shards: int = 0  # shards analysed on the cluster in this run
    shards_reused: int = 0  # finished shards an interrupted run had left on disk
    actors: int = 0  # actor processes that analysed shards


def _first_line(exc: BaseException) -> str:
    """One line for the errors table. Ray wraps a failure in its own exception whose text
    holds the remote traceback: the last ``SomeError: ...`` line in it is the root cause."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    causes = re.findall(r"^(\w+(?:Error|Exception): .+)$", text, flags=re.MULTILINE)
    if causes and causes[-1] != f"{type(exc).__name__}: {text}":
        return causes[-1]
    lines = text.splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


# -- on the cluster ---------------------------------------------------------------------


def _pull(batch: dict[str, Any], *, feed: Any) -> Iterator[dict[str, list[Any]]]:
    """The pipeline's source: shards from the driver's queue until the end mark (None)."""
    while True:
        item = feed.get()
        if item is None:
            return
        idx, sid, blob = item
        yield {"shard": [idx], "id": [sid], "docs": [blob]}


class _Analyser:
    """One per actor: loads every model once (by analysing a one-sentence article), then
    analyses whole shards, in spaCy batches (``chunks``). ``analyse_many`` never raises for a bad article: it returns its error.

    A node with another Khabar version or KB than the driver would give different results
    under the driver's shard ids, so such an actor refuses to start."""

    def __init__(self, *, embeddings: bool, config: str) -> None:
        from khabar.batch.local import analyse_many

        if config_hash() != config:
            raise RuntimeError(f"Khabar on node {os.uname().nodename} differs from the driver's "
                               f"(configuration {config_hash()}, driver {config}): install the same "
                               "version and KB on every node")
        self.analyse, self.embeddings, self.pid = analyse_many, embeddings, os.getpid()
        analyse_many([Document(id="", text=WARM_UP, published="2024-01-01")], embeddings=embeddings)
        if embeddings:
            from khabar.resolve.embed import available

            available()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"shard": [], "id": [], "results": [], "pid": []}
        for idx, sid, blob in zip(batch["shard"], batch["id"], batch["docs"], strict=True):
            docs: list[Document] = pickle.loads(blob)
            results = [r for chunk in chunks(docs) for r in self.analyse(chunk, embeddings=self.embeddings)]
            out["shard"].append(int(idx))
            out["id"].append(str(sid))
            out["results"].append(pickle.dumps(results, protocol=5))
            out["pid"].append(self.pid)
        return out


# -- the connection and the pipeline ------------------------------------------------------


def _import_ray() -> Any:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise KhabarError.make("E530", why=_first_line(exc)) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail at once when nothing listens at HOST:PORT: Ray itself retries for minutes."""
    import socket

    if address == "auto":
        return
    scheme, _, rest = address.rpartition("://")
    host, colon, port = rest.rpartition(":")
    if scheme == "ray" and not (colon and port.isdigit()):
        host, port = rest, "10001"  # Ray Client's default port
    if not host or not port.isdigit():
        raise KhabarError.make("E531", address=address, why="not auto, HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise KhabarError.make("E531", address=address, why=f"nothing answers there ({why})") from None


def connect(*, address: str | None, workers: int | None) -> int:
    """Start a local Ray (``address`` None) or join a cluster; return the number of actors."""
    ray = _import_ray()
    if address is not None:
        _check_reachable(address)
    opts: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR, "namespace": "khabar"}
    try:
        if address is None:  # "local": a private Ray even where RAY_ADDRESS or a `ray start` exists
            ray.init("local", num_cpus=workers or os.cpu_count() or 1, object_store_memory=OBJECT_STORE_BYTES,
                     include_dashboard=False, _temp_dir=os.path.join(tempfile.gettempdir(), "ray"), **opts)
        else:
            ray.init(address=address, **opts)
        cpus = int(ray.cluster_resources().get("CPU", 0))
    except Exception as exc:  # Ray raises ConnectionError, ValueError, RuntimeError ...
        if ray.is_initialized():
            ray.shutdown()
        why = _first_line(exc)
        if address not in (None, "auto") and "RAY_AUTH_MODE" not in os.environ:
            why += " (a cluster with token authentication needs RAY_AUTH_MODE=token and its token here)"
        raise KhabarError.make("E531", address=address or "local", why=why) from None
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    return max(1, workers or cpus)


class _Pipeline:
    """The running Ray Data pipeline: a queue in, a thread that writes results out as shards."""

    def __init__(self, *, workers: int, embeddings: bool, shards: ShardDir) -> None:
        import ray.data
        from ray.util.queue import Queue

        self.feed = Queue(maxsize=2 * workers, actor_options={"num_cpus": 0})
        self.done: queue.Queue[tuple[int, int | None, str | None] | None] = queue.Queue()
        self.error: str | None = None
        self.ended = False
        ctx = ray.data.DataContext.get_current()
        saved = (ctx.target_max_block_size, ctx.enable_progress_bars, ctx.print_on_execution_start,
                 ctx.enable_auto_log_stats)
        # Each shard must travel as its own block: with Ray's default block size, the rows the
        # source yields would be packed into one block and reach a single actor.
        ctx.target_max_block_size = 1
        ctx.enable_progress_bars = ctx.print_on_execution_start = ctx.enable_auto_log_stats = False
        try:
            ds = (ray.data.from_items([{"start": 0}])
                  .map_batches(_pull, batch_size=1, num_cpus=0, fn_kwargs={"feed": self.feed})
                  .map_batches(_Analyser, batch_size=1, num_cpus=1,
                               fn_constructor_kwargs={"embeddings": embeddings, "config": config_hash()},
                               compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=2)))
        finally:
            (ctx.target_max_block_size, ctx.enable_progress_bars, ctx.print_on_execution_start,
             ctx.enable_auto_log_stats) = saved
        self.thread = threading.Thread(target=self._collect, args=(ds, shards), daemon=True,
                                       name="khabar-ray-results")
        self.thread.start()

    def _collect(self, ds: Any, shards: ShardDir) -> None:
        """Write each analysed shard to disk as soon as it arrives (any order), then say so."""
        try:
            for row in ds.iter_rows():
                try:
                    shards.write(row["id"], pickle.loads(row["results"]))
                except Exception as exc:  # a full disk, say: this shard is lost, the others go on
                    self.done.put((int(row["shard"]), None, f"its results could not be written: {_first_line(exc)}"))
                else:
                    self.done.put((int(row["shard"]), int(row["pid"]), None))
        except Exception as exc:  # the pipeline failed: the driver records the shards left
            self.error = _first_line(exc)
        finally:
            self.done.put(None)

    def put(self, item: tuple[int, str, bytes] | None, *, timeout: float) -> bool:
        from ray.util.queue import Full

        try:
            self.feed.put(item, timeout=timeout)
        except Full:
            return False
        return True


# -- the driver ---------------------------------------------------------------------------

QUEUED, READY, FAILED = "queued", "ready", "failed"


@dataclass
class _Planned:
    id: str
    origins: list[str]
    state: str = QUEUED
    why: str = ""


class _Driver:
    """Plans shards in input order, feeds the pipeline, and stores finished shards in order."""

    def __init__(self, store: Store, summary: RayIngestSummary, shards: ShardDir, *, workers: int,
                 embeddings: bool, keep_shards: bool,
                 on_progress: Callable[[IngestSummary], None] | None) -> None:
        self.store, self.summary, self.shards = store, summary, shards
        self.workers, self.embeddings, self.keep = workers, embeddings, keep_shards
        self.on_progress = on_progress
        self.plan: dict[int, _Planned] = {}
        self.next_load = 0
        self.pipeline: _Pipeline | None = None
        self.pids: set[int] = set()

    def run(self, docs: Iterable[Document], *, shard_size: int) -> None:
        key = f"{config_hash()}|embeddings={self.embeddings}"
        for idx, shard in enumerate(group_shards(docs, size=shard_size, key=key)):
            self.plan[idx] = planned = _Planned(shard.id, shard.origins)
            if self.shards.ready(shard.id):
                planned.state = READY
                self.summary.shards_reused += 1
            else:
                self._send(idx, shard)
            self._drain(wait=False)
            self._load()
        if self.pipeline is not None:
            while not self.pipeline.ended and not self.pipeline.put(None, timeout=0.5):
                self._drain(wait=False)
                self._load()
            while any(p.state == QUEUED for p in self.plan.values()) and not self.pipeline.ended:
                self._drain(wait=True)
                self._load()
            self.pipeline.thread.join(timeout=30)  # let Ray Data wind down before Ray stops
        for planned in self.plan.values():  # the pipeline ended without them
            if planned.state == QUEUED:
                planned.state, planned.why = FAILED, (self.pipeline and self.pipeline.error) or "no result came back"
        self._load()

    def _send(self, idx: int, shard: Shard) -> None:
        if self.pipeline is None:  # only now: a run with nothing to analyse starts no actor
            self.pipeline = _Pipeline(workers=self.workers, embeddings=self.embeddings, shards=self.shards)
        item = (idx, shard.id, pickle.dumps(shard.docs, protocol=5))
        while not self.pipeline.ended:
            if self.pipeline.put(item, timeout=0.5):
                self.summary.shards += 1
                return
            self._drain(wait=False)  # the queue is full: store what is finished meanwhile
            self._load()
        self.plan[idx].state, self.plan[idx].why = FAILED, self.pipeline.error or "the pipeline stopped"

    def _drain(self, *, wait: bool) -> None:
        if self.pipeline is None:
            return
        try:
            msg = self.pipeline.done.get(timeout=0.5) if wait else self.pipeline.done.get_nowait()
            while True:
                if msg is None:
                    self.pipeline.ended = True
                else:
                    idx, pid, error = msg
                    if error is None:
                        self.plan[idx].state = READY
                        self.pids.add(pid or 0)
                    else:
                        self.plan[idx].state, self.plan[idx].why = FAILED, error
                msg = self.pipeline.done.get_nowait()
        except queue.Empty:
            pass
        self.summary.actors = len(self.pids)

    def _load(self) -> None:
        """Store every finished shard at the front of the plan, in input order."""
        while (planned := self.plan.get(self.next_load)) is not None and planned.state != QUEUED:
            if planned.state == READY:
                self._store_shard(planned)
            else:
                for origin in planned.origins:
                    self._fail(origin, KhabarError.make("E532", shard=planned.id, why=planned.why).line())
            del self.plan[self.next_load]
            self.next_load += 1

    def _store_shard(self, planned: _Planned) -> None:
        if not self.keep:
            self.shards.claim(planned.id)
        done = 0
        try:
            for doc, report, vectors, error in self.shards.read(planned.id):
                self._store_one(doc, report, vectors, error)
                done += 1
        except Exception as exc:  # a damaged shard file: its other documents stay pending
            why = f"its results could not be read back: {_first_line(exc)}"
            for origin in planned.origins[done:]:
                self._fail(origin, KhabarError.make("E532", shard=planned.id, why=why).line())
        if not self.keep:
            self.shards.remove(planned.id)

    def _store_one(self, doc: Document, report: Any, vectors: dict[str, bytes | None], error: str | None) -> None:
        """What local ingest does with one analysed article (``store_analysed``), after checking
        that no other ingest stored the text while its shard was on the cluster."""
        if error is None:
            with self.store.read() as conn:
                stored = find_document(conn, content_hash(doc.text)) is not None
            if stored:
                self.summary.unchanged += 1
                self._progress()
                return
        store_analysed(self.store, self.summary, (doc, report, vectors, error))
        self._progress()

    def _fail(self, origin: str, message: str) -> None:
        _fail(self.store, self.summary, self.summary.run_id, origin=origin, code=message.split(":", 1)[0],
              message=message)
        self._progress()

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.summary)


def ingest(inputs: Iterable[str | Document], store: Store, *, address: str | None = None,
           workers: int | None = None, shards_dir: str | None = None, shard_size: int | None = None,
           keep_shards: bool = False, published_default: str | None = None, embeddings: bool = True,
           fetcher: Any = None, max_feed_items: int = 1000,
           on_progress: Callable[[IngestSummary], None] | None = None,
           command: str = "ingest --engine ray") -> RayIngestSummary:
    """Ingest like ``batch.local.ingest``, with the per-article stage on a Ray cluster.

    ``address`` None starts a local Ray with ``workers`` CPUs; ``"auto"``, ``HOST:PORT`` or
    ``ray://HOST:PORT`` joins a running cluster (``workers`` defaults to its CPU count).
    Shards of about ``shard_size`` (32) articles go to ``shards_dir`` (./khabar-shards) and are
    deleted once stored, unless ``keep_shards``.
    """
    shards = ShardDir.open(shards_dir or DEFAULT_SHARDS_DIR)
    ray = None
    try:
        n = connect(address=address, workers=workers)
        ray = _import_ray()
        t0 = time.perf_counter()
        run_id = begin_run(store, command=command, embeddings=embeddings)
        summary = RayIngestSummary(run_id=run_id, workers=n)
        driver = _Driver(store, summary, shards, workers=n, embeddings=embeddings, keep_shards=keep_shards,
                         on_progress=on_progress)
        items = read_inputs(inputs, fetcher=fetcher, published_default=published_default,
                            max_feed_items=max_feed_items)
        driver.run(_pending(items, store, summary, run_id, on_progress=on_progress), shard_size=shard_size or 32)
        summary.seconds = round(time.perf_counter() - t0, 2)
        store.finish_run(run_id, {k: v for k, v in summary.to_dict().items() if k != "failures"})
        return summary
    finally:
        if ray is not None and ray.is_initialized():
            ray.shutdown()
        shards.close()
