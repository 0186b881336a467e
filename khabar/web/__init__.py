"""The workbench: HTML pages with JSON twins, the map and timeline, review forms (FastAPI + Jinja2)."""

from khabar.web.app import create_app

__all__ = ["create_app"]
