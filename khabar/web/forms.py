"""The review forms: POST, check (CSRF, origin, token), act, record, redirect back.

Every handler follows post/redirect/get: the change and its audit rows are written in one
transaction, then the browser is sent back to the page it came from, so a reload never
repeats an action. The reviewer's name is remembered in a cookie for the next form.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from khabar.errors import KhabarError
from khabar.resolve.overrides import EDITABLE
from khabar.resolve.review import merge_entities, review_event, split_entity
from khabar.store.query import find_entities
from khabar.web.pages import render
from khabar.web.security import TOKEN_COOKIE

__all__ = ["register"]


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _back(url: str, who: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if who:
        response.set_cookie("khabar_who", who[:100], httponly=True, samesite="strict")
    return response


def register(app: FastAPI) -> None:
    store, guard = app.state.store, app.state.guard

    async def checked_form(request: Request) -> Any:
        form = await request.form()
        guard.check_form(request, form.get("csrf"))
        return form

    @app.post("/events/{event_id}/review", include_in_schema=False)
    async def review(request: Request, event_id: str) -> RedirectResponse:
        form = await checked_form(request)
        action, who = form.get("action") or "", (form.get("who") or "").strip()
        fields = {f: form.get(f) for f in EDITABLE if f in form} if action == "edit" else None
        with store.begin() as conn:
            result = review_event(conn, event_id, action=action, who=who, fields=fields, note=form.get("note"),
                                  client=_client(request))
        back = form.get("back") or ""
        target = back if back.startswith("/review") else f"/events/{result['id']}#review"
        return _back(target, who)

    @app.post("/entities/{entity_id}/merge", include_in_schema=False)
    async def merge(request: Request, entity_id: str) -> RedirectResponse:
        form = await checked_form(request)
        other, who = (form.get("other") or "").strip(), (form.get("who") or "").strip()
        with store.begin() as conn:
            found = [i for i in find_entities(conn, other) if i != entity_id] if other else []
            target = other if other.startswith("e") and other in found else (found[0] if found else other)
            merge_entities(conn, entity_id, target, who=who, note=form.get("note"), client=_client(request))
        return _back(f"/entities/{entity_id}#review", who)

    @app.post("/entities/{entity_id}/split", include_in_schema=False)
    async def split(request: Request, entity_id: str) -> RedirectResponse:
        form = await checked_form(request)
        who = (form.get("who") or "").strip()
        with store.begin() as conn:
            result = split_entity(conn, entity_id, form.getlist("names"), who=who, note=form.get("note"),
                                  client=_client(request))
        return _back(f"/entities/{result['split']}", who)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return render(request, "login.html", {})

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> RedirectResponse:
        form = await request.form()
        expected = guard.csrf_for(request.state.session)
        if not expected or not hmac.compare_digest(expected, form.get("csrf") or ""):
            raise KhabarError.make("E525", why="the form's CSRF field is missing or stale; reload the page")
        given = form.get("token") or ""
        if guard.token is None or not hmac.compare_digest(given.encode(), guard.token.encode()):
            raise KhabarError.make("E525", why="that token is not the one this server was started with")
        response = RedirectResponse("/review", status_code=303)
        response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response
