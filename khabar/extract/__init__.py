"""Extract stage: events, roles, claims and relations from an analysed document."""

from khabar.extract.events import build_index, extract_events
from khabar.extract.merge import finalise_events
from khabar.extract.relations import find_relations

__all__ = ["build_index", "extract_events", "finalise_events", "find_relations"]
