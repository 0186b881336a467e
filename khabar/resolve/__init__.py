"""Resolve across articles: one entity per real-world actor, one canonical event per incident.

``events`` (pairwise evidence, reconciliation) and ``mentions`` (textual clustering) are
pure; ``entities`` and ``canonical`` apply them to the store as articles arrive.
"""

from khabar.resolve.events import EventRef, reconcile, score

__all__ = ["EventRef", "reconcile", "score"]
