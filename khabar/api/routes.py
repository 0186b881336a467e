"""The JSON API: the same queries and review actions as the CLI and the web pages, over HTTP.

``api_router(store, guard)`` returns the ``/api`` routes; ``khabar.web.create_app`` mounts
them beside the HTML pages, so there is one app, one store and one write policy. Reads are
open; writes go through ``guard`` (JSON content type, and the token when one is required).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from khabar.resolve.review import audit_log, merge_entities, review_event, split_entity
from khabar.store import COUNT_CAP, Store, count_events_upto, get_entity, get_event, list_events
from khabar.web.security import Guard

__all__ = ["api_router"]


class ReviewBody(BaseModel):
    action: str = Field(description="confirm | reject | reopen | edit")
    who: str = Field(description="the reviewer's name, recorded in the audit log")
    fields: dict[str, Any] | None = Field(None, description="for edit: {field: value}; empty value = machine's")
    note: str | None = None


class MergeBody(BaseModel):
    other: str = Field(description="id of the entity merged into this one")
    who: str
    note: str | None = None


class SplitBody(BaseModel):
    names: list[str] = Field(description="aliases split off into their own entity")
    who: str
    note: str | None = None


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def api_router(store: Store, guard: Guard) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/events", summary="Canonical events, filtered and paginated")
    def events(type: str | None = None, country: str | None = None, actor: str | None = None,
               since: str | None = None, until: str | None = None, text: str | None = None,
               status: str | None = None, review: str | None = None, sort: str = "date",
               order: str = Query("desc", pattern="^(asc|desc)$"), limit: int = Query(50, ge=1, le=1000),
               offset: int = Query(0, ge=0)) -> dict[str, Any]:
        filters = {"type": type, "country": country, "actor": actor, "since": since, "until": until,
                   "text_query": text, "status": status, "review": review}
        with store.read() as conn:
            total, exact = count_events_upto(conn, COUNT_CAP, **filters)
            return {"total": total, "total_exact": exact, "limit": limit, "offset": offset,
                    "events": list_events(conn, limit=limit, offset=offset, sort=sort, descending=order == "desc",
                                          **filters)}

    @api.get("/events/{event_id}", summary="One canonical event with every source and its evidence")
    def event(event_id: str) -> dict[str, Any]:
        with store.read() as conn:
            return get_event(conn, event_id)

    @api.get("/entities/{name}", summary="An entity by id, name or alias")
    def entity(name: str) -> dict[str, Any]:
        with store.read() as conn:
            return get_entity(conn, name)

    @api.get("/status", summary="Counts and the latest ingest errors")
    def status() -> dict[str, Any]:
        return store.status()

    @api.get("/audit", summary="The audit log of reviewers' changes, newest first")
    def audit(object_id: str | None = None, limit: int = Query(200, ge=1, le=1000),
              offset: int = Query(0, ge=0)) -> dict[str, Any]:
        with store.read() as conn:
            return {"entries": audit_log(conn, object_id=object_id, limit=limit, offset=offset)}

    @api.post("/events/{event_id}/review", summary="Confirm, reject, reopen or edit an event (token when exposed)")
    def review(request: Request, event_id: str, body: ReviewBody) -> dict[str, Any]:
        guard.check_json(request)
        with store.begin() as conn:
            return review_event(conn, event_id, action=body.action, who=body.who, fields=body.fields,
                                note=body.note, client=_client(request))

    @api.post("/entities/{entity_id}/merge", summary="Merge another entity into this one")
    def merge(request: Request, entity_id: str, body: MergeBody) -> dict[str, Any]:
        guard.check_json(request)
        with store.begin() as conn:
            return merge_entities(conn, entity_id, body.other, who=body.who, note=body.note, client=_client(request))

    @api.post("/entities/{entity_id}/split", summary="Split aliases off this entity into their own entity")
    def split(request: Request, entity_id: str, body: SplitBody) -> dict[str, Any]:
        guard.check_json(request)
        with store.begin() as conn:
            return split_entity(conn, entity_id, body.names, who=body.who, note=body.note, client=_client(request))

    return api
