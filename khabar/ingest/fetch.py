"""Fetch one web page for ingestion without letting a URL reach inside the network.

``khabar ingest URL`` and feed items make Khabar request URLs it did not choose. A URL (or a
redirect) that points at ``127.0.0.1``, ``10.0.0.0/8`` or the cloud metadata address
``169.254.169.254`` could make Khabar read internal services (SSRF), so every hop is checked:

* only ``http``/``https``, no credentials in the URL;
* the host is resolved first and refused if ANY address is private, loopback, link-local,
  multicast, reserved, unspecified or carrier-grade NAT (100.64/10), including IPv4 addresses
  embedded in IPv6 (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64);
* the connection is then pinned to the checked address: the request goes to the IP itself with
  the original ``Host`` header and, for HTTPS, the original name as SNI and for certificate
  checks, so a second DNS answer (DNS rebinding) cannot send it elsewhere;
* redirects are followed by hand (at most ``max_redirects``) so each hop gets the same checks;
* a deadline (``timeout`` seconds for the whole fetch, redirects included) and a size cap
  (``max_bytes``, counted while streaming, after content decoding).

Residual risks: connections are not kept alive (each request opens its own, so a pinned TLS
connection is never reused for another host name); environment proxies and ``.netrc`` are
ignored (``trust_env=False``); ports are not restricted. ``allow_private=True`` turns the
address checks off (tests, intranets) but keeps the scheme and credential checks.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from khabar import __version__
from khabar.errors import KhabarError

__all__ = ["Fetcher", "FetchResult", "check_address", "USER_AGENT"]

USER_AGENT = f"Khabar/{__version__} (news event extraction; +https://github.com/khabar)"
REDIRECTS = (301, 302, 303, 307, 308)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], Iterable[str]]


@dataclass(frozen=True)
class FetchResult:
    """One successful response: the final URL (after redirects), status, type and body."""

    url: str
    status: int
    content_type: str
    content: bytes


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_address(address: str) -> str | None:
    """What makes ``address`` internal ("a loopback address"), or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            if inner is not None and (why := check_address(str(inner))):
                return f"an IPv6 address embedding {inner}, {why}"
    for attr, label in (("is_unspecified", "an unspecified"), ("is_loopback", "a loopback"),
                        ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                        ("is_private", "a private")):
        if getattr(ip, attr):
            return f"{label} address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global and ip not in _NAT64:
        return "not a public address"
    return None


class Fetcher:
    """An ``httpx.Client`` wrapper that refuses internal addresses; see the module docstring.

    ``resolve(host, port) -> addresses`` replaces ``socket.getaddrinfo`` and ``transport`` is
    handed to ``httpx.Client`` (tests pass ``httpx.MockTransport``; no network is needed).
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
        allow_private: bool = False,
        resolve: Resolver | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.allow_private = allow_private
        self._resolve = resolve or _system_resolve
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> FetchResult:
        """GET ``url``: raises ``KhabarError`` E120 (refused), E121 (failed) or E122 (too large)."""
        deadline = time.monotonic() + self.timeout
        current = self._parse(url, url)
        for _hop in range(self.max_redirects + 1):
            response = self._send(current, url, deadline)
            try:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise self._failed(url, f"HTTP {response.status_code} redirect without a Location")
                    try:
                        target = str(current.join(location))
                    except (httpx.InvalidURL, ValueError) as err:
                        raise self._refused(url, f"redirect to an invalid URL ({err})") from None
                    current = self._parse(target, url)
                    continue
                if not 200 <= response.status_code < 300:
                    raise self._failed(url, f"HTTP {response.status_code}")
                content = self._read(response, url, deadline)
                return FetchResult(url=str(current), status=response.status_code,
                                   content_type=response.headers.get("content-type", ""),
                                   content=content)
            finally:
                response.close()
        raise self._failed(url, f"too many redirects (more than {self.max_redirects})")

    # -- one hop -------------------------------------------------------------------------

    def _parse(self, url: str, origin: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as err:
            raise self._refused(origin, f"not a valid URL ({err})") from None
        if parsed.scheme not in ("http", "https"):
            raise self._refused(origin, f"scheme {parsed.scheme or '(none)'!r} is not http or https")
        if parsed.userinfo:
            raise self._refused(origin, "URLs with credentials are not fetched")
        if not parsed.host:
            raise self._refused(origin, "the URL has no host")
        return parsed

    def _address(self, url: httpx.URL, origin: str) -> str:
        """The checked address to connect to for ``url`` (refuses internal ones)."""
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
        literal = True
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            literal = False
            try:
                addresses = list(dict.fromkeys(self._resolve(host, port)))
            except (OSError, UnicodeError) as err:
                raise self._failed(origin, f"host {host!r} could not be resolved ({err})") from None
        if not addresses:
            raise self._failed(origin, f"host {host!r} could not be resolved")
        if not self.allow_private:
            for address in addresses:
                try:
                    why = check_address(address)
                except ValueError:
                    why = f"{address!r} is not an IP address"
                if why:
                    hop = "" if str(url) == origin else f" (redirect to {url})"
                    said = f"{host} is" if literal else f"host {host!r} resolves to {address},"
                    raise self._refused(origin, f"{said} {why}{hop}")
        return addresses[0]

    def _send(self, url: httpx.URL, origin: str, deadline: float) -> httpx.Response:
        address = self._address(url, origin)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._failed(origin, f"timed out after {self.timeout:g} s")
        host_header = url.netloc.decode("ascii")
        request = self._client.build_request(
            "GET",
            url.copy_with(host=address),
            headers={"Host": host_header, "User-Agent": self.user_agent, "Accept": "*/*"},
            extensions={"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else None,
            timeout=httpx.Timeout(remaining),
        )
        try:
            return self._client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException:
            raise self._failed(origin, f"timed out after {self.timeout:g} s") from None
        except httpx.HTTPError as err:
            raise self._failed(origin, f"{type(err).__name__}: {err}") from None

    def _read(self, response: httpx.Response, origin: str, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise KhabarError.make("E122", path=None, url=origin, limit=self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise KhabarError.make("E122", path=None, url=origin, limit=self.max_bytes)
                if time.monotonic() > deadline:
                    raise self._failed(origin, f"timed out after {self.timeout:g} s")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise self._failed(origin, f"timed out after {self.timeout:g} s") from None
        except httpx.HTTPError as err:
            raise self._failed(origin, f"{type(err).__name__}: {err}") from None
        return b"".join(chunks)

    @staticmethod
    def _refused(url: str, why: str) -> KhabarError:
        return KhabarError.make("E120", path=None, url=url, why=why)

    @staticmethod
    def _failed(url: str, why: str) -> KhabarError:
        return KhabarError.make("E121", path=None, url=url, why=why)
