"""Store: SQLite (embedded default) or PostgreSQL through one SQLAlchemy Core schema."""

from khabar.store.db import DEFAULT_DB, Store, resolve_url
from khabar.store.query import count_events, get_entity, get_event, list_events
from khabar.store.write import content_hash, write_article

__all__ = ["Store", "DEFAULT_DB", "resolve_url", "write_article", "content_hash", "list_events",
           "count_events", "get_event", "get_entity"]
