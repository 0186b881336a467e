"""The REST API over the store (FastAPI routes under ``/api``); the web UI mounts it."""

from khabar.api.routes import api_router

__all__ = ["api_router"]
