"""Ingest: read files, folders, URLs and feeds, decode them safely, and hand documents on."""

from khabar.ingest.fetch import Fetcher, FetchResult
from khabar.ingest.read import decode_text, read_text
from khabar.ingest.sources import Failure, iter_documents

__all__ = ["decode_text", "read_text", "iter_documents", "Failure", "Fetcher", "FetchResult"]
