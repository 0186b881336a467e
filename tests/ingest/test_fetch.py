"""The fetcher refuses internal addresses at every hop, and bounds time, size and redirects.

Everything goes through ``httpx.MockTransport`` and an injected resolver, except the one test
that starts a real HTTP server on 127.0.0.1 to show the default refusal and ``allow_private``.
"""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from khabar.errors import KhabarError
from khabar.ingest.fetch import USER_AGENT, Fetcher, check_address

PUBLIC = "93.184.216.34"


def resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]
    return resolve


def fetcher(handler: Callable[[httpx.Request], httpx.Response], **kw: object) -> Fetcher:
    kw.setdefault("resolve", resolver({"news.example": [PUBLIC], "other.example": [PUBLIC]}))
    return Fetcher(transport=httpx.MockTransport(handler), **kw)  # type: ignore[arg-type]


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request should be sent, got {request.url}")


def refusal(f: Fetcher, url: str) -> KhabarError:
    with pytest.raises(KhabarError) as err:
        f.fetch(url)
    assert err.value.code == "E120", err.value.line()
    return err.value


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/",
    "http://224.0.0.1/", "http://[fe80::1]/", "http://[2002:7f00:1::]/",
])
def test_internal_addresses_are_refused(url):
    err = refusal(fetcher(never), url)
    assert "refused" in err.line()


def test_a_host_resolving_to_a_private_address_is_refused():
    f = fetcher(never, resolve=resolver({"intranet.example": ["192.168.1.5"]}))
    assert "resolves to 192.168.1.5, a private address" in refusal(f, "http://intranet.example/").line()


def test_any_private_address_among_several_is_enough_to_refuse():
    f = fetcher(never, resolve=resolver({"mixed.example": [PUBLIC, "10.0.0.7"]}))
    assert "10.0.0.7" in refusal(f, "https://mixed.example/").line()


@pytest.mark.parametrize("url,why", [
    ("file:///etc/passwd", "scheme 'file'"), ("ftp://news.example/a.txt", "scheme 'ftp'"),
    ("http://user:secret@news.example/", "credentials"), ("gopher://news.example/", "scheme"),
])
def test_other_schemes_and_credentials_are_refused(url, why):
    assert why in refusal(fetcher(never), url).line()


def test_check_address_names_the_reason():
    assert check_address(PUBLIC) is None
    assert "loopback" in (check_address("::ffff:127.0.0.1") or "")
    assert "carrier-grade NAT" in (check_address("100.100.1.1") or "")
    assert "link-local" in (check_address("169.254.169.254") or "")


def test_the_request_is_pinned_to_the_checked_address():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"<p>hi</p>")

    result = fetcher(handler).fetch("https://news.example/story?id=1")
    assert result.url == "https://news.example/story?id=1"
    assert result.status == 200 and result.content == b"<p>hi</p>"
    request = seen[0]
    assert request.url.host == PUBLIC  # connects to the IP that was checked...
    assert request.headers["host"] == "news.example"  # ...and asks for the name
    assert request.extensions["sni_hostname"] == "news.example"
    assert request.headers["user-agent"] == USER_AGENT and "Khabar" in USER_AGENT


def test_a_redirect_to_an_internal_address_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://127.0.0.1/admin"})

    err = refusal(fetcher(handler), "http://news.example/story")
    assert "127.0.0.1" in err.line() and "redirect" in err.line()


def test_redirects_are_followed_with_relative_locations():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        if request.headers["host"] == "news.example":
            return httpx.Response(302, headers={"location": "https://other.example/final"})
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=b"done")

    result = fetcher(handler).fetch("http://news.example/old")
    assert result.url == "https://other.example/final" and result.content == b"done"


def test_a_redirect_loop_stops_after_five_hops():
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"location": "/again"})

    with pytest.raises(KhabarError) as err:
        fetcher(handler).fetch("http://news.example/start")
    assert err.value.code == "E121" and "too many redirects" in err.value.line()
    assert len(calls) == 6  # the request and five redirects


def test_an_oversized_response_is_refused_while_streaming():
    def handler(request: httpx.Request) -> httpx.Response:
        chunks: Iterator[bytes] = (b"x" * 1000 for _ in range(50))
        return httpx.Response(200, content=httpx.ByteStream(b"".join(chunks)))

    with pytest.raises(KhabarError) as err:
        fetcher(handler, max_bytes=10_000).fetch("http://news.example/big")
    assert err.value.code == "E122" and "10000" in err.value.line()


def test_a_declared_oversized_length_is_refused_before_reading():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "999999999"}, content=b"")

    with pytest.raises(KhabarError) as err:
        fetcher(handler).fetch("http://news.example/big")
    assert err.value.code == "E122"


def test_a_timeout_is_a_failure_saying_so():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(KhabarError) as err:
        fetcher(handler).fetch("http://news.example/slow")
    assert err.value.code == "E121" and "timed out" in err.value.line()


def test_http_errors_and_unresolvable_hosts_are_failures():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    with pytest.raises(KhabarError) as err:
        fetcher(handler).fetch("http://news.example/gone")
    assert err.value.code == "E121" and "HTTP 404" in err.value.line()
    with pytest.raises(KhabarError) as err:
        fetcher(handler).fetch("http://nowhere.example/")
    assert err.value.code == "E121" and "could not be resolved" in err.value.line()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = b"<html><body><p>local page</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_real_local_server_is_refused_unless_private_addresses_are_allowed():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/page"
    try:
        with Fetcher() as f:
            assert "loopback" in refusal(f, url).line()
        with Fetcher(allow_private=True, timeout=5) as f:
            result = f.fetch(url)
        assert result.status == 200 and b"local page" in result.content
        assert result.content_type == "text/html"
    finally:
        server.shutdown()
        server.server_close()


class _HostEcho(_Handler):
    def do_GET(self) -> None:  # noqa: N802
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_is_pinned_to_the_address_but_verified_against_the_name(tmp_path: Path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=news.example",
                    "-addext", "subjectAltName=DNS:news.example"], check=True, capture_output=True)
    server = http.server.HTTPServer(("127.0.0.1", 0), _HostEcho)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment]
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    trust = ssl.create_default_context(cafile=str(cert))

    def pinned() -> Fetcher:
        return Fetcher(allow_private=True, timeout=5, resolve=lambda host, p: ["127.0.0.1"],
                       transport=httpx.HTTPTransport(verify=trust))
    try:
        with pinned() as f:
            result = f.fetch(f"https://news.example:{port}/story")
        assert result.content == f"host=news.example:{port}".encode()
        assert names == ["news.example"]  # SNI names the host, though the socket went to the IP
        with pinned() as f, pytest.raises(KhabarError) as err:
            f.fetch(f"https://other.example:{port}/story")
        assert err.value.code == "E121" and "other.example" in err.value.line()
    finally:
        server.shutdown()
        server.server_close()
