"""The store's tables, in SQLAlchemy Core, one definition for SQLite and PostgreSQL.

Ids are text and come from content hashes (documents, mentions, per-article events) or
from the first thing that created a row (canonical events, entities), so re-running an
ingest produces the same ids and changes nothing. Rich, nested values (the contract's event
dict, entity attributes) live in a JSON text column beside the flat columns that queries
filter on: filters stay indexable and the contract shape stays whole.
"""

from __future__ import annotations

import re

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["metadata", "TABLES", "fts_rowid"]

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", String(40), primary_key=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("version", String(32), nullable=False),
    Column("config_hash", String(64), nullable=False),
    Column("models", Text, nullable=False),  # JSON
    Column("command", Text),
    Column("stats", Text),  # JSON
)

sources = Table(
    "sources", metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("domain", String(300)),
)

documents = Table(
    "documents", metadata,
    Column("id", String(40), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("url", Text),
    Column("published", String(10)),
    Column("source_id", String(40), ForeignKey("sources.id")),
    Column("author", Text),
    Column("language", String(8)),
    Column("origin", Text),
    Column("text", Text, nullable=False),
    Column("n_words", Integer),
    Column("ingested_at", String(32), nullable=False),
    Column("run_id", String(40), ForeignKey("runs.id")),
    Index("ix_documents_published", "published"),
)

entities = Table(
    "entities", metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(40)),
    Column("kb_id", String(200)),
    Column("qid", String(40)),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("feature", String(20)),
    Column("gazetteer_id", String(60)),
    Column("lat", Float),
    Column("lon", Float),
    Column("attributes", Text),  # JSON
    Column("created_at", String(32), nullable=False),
    Column("merged_into", String(40)),  # set by a reviewer's merge; the row is kept (migration 3)
    Index("ix_entities_kb", "kb_id"),
    Index("ix_entities_type_name", "type", "name"),
)

aliases = Table(
    "aliases", metadata,
    Column("entity_id", String(40), ForeignKey("entities.id"), primary_key=True),
    Column("norm", String(400), primary_key=True),
    Column("alias", Text, nullable=False),
    Index("ix_aliases_norm", "norm"),
)

mentions = Table(
    "mentions", metadata,
    Column("id", String(40), primary_key=True),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False),
    Column("entity_id", String(40), ForeignKey("entities.id"), nullable=False),
    Column("local_id", String(20)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_mentions_entity", "entity_id"),
    Index("ix_mentions_document", "document_id"),
)


def _when() -> list[Column]:
    """When an event happened: its date at its precision, and the day range it may lie in
    (``date_lo``..``date_hi``, used for blocking). Shared by reports and canonical events."""
    return [Column("date_start", String(10)), Column("date_end", String(10)),
            Column("date_precision", String(10), nullable=False),
            Column("date_lo", String(10)), Column("date_hi", String(10))]


def _toll() -> list[Column]:
    """Casualty ranges, status and confidence: shared by reports and canonical events."""
    return [Column("fatalities_min", Integer), Column("fatalities_max", Integer),
            Column("injuries_min", Integer), Column("injuries_max", Integer),
            Column("status", String(12), nullable=False), Column("confidence", Float)]


canonical_events = Table(
    "canonical_events", metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(30), nullable=False),
    Column("subtype", String(40)),
    Column("family", String(30), nullable=False),
    *_when(),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("location_name", Text),
    Column("location_entity", String(40)),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", String(12)),
    *_toll(),
    Column("n_sources", Integer, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("first_published", String(10)),
    Column("updated_at", String(32), nullable=False),
    Column("data", Text, nullable=False),  # JSON: the reconciled event with sources
    Index("ix_canonical_block", "family", "date_lo"),
    Index("ix_canonical_country", "country"),
    Index("ix_canonical_date", "date_start"),
    # the list views' sorts and filters (migration 4): covering, so a page never reads `data`
    Index("ix_canonical_sort_date", "date_lo", "id"),
    Index("ix_canonical_sort_fatalities", "fatalities_min", "id"),
    Index("ix_canonical_sort_sources", "n_sources", "id"),
    Index("ix_canonical_type", "type", "date_lo", "date_hi", "date_start"),
    Index("ix_canonical_subtype", "subtype"),
    Index("ix_canonical_range", "date_hi", "date_lo", "date_start"),
    Index("ix_canonical_timeline", "date_start", "date_precision", "type"),
    # resolution's blocking (migration 5): a bounded window of one family and country
    Index("ix_canonical_block_country", "family", "country", "date_lo"),
)

events = Table(
    "events", metadata,
    Column("id", String(40), primary_key=True),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False),
    Column("canonical_id", String(40), ForeignKey("canonical_events.id")),
    Column("local_id", String(20), nullable=False),
    Column("type", String(30), nullable=False),
    Column("subtype", String(40)),
    Column("family", String(30), nullable=False),
    *_when(),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("location_name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", String(12)),
    *_toll(),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("trigger_text", Text),
    Column("embedding", LargeBinary),  # float32 vector of the evidence sentence
    Column("data", Text, nullable=False),  # JSON: the contract event, global entity ids
    Index("ix_events_canonical", "canonical_id"),
    Index("ix_events_document", "document_id"),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), ForeignKey("events.id"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("entity_id", String(40), ForeignKey("entities.id")),
    Column("name", Text, nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Index("ix_participants_event", "event_id"),
    Index("ix_participants_entity", "entity_id"),
)

evidence = Table(
    "evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), ForeignKey("events.id"), nullable=False),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_evidence_event", "event_id"),
)

relations = Table(
    "relations", metadata,
    Column("source_id", String(40), ForeignKey("entities.id"), primary_key=True),
    Column("type", String(30), primary_key=True),
    Column("target_id", String(40), ForeignKey("entities.id"), primary_key=True),
    Column("basis", String(10), nullable=False),
    Column("document_id", String(40), ForeignKey("documents.id")),
)

errors = Table(
    "errors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), ForeignKey("runs.id")),
    Column("origin", Text, nullable=False),
    Column("code", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

event_reviews = Table(
    "event_reviews", metadata,
    Column("canonical_id", String(40), primary_key=True),  # no FK: the review outlives a re-clustering
    Column("state", String(12)),  # confirmed | rejected | None (edited but not judged)
    Column("overrides", Text, nullable=False),  # JSON {field: value}, applied on every rebuild
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", Text, nullable=False),
    Index("ix_event_reviews_state", "state"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("who", Text, nullable=False),
    Column("client", Text),
    Column("action", String(20), nullable=False),
    Column("object_type", String(10), nullable=False),
    Column("object_id", String(40), nullable=False),
    Column("field", String(40)),
    Column("old", Text),  # JSON
    Column("new", Text),  # JSON
    Column("note", Text),
    Index("ix_audit_object", "object_type", "object_id"),
)

TABLES = {t.name: t for t in metadata.sorted_tables}


_STORE_ID = re.compile(r"[de][0-9a-f]{15,16}")


def fts_rowid(store_id: str) -> int:
    """The full-text row of a document ('d' + 16 hex) or an entity ('e' + 15 hex): the id's
    hex digits read as a signed 64-bit integer. A row is then replaced by rowid, and a match
    mapped back to its id (``printf('d%016x', rowid)``) without reading the full-text table's
    stored columns, which on a million-document store took seconds per common word
    (docs/benchmarks.md)."""
    if not _STORE_ID.fullmatch(store_id):
        raise ValueError(f"not a document or entity id: {store_id!r}")
    value = int(store_id[1:], 16)
    return value - (1 << 64) if value >= 1 << 63 else value
