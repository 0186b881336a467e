"""Batch: run the per-article stage over many inputs and write through one writer."""

from khabar.batch.local import IngestSummary, analyse, ingest

__all__ = ["ingest", "analyse", "IngestSummary"]
