"""Opening a store: one URL for SQLite (the embedded default) or PostgreSQL.

SQLite runs in WAL mode with foreign keys on, so readers (``khabar events``, the web UI)
never block the one writer (``khabar ingest``) and the writer never blocks them; a busy
timeout makes a second writer wait instead of failing. PostgreSQL goes through the same
SQLAlchemy Core code with the psycopg 3 driver.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import SQLAlchemyError

from khabar.errors import KhabarError
from khabar.store.migrate import migrate
from khabar.store.schema import canonical_events, documents, entities, errors, events, runs

__all__ = ["Store", "DEFAULT_DB", "resolve_url", "now"]

DEFAULT_DB = "khabar.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def resolve_url(db: str | None) -> str:
    """``--db`` > ``KHABAR_DB`` > ./khabar.db; a bare path means SQLite."""
    db = db or os.environ.get("KHABAR_DB") or DEFAULT_DB
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """A Khabar store: the engine plus the few whole-store operations (runs, errors, status)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, db: str | None = None) -> Store:
        url = resolve_url(db)
        try:
            if url.startswith("sqlite:///"):
                path = Path(url[len("sqlite:///"):])
                if str(path) != ":memory:":
                    path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, future=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            store = cls(engine)
            migrate(engine)
        except KhabarError:
            raise
        except (SQLAlchemyError, OSError, ImportError) as exc:
            shown = url.split("@")[-1] if "@" in url else url  # never echo a password
            raise KhabarError.make("E501", url=shown, why=str(exc).splitlines()[0]) from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- runs and errors -------------------------------------------------------------
    def start_run(self, *, run_id: str, command: str, config_hash: str, models: dict[str, str],
                  version: str) -> None:
        with self.begin() as conn:
            conn.execute(runs.insert().values(
                id=run_id, started_at=now(), version=version, config_hash=config_hash,
                models=json.dumps(models, sort_keys=True), command=command))

    def finish_run(self, run_id: str, stats: dict[str, Any]) -> None:
        with self.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                finished_at=now(), stats=json.dumps(stats, sort_keys=True)))

    def record_error(self, *, origin: str, code: str, message: str, run_id: str | None = None,
                     conn: Connection | None = None) -> None:
        values = {"run_id": run_id, "origin": origin[:2000], "code": code, "message": message[:2000],
                  "at": now()}
        if conn is not None:
            conn.execute(errors.insert().values(**values))
            return
        with self.begin() as c:
            c.execute(errors.insert().values(**values))

    # -- status ----------------------------------------------------------------------
    def status(self, *, latest_errors: int = 10) -> dict[str, Any]:
        with self.read() as conn:
            counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                      for name, table in (("documents", documents), ("entities", entities),
                                          ("events", events), ("canonical_events", canonical_events),
                                          ("errors", errors))}
            latest = conn.execute(select(errors).order_by(errors.c.id.desc()).limit(latest_errors)).mappings()
            last_run = conn.execute(select(runs).order_by(runs.c.started_at.desc()).limit(1)).mappings().first()
            multi = conn.execute(select(func.count()).select_from(canonical_events)
                                 .where(canonical_events.c.n_sources > 1)).scalar_one()
            return {
                "database": self.engine.url.render_as_string(hide_password=True),
                "counts": {**counts, "canonical_events_multi_source": multi},
                "latest_errors": [{"origin": r["origin"], "code": r["code"], "message": r["message"],
                                   "at": r["at"]} for r in latest],
                "last_run": None if last_run is None else {
                    "id": last_run["id"], "started_at": last_run["started_at"],
                    "finished_at": last_run["finished_at"], "version": last_run["version"],
                    "stats": json.loads(last_run["stats"]) if last_run["stats"] else None},
            }
