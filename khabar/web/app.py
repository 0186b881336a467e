"""The Khabar workbench: one FastAPI app serving HTML pages, their JSON twins and the ``/api``.

Built by ``create_app(store, ...)`` so tests hand in any store and no global state exists.
Every HTML page ``/X`` has a JSON twin ``/X.json`` built from the same dict (``web.data``).
Pages are rendered on the server with Jinja2 (autoescaping on everywhere) and static files
shipped inside the package, so nothing is built at install time and nothing is fetched from
a CDN. Every response carries a Content-Security-Policy that forbids inline scripts and
styles; article text is hostile and only ever reaches a page as escaped text.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from khabar import __version__
from khabar.api import api_router
from khabar.errors import KhabarError
from khabar.store import Store
from khabar.web.security import SESSION_COOKIE, Guard

__all__ = ["create_app", "SECURITY_HEADERS"]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_STATUS = {"E503": 404, "E504": 404, "E506": 404, "E525": 403}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json")


def templates() -> Environment:
    env = Environment(loader=PackageLoader("khabar.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["version"] = __version__
    env.tests["web_url"] = is_web_url
    return env


def is_web_url(value: object) -> bool:
    """Only http(s) URLs become links: an article's ``javascript:`` or ``data:`` URL stays text."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def create_app(store: Store, *, token: str | None = None, exposed: bool = False,
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """The workbench over ``store``.

    ``exposed``: the server listens beyond loopback, so writes need ``token`` (without one
    the app is read-only). ``allowed_hosts``: Host headers accepted (loopback names when
    bound to loopback, which stops DNS-rebinding pages from reading the store).
    """
    guard = Guard(token=token, exposed=exposed)
    app = FastAPI(title="Khabar", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Canonical events merged from news reports, with every source and its evidence.")
    env = templates()
    app.state.store, app.state.guard, app.state.env = store, guard, env

    @app.middleware("http")
    async def headers_and_session(request: Request, call_next):  # noqa: ANN202
        session = request.cookies.get(SESSION_COOKIE)
        request.state.session = session or Guard.new_session()
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if not session and not wants_json(request):
            response.set_cookie(SESSION_COOKIE, request.state.session, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def error_page(request: Request, status: int, code: str, message: str) -> Any:
        if wants_json(request):
            return JSONResponse({"error": code, "message": message}, status_code=status)
        html = env.get_template("error.html").render(request=request, status=status, code=code, message=message,
                                                    nav=None)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(KhabarError)
    async def khabar_error(request: Request, exc: KhabarError) -> Any:
        return error_page(request, _STATUS.get(exc.code, 400), exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return error_page(request, exc.status_code, f"HTTP {exc.status_code}", str(exc.detail))

    app.include_router(api_router(store, guard))
    app.mount("/static", StaticFiles(directory=str(files("khabar.web") / "static")), name="static")
    from khabar.web import forms, pages

    pages.register(app)
    forms.register(app)
    return app
