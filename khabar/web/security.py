"""Who may write, and proof that a form came from this application.

Reads are open. Writes (review actions) need two things:

* **CSRF proof** on every HTML form, even on loopback, because any web page a reviewer has
  open can post to ``127.0.0.1``: a per-browser random cookie (``khabar_session``,
  ``SameSite=Strict``) and a hidden form field holding its HMAC under a per-process secret.
  A cross-site page can neither read the cookie nor compute the field. The ``Origin`` header,
  when present, must name this host as well.
* **A token** when the server listens beyond loopback (``--token`` or ``KHABAR_TOKEN``): the
  ``khabar_token`` cookie set by ``/login`` or ``Authorization: Bearer``. Without a token
  such a server is read-only.

JSON writes under ``/api`` must send ``Content-Type: application/json``, which a browser
cannot send cross-site without a CORS preflight this server never grants.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from khabar.errors import KhabarError

__all__ = ["Guard", "SESSION_COOKIE", "TOKEN_COOKIE", "LOOPBACK_HOSTS"]

SESSION_COOKIE = "khabar_session"
TOKEN_COOKIE = "khabar_token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class Guard:
    """The write policy of one running server (see the module docstring)."""

    def __init__(self, *, token: str | None, exposed: bool) -> None:
        self.token = token or None
        self.exposed = exposed
        self._secret = secrets.token_bytes(32)

    @property
    def read_only(self) -> bool:
        return self.exposed and self.token is None

    def csrf_for(self, session: str | None) -> str:
        if not session:
            return ""
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def authorised(self, request: Request) -> bool:
        """True when this request may write (token given when one is required)."""
        if self.read_only:
            return False
        if self.token is None:
            return True
        given = request.cookies.get(TOKEN_COOKIE) or ""
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    def check_token(self, request: Request) -> None:
        if self.read_only:
            raise KhabarError.make("E525", why="this server listens beyond loopback without a token; restart it "
                                              "with --token or KHABAR_TOKEN to allow reviews")
        if not self.authorised(request):
            raise KhabarError.make("E525", why="a valid token is required (log in at /login)")

    def check_form(self, request: Request, csrf: str | None) -> None:
        """A form post: same origin, a CSRF field matching the session cookie, and the token if needed."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise KhabarError.make("E525", why="the form was posted from another site")
        expected = self.csrf_for(request.cookies.get(SESSION_COOKIE))
        if not expected or not hmac.compare_digest(expected, csrf or ""):
            raise KhabarError.make("E525", why="the form's CSRF field is missing or stale; reload the page")
        self.check_token(request)

    def check_json(self, request: Request) -> None:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise KhabarError.make("E525", why="send the body as Content-Type: application/json")
        self.check_token(request)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(32)
