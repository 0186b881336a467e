"""Shards: the analysed results of a distributed ingest, kept on disk until they are stored.

A shard is a group of consecutive pending documents. Its results (one Parquet file) are
written first and its completion marker (``.done``, holding the file's SHA-256) last, each by
an atomic rename, so a marker always names a complete file. A run that is killed keeps every
shard whose marker exists, and the next run loads those instead of analysing them again.

Which documents make a shard is decided by their content, not their position: a document
whose text hash falls in a 1-in-``size`` bucket ends its shard. Documents stored by an earlier run
drop out of the pending stream, and position-based groups would then all shift and every
finished shard would be analysed again; content-defined groups change only where documents
dropped out. A shard's id hashes its documents (every field, not only the text) and the
configuration (code, KB, embeddings), so changed inputs or settings never reuse old results.

Shard files hold pickled ``Document``/``Report`` objects: the folder must be as private as
the store itself (only the user running ingest can write there).
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.errors import KhabarError
from khabar.model import Document
from khabar.store.write import content_hash

__all__ = ["Shard", "ShardDir", "group_shards", "DEFAULT_SHARDS_DIR"]

DEFAULT_SHARDS_DIR = "khabar-shards"
Analysed = tuple[Document, Any, dict[str, bytes | None], str | None]


@dataclass
class Shard:
    """A group of pending documents, in input order, and its content-derived id."""

    id: str
    docs: list[Document] = field(default_factory=list)

    @property
    def origins(self) -> list[str]:
        return [d.origin or d.url or d.title or "<document>" for d in self.docs]


def group_shards(docs: Iterable[Document], *, size: int, key: str) -> Iterator[Shard]:
    """Cut ``docs`` into shards of about ``size`` documents (at least size/4, at most 4*size)
    at content-chosen points; ``key`` (the configuration) goes into every shard id."""
    size = max(1, size)
    low, high = max(1, size // 4), 4 * size
    group: list[Document] = []
    digests: list[str] = []
    for doc in docs:
        digest = content_hash(doc.text)
        group.append(doc)
        digests.append(_fingerprint(doc))
        cut = int(digest[:8], 16) % size == 0 and len(group) >= low
        if cut or len(group) >= high:
            yield _shard(group, digests, key)
            group, digests = [], []
    if group:
        yield _shard(group, digests, key)


def _fingerprint(doc: Document) -> str:
    """Everything about a document that its analysis and its stored row depend on: the same
    text with another date, title or origin must not reuse an old result."""
    return hashlib.sha256(repr(dataclasses.astuple(doc)).encode()).hexdigest()


def _shard(docs: list[Document], digests: list[str], key: str) -> Shard:
    h = hashlib.sha256(f"khabar-shard|{key}".encode())
    for d in digests:
        h.update(d.encode())
    return Shard(id="s" + h.hexdigest()[:19], docs=docs)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _replace(tmp: Path, final: Path) -> None:
    """fsync the file, rename it into place, fsync the folder: durable before the next step."""
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ShardDir:
    """The shards folder of one ingest at a time (a lock file keeps a second one out)."""

    def __init__(self, path: Path, lock: Any) -> None:
        self.path = path
        self._lock = lock

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> ShardDir:
        where = Path(path).expanduser()
        try:
            where.mkdir(parents=True, exist_ok=True)
            lock = (where / ".lock").open("a")
        except OSError as exc:
            raise KhabarError.make("E533", path=str(where), why=exc.strerror or str(exc)) from None
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise KhabarError.make("E533", path=str(where), why="another ingest is using it") from None
        shards = cls(where, lock)
        shards._sweep()
        return shards

    def close(self) -> None:
        fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
        self._lock.close()

    def _sweep(self) -> None:
        """Remove what an interrupted run left half-done: temporary files, and result files
        whose marker is gone (a load had claimed them; their documents are pending again)."""
        for p in self.path.glob(".tmp-*"):
            p.unlink(missing_ok=True)
        for p in self.path.glob("*.parquet"):
            if not p.with_suffix(".done").exists():
                p.unlink(missing_ok=True)

    def _file(self, sid: str) -> Path:
        return self.path / f"{sid}.parquet"

    def _marker(self, sid: str) -> Path:
        return self.path / f"{sid}.done"

    def ready(self, sid: str) -> bool:
        """True when the shard's results are complete on disk (marker present, file intact)."""
        marker, file = self._marker(sid), self._file(sid)
        try:
            meta = json.loads(marker.read_text())
            return file.exists() and meta.get("sha256") == _sha256(file)
        except (OSError, ValueError):
            return False

    def write(self, sid: str, results: list[Analysed]) -> None:
        """Write the shard's results, then its marker; either step may be interrupted safely."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows: dict[str, list[Any]] = {k: [] for k in ("origin", "content_hash", "document_id", "events",
                                                       "error", "result")}
        for doc, report, vectors, error in results:
            rows["origin"].append(doc.origin or doc.url or doc.title or "<document>")
            rows["content_hash"].append(content_hash(doc.text))
            rows["document_id"].append(report.document.id if report is not None else None)
            rows["events"].append(len(report.events) if report is not None else 0)
            rows["error"].append(error)
            rows["result"].append(pickle.dumps((doc, report, vectors, error), protocol=5))
        table = pa.table({**{k: v for k, v in rows.items() if k != "result"},
                          "result": pa.array(rows["result"], type=pa.large_binary())})
        tmp = self.path / f".tmp-{os.getpid()}-{sid}.parquet"
        pq.write_table(table, tmp, compression="zstd")
        _replace(tmp, self._file(sid))
        meta = {"shard": sid, "documents": len(results), "sha256": _sha256(self._file(sid))}
        tmp = self.path / f".tmp-{os.getpid()}-{sid}.done"
        tmp.write_text(json.dumps(meta) + "\n")
        _replace(tmp, self._marker(sid))

    def read(self, sid: str) -> Iterator[Analysed]:
        """The shard's results in input order, one row group at a time."""
        import pyarrow.parquet as pq

        with pq.ParquetFile(self._file(sid)) as f:
            for batch in f.iter_batches(batch_size=64, columns=["result"]):
                for blob in batch.column(0).to_pylist():
                    yield pickle.loads(blob)

    def claim(self, sid: str) -> None:
        """About to store the shard: drop its marker, so that a load cut short leaves no
        marker behind (its remaining documents are simply pending in the next run)."""
        self._marker(sid).unlink(missing_ok=True)

    def remove(self, sid: str) -> None:
        self._marker(sid).unlink(missing_ok=True)
        self._file(sid).unlink(missing_ok=True)

    def finished(self) -> list[str]:
        """Ids of the shards whose marker is present (for tests and inspection)."""
        return sorted(p.stem for p in self.path.glob("*.done") if not p.name.startswith("."))
