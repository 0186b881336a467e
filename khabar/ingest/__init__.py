"""Ingest: read bytes from files, decode them safely, and hand clean text on."""

from khabar.ingest.read import decode_text, read_text

__all__ = ["decode_text", "read_text"]
