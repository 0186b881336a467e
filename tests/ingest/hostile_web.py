"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, and a Fetcher that can reach it.

The Fetcher refuses loopback addresses, so the test server is reached the way a public site
would be: the injected resolver answers a public address for the test host names, every
check runs on that address, and only the transport (the I/O edge) connects the pinned
request to 127.0.0.1:PORT instead. URLs naming 127.0.0.1 or private addresses directly, or
redirecting there, still meet the real checks and are refused.
"""

from __future__ import annotations

import http.server
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from khabar.ingest import Fetcher

PUBLIC = "93.184.216.34"  # what the resolver answers for the test host names


class _ToLocal(httpx.HTTPTransport):
    """Connects requests pinned to PUBLIC to the local server; refuses anything else."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != PUBLIC:
            raise httpx.ConnectError(f"test transport only reaches {PUBLIC}", request=request)
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return super().handle_request(request)


def hostile_fetcher(port: int, *, timeout: float = 1.0) -> Fetcher:
    """Test host names resolve to PUBLIC (news.test) or to a private address (intranet.test)."""
    table = {"news.test": [PUBLIC], "intranet.test": ["10.1.2.3"]}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return Fetcher(timeout=timeout, resolve=resolve, transport=_ToLocal(port))


def _gzip_bomb(gigabytes: int = 1) -> Iterator[bytes]:
    """A gzip stream of zeros that decodes to ``gigabytes`` GB, made lazily (the client is
    expected to hang up after its size limit, long before)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    for _ in range(gigabytes << 10):
        if chunk := packer.compress(block):
            yield chunk
    yield packer.flush()


class HostileHandler(http.server.BaseHTTPRequestHandler):
    """Routes: see ``do_GET``; ``pages`` maps a path to (content type, body) for plain answers."""

    pages: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path
        try:
            if path in self.pages:
                content_type, body = self.pages[path]
                self._answer(200, body, content_type)
            elif path == "/slow":  # answers after the client's deadline
                time.sleep(3)
                self._answer(200, b"<p>too late</p>", "text/html")
            elif path == "/trickle":  # one byte at a time: each read is quick, the whole is not
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/endless":  # a body that never ends
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                while True:
                    self.wfile.write(b"<p>more and more</p>" * 3000)
            elif path == "/gzip-bomb":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                for chunk in _gzip_bomb():
                    self.wfile.write(chunk)
            elif path.startswith("/hop/"):  # an endless redirect chain
                self._redirect(f"/hop/{int(path.rsplit('/', 1)[1]) + 1}")
            elif path == "/to-loopback":
                self._redirect("http://127.0.0.1/admin")
            elif path == "/to-metadata":
                self._redirect("http://169.254.169.254/latest/meta-data/")
            elif path == "/to-intranet":
                self._redirect("http://intranet.test/wiki")
            else:
                self._answer(404, b"not found", "text/plain")
        except (BrokenPipeError, ConnectionResetError):  # the client hung up: as it should
            pass

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def hostile_server(pages: dict[str, tuple[str, bytes]]) -> Iterator[int]:
    """Serve ``HostileHandler`` (with ``pages``) on 127.0.0.1; yields the port."""
    handler: Callable[..., HostileHandler] = type("Handler", (HostileHandler,), {"pages": pages})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
