"""Resolve across articles: one entity per real-world actor, one canonical event per incident."""

from khabar.resolve.canonical import attach_events, rebuild_canonical
from khabar.resolve.entities import resolve_entity
from khabar.resolve.events import EventRef, reconcile, score

__all__ = ["attach_events", "rebuild_canonical", "resolve_entity", "EventRef", "reconcile", "score"]
