"""Schema migrations: ordered, recorded steps (as in sqlite-utils and Django).

Each step has a number and a name; ``schema_migrations`` records which ran. Opening a store
runs the missing steps in order inside one transaction each, so a store is always at a
known version. A store newer than this code refuses to open (E502) instead of guessing.
Add a step at the end; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select, text

from khabar.errors import KhabarError
from khabar.store.schema import fts_rowid, metadata, schema_migrations

__all__ = ["MIGRATIONS", "migrate", "current_version"]


def _create_tables(conn: Connection) -> None:
    metadata.create_all(conn)


def _full_text(conn: Connection) -> None:
    """FTS5 over document text and entity names (SQLite); GIN indexes on PostgreSQL."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
                          "doc_id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')"))
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS entities_fts USING fts5("
                          "entity_id UNINDEXED, names, tokenize='unicode61 remove_diacritics 2')"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_documents_fts ON documents USING GIN "
                          "(to_tsvector('simple', coalesce(title, '') || ' ' || text))"))
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_aliases_fts ON aliases USING GIN "
                          "(to_tsvector('simple', alias))"))


def _review(conn: Connection) -> None:
    """Reviewers' judgements and edits, the audit log, and ``entities.merged_into``.

    Stores created before this step lack the column; stores created by step 1 of this code
    already have it (step 1 creates the current tables), so the column is added only if absent.
    """
    from khabar.store.schema import audit, event_reviews

    metadata.create_all(conn, tables=[audit, event_reviews])
    if "merged_into" not in {c["name"] for c in inspect(conn).get_columns("entities")}:
        conn.execute(text("ALTER TABLE entities ADD COLUMN merged_into VARCHAR(40)"))


def _list_indexes(conn: Connection) -> None:
    """Covering indexes for the events list's sorts and filters: a page of a 100,000-event store
    reads ids from an index instead of scanning the table with its JSON (docs/benchmarks.md)."""
    from khabar.store.schema import canonical_events

    names = ("ix_canonical_sort_date", "ix_canonical_sort_fatalities", "ix_canonical_sort_sources",
             "ix_canonical_type", "ix_canonical_subtype", "ix_canonical_range", "ix_canonical_timeline")
    for index in canonical_events.indexes:
        if index.name in names:
            index.create(conn, checkfirst=True)


def _block_index(conn: Connection) -> None:
    """Blocking by family, country and a bounded window of start days: finding the candidates of
    a new report reads a few weeks of one country's events, not the family's whole history
    (the cost had grown with the store: bench/bench_resolve.py, docs/benchmarks.md)."""
    from khabar.store.schema import canonical_events

    for index in canonical_events.indexes:
        if index.name == "ix_canonical_block_country":
            index.create(conn, checkfirst=True)


def _fts_rowids(conn: Connection) -> None:
    """Full-text rows keyed by their id's hex digits (``schema.fts_rowid``): an entity's row is
    replaced by rowid instead of a scan of the whole table on every new alias, and a search
    maps matches to documents without reading them (docs/benchmarks.md). The tables are rebuilt
    from the stored rows (SQLite only)."""
    if conn.dialect.name != "sqlite":
        return
    for table, id_col, cols in (("documents_fts", "doc_id", "title, body"), ("entities_fts", "entity_id", "names")):
        conn.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {table}_old")
        conn.execute(text(f"CREATE VIRTUAL TABLE {table} USING fts5({id_col} UNINDEXED, {cols}, "
                          "tokenize='unicode61 remove_diacritics 2')"))
        marks = ", ".join("?" * (2 + len(cols.split(","))))  # rowid, the id, the text columns
        insert = f"INSERT INTO {table}(rowid, {id_col}, {cols}) VALUES ({marks})"
        rows = conn.exec_driver_sql(f"SELECT {id_col}, {cols} FROM {table}_old")
        while batch := rows.fetchmany(1000):
            conn.exec_driver_sql(insert, [(fts_rowid(r[0]), *r) for r in batch])
        conn.exec_driver_sql(f"DROP TABLE {table}_old")


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "create tables", _create_tables),
    (2, "full-text search", _full_text),
    (3, "review and audit", _review),
    (4, "list indexes", _list_indexes),
    (5, "blocking index", _block_index),
    (6, "full-text rowids", _fts_rowids),
]


def current_version(conn: Connection) -> int:
    schema_migrations.create(conn, checkfirst=True)
    found = conn.execute(select(schema_migrations.c.version)).scalars().all()
    return max(found, default=0)


def migrate(engine: Engine) -> list[int]:
    """Run the missing steps; return the versions applied now."""
    with engine.begin() as conn:
        version = current_version(conn)
    known = MIGRATIONS[-1][0]
    if version > known:
        raise KhabarError.make("E502", found=version, known=known)
    applied = []
    for number, name, step in MIGRATIONS:
        if number <= version:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(schema_migrations.insert().values(
                version=number, name=name, applied_at=datetime.now(UTC).isoformat(timespec="seconds")))
        applied.append(number)
    return applied
