"""The REST API over the store (FastAPI); the web UI builds on the same queries."""

from khabar.api.app import create_app

__all__ = ["create_app"]
