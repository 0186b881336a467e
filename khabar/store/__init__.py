"""Store: SQLite (embedded default) or PostgreSQL through one SQLAlchemy Core schema.

Writing an article (``khabar.store.write``) resolves its entities and events, so it imports
``khabar.resolve``; it is not re-exported here, which keeps ``import khabar.store`` free of
that cycle (resolve reads the schema and ``store.db``).
"""

from khabar.store.db import DEFAULT_DB, Store, resolve_url
from khabar.store.query import COUNT_CAP, count_events, count_events_upto, get_entity, get_event, list_events

__all__ = ["Store", "DEFAULT_DB", "resolve_url", "list_events",
           "count_events", "count_events_upto", "COUNT_CAP", "get_event", "get_entity"]
