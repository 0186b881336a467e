"""The read-only pages, each registered twice: ``/X`` (HTML) and ``/X.json`` (its JSON twin).

A page is a builder ``(conn, request) -> dict`` from ``web.data`` plus a template. The JSON
route is registered first so ``/events/ID.json`` never reaches the HTML route as an id.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from khabar.errors import KhabarError
from khabar.web import basemap, charts, data
from khabar.web.highlight import Mark, pieces

__all__ = ["register", "render"]

Builder = Callable[[Connection, Request], dict[str, Any]]


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise KhabarError.make("E522", value=raw[:40], field=name, why="a whole number") from None


def render(request: Request, template: str, page: dict[str, Any], **context: Any) -> HTMLResponse:
    app = request.app
    guard = app.state.guard
    query = request.url.query
    html = app.state.env.get_template(template).render(
        request=request, page=page, csrf=guard.csrf_for(request.state.session),
        can_write=guard.authorised(request), read_only=guard.read_only, needs_token=guard.token is not None,
        json_url=request.url.path + ".json" + (f"?{query}" if query else ""),
        who=request.cookies.get("khabar_who", ""), **context)
    return HTMLResponse(html)


def _filters(request: Request) -> data.Filters:
    return data.Filters.parse(request.query_params)


# -- builders: (conn, request) -> the page's dict ---------------------------------------------------

def _events(conn: Connection, request: Request) -> dict[str, Any]:
    q = request.query_params
    return data.events_page(conn, _filters(request), sort=q.get("sort") or "date", order=q.get("order") or "desc",
                            page=_int(request, "page", 1), size=_int(request, "size", 50))


def _map(conn: Connection, request: Request) -> dict[str, Any]:
    return data.map_page(conn, _filters(request), limit=min(max(_int(request, "limit", 5000), 1), 20000))


def _timeline(conn: Connection, request: Request) -> dict[str, Any]:
    return data.timeline_page(conn, _filters(request))


def _event(conn: Connection, request: Request) -> dict[str, Any]:
    return data.event_page(conn, request.path_params["event_id"])


def _entity(conn: Connection, request: Request) -> dict[str, Any]:
    return data.entity_page(conn, request.path_params["entity_id"])


def _document(conn: Connection, request: Request) -> dict[str, Any]:
    return data.document_page(conn, request.path_params["doc_id"])


def _review(conn: Connection, request: Request) -> dict[str, Any]:
    return data.review_page(conn, _filters(request), page=_int(request, "page", 1))


def _audit(conn: Connection, request: Request) -> dict[str, Any]:
    return data.audit_page(conn, page=_int(request, "page", 1))


# -- what only the HTML needs (geometry, highlighted text) ------------------------------------------

def _map_extra(conn: Connection, page: dict[str, Any]) -> dict[str, Any]:
    box = basemap.viewbox([(p["lat"], p["lon"]) for p in page["points"]])
    marks = charts.markers([{**p, "date_start": p["date"], "location_name": p["location"]} for p in page["points"]],
                           limit=len(page["points"]) or 1, scale=box[2] / basemap.WIDTH)
    return {"markers": marks, "viewbox": box, "world": (basemap.WIDTH, basemap.HEIGHT),
            "types": sorted({p["type"] for p in page["points"]})}


def _timeline_extra(conn: Connection, page: dict[str, Any]) -> dict[str, Any]:
    return {"chart": charts.timeline_svg(page)}


def _event_extra(conn: Connection, page: dict[str, Any]) -> dict[str, Any]:
    event = page["event"]
    texts = data.document_texts(conn, [s["document"] for s in event.get("sources", [])])
    highlighted = {}
    for src in event.get("sources", []):
        marks = [Mark(s["start"], s["end"], "evidence") for s in src.get("sentences", [])]
        trig = src.get("trigger") or {}
        if trig.get("start") is not None:
            marks.append(Mark(trig["start"], trig["end"], "trigger", title="trigger"))
        for kind in ("fatalities", "injuries"):
            ev = (src.get(kind) or {}).get("evidence") or {}
            if ev.get("start") is not None:
                marks.append(Mark(ev["start"], ev["end"], "toll", title=kind))
        highlighted[src["event"]] = pieces(texts.get(src["document"], ""), marks)
    return {"highlighted": highlighted}


def _entity_extra(conn: Connection, page: dict[str, Any]) -> dict[str, Any]:
    return {"chart": charts.timeline_svg(page["timeline"], height=140)}


def _document_extra(conn: Connection, page: dict[str, Any]) -> dict[str, Any]:
    marks = [Mark(m["start"], m["end"], f"ent ent-{m['type']}", href=f"/entities/{m['entity']}",
                  title=f"{m['type']}: {m['name']}") for m in page["mentions"]]
    for ev in page["events"]:
        trig = ev.get("trigger") or {}
        if trig.get("start") is not None:
            marks.append(Mark(trig["start"], trig["end"], "trigger", href=f"/events/{ev['canonical'] or ev['id']}",
                              title=f"event: {ev['type']}"))
        for s in ev.get("evidence") or []:
            marks.append(Mark(s["start"], s["end"], "evidence"))
    return {"highlighted": pieces(page["text"], marks)}


PAGES: list[tuple[str, str, str, Builder, Callable[[Connection, dict[str, Any]], dict[str, Any]] | None]] = [
    ("/events", "events.html", "Canonical events: filter, sort, paginate; counts by type", _events, None),
    ("/map", "map.html", "Located events for the map (deadliest first)", _map, _map_extra),
    ("/timeline", "timeline.html", "Events per week by type", _timeline, _timeline_extra),
    ("/review", "review.html", "Events waiting for review, and the latest changes", _review, None),
    ("/audit", "audit.html", "The audit log, newest first", _audit, None),
    ("/events/{event_id}", "event.html", "One event: fields, sources, evidence, disagreements, attribution",
     _event, _event_extra),
    ("/entities/{entity_id}", "entity.html", "One entity: aliases, affiliations, events, co-occurring actors",
     _entity, _entity_extra),
    ("/documents/{doc_id}", "document.html", "One article with its mentions and events", _document,
     _document_extra),
]


@lru_cache(maxsize=1)
def _basemap_svg() -> str:
    paths = "".join(f'<path d="{c.d}"><title>{escape(c.name)}</title></path>' for c in basemap.countries())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {basemap.WIDTH:g} {basemap.HEIGHT:g}" '
            f'width="{basemap.WIDTH:g}" height="{basemap.HEIGHT:g}">'
            f'<rect width="100%" height="100%" fill="#dfeaf2"/>'
            f'<g fill="#f4f1ea" stroke="#9aa5ad" stroke-width="0.3" stroke-linejoin="round">{paths}</g></svg>')


def _views(store: Any, path: str, template: str, build: Builder, extra: Any) -> tuple[Callable, Callable]:
    """The JSON and HTML view functions of one page (a factory, so FastAPI sees only ``request``)."""

    def json_view(request: Request) -> dict[str, Any]:
        with store.read() as conn:
            return build(conn, request)

    def html_view(request: Request) -> HTMLResponse:
        with store.read() as conn:
            page = build(conn, request)
            more = extra(conn, page) if extra else {}
        filters = None if "{" in path else data.Filters.parse(request.query_params)
        return render(request, template, page, filters=filters, **more)

    return json_view, html_view


def register(app: FastAPI) -> None:
    for path, template, summary, build, extra in PAGES:
        json_view, html_view = _views(app.state.store, path, template, build, extra)
        app.add_api_route(path + ".json", json_view, methods=["GET"], summary=summary, tags=["pages (JSON twins)"])
        app.add_api_route(path, html_view, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/events", status_code=302)

    @app.get("/basemap.svg", include_in_schema=False)
    def basemap_svg() -> Response:
        """The country shapes as one SVG, drawn under the map's markers (cached by the browser)."""
        return Response(_basemap_svg(), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return render(request, "apidocs.html", {"spec": app.openapi()})
