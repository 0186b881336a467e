"""A read-only JSON API over the store: the same queries as the CLI, over HTTP.

Built with ``create_app(store)`` so tests hand in any store and no global state exists.
Every response carries a strict Content-Security-Policy and ``nosniff``: article text is
hostile and is only ever served as JSON. OpenAPI lives at ``/api/docs``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from khabar import __version__
from khabar.errors import KhabarError
from khabar.store import Store, count_events, get_entity, get_event, list_events

__all__ = ["create_app", "SECURITY_HEADERS"]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="Khabar", version=__version__, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Canonical events merged from news reports, with every source and its evidence.")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN202
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(KhabarError)
    async def khabar_error(_request: Request, exc: KhabarError) -> JSONResponse:
        status = 404 if exc.code in ("E503", "E504") else 400
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=status)

    @app.get("/api/events", summary="Canonical events, filtered and paginated")
    def events(type: str | None = None, country: str | None = None, actor: str | None = None,
               since: str | None = None, until: str | None = None, text: str | None = None,
               status: str | None = None, limit: int = Query(50, ge=1, le=1000),
               offset: int = Query(0, ge=0)) -> dict[str, Any]:
        filters = {"type": type, "country": country, "actor": actor, "since": since, "until": until,
                   "text_query": text, "status": status}
        with store.read() as conn:
            return {"total": count_events(conn, **filters), "limit": limit, "offset": offset,
                    "events": list_events(conn, limit=limit, offset=offset, **filters)}

    @app.get("/api/events/{event_id}", summary="One canonical event with every source and its evidence")
    def event(event_id: str) -> dict[str, Any]:
        with store.read() as conn:
            return get_event(conn, event_id)

    @app.get("/api/entities/{name}", summary="An entity by id, name or alias")
    def entity(name: str) -> dict[str, Any]:
        with store.read() as conn:
            return get_entity(conn, name)

    @app.get("/api/status", summary="Counts and the latest ingest errors")
    def status() -> dict[str, Any]:
        return store.status()

    return app
