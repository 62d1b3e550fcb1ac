"""Downloading over http(s) safely: the bytes of a page or a feed, and nothing else.

Careful about where it connects: every address a host resolves to, the address
actually connected to and every redirect hop are checked, and loopback, private,
link-local, multicast, reserved and unspecified addresses are refused unless
``fetch.allow_private`` is on. Sizes and times are bounded; every failure is an
ArticleError whose message is one line naming the URL. A download may be
conditional (the ETag and Last-Modified of the last one sent back): a server
that answers 304 Not Modified gives a page with no body.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from retrieval.errors import ArticleError
from retrieval.settings import FetchSettings

USER_AGENT = "storybot/0.1"
MAX_REDIRECTS = 5
# The whole fetch (name lookups, redirects, reading) must end within this many timeouts.
DEADLINE_FACTOR = 2.0
PAGE_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
NOT_MODIFIED = 304

_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent (ETag, Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers that ask for the page only if it changed."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Page:
    """A downloaded page: its URL after redirects, status, type and body (empty on 304)."""

    url: str
    status: int
    content_type: str | None
    charset: str | None
    body: bytes
    validators: Validators = Validators()

    @property
    def not_modified(self) -> bool:
        return self.status == NOT_MODIFIED


def _refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from by default ("a loopback address"), or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            inner = _refusal(str(embedded))
            if inner is not None:
                return inner
    for kind, flag in (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a reserved", ip.is_reserved),
        ("a private", ip.is_private),
        ("a non-public", not ip.is_global),
    ):
        if flag:
            return f"{kind} address"
    return None


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, no brackets
    port: int
    path: str  # the request target: path and query


class _Clock:
    """Per-operation timeouts that never run past the overall deadline."""

    def __init__(self, timeout: float, where: str) -> None:
        self.timeout = timeout
        self.where = where
        self.deadline = time.monotonic() + DEADLINE_FACTOR * timeout

    def next(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out()
        return min(self.timeout, left)

    def timed_out(self) -> ArticleError:
        return ArticleError(f"{self.where}: unreachable (timed out)")


def download(
    url: str,
    settings: FetchSettings,
    accept: str = PAGE_ACCEPT,
    validators: Validators | None = None,
) -> Page:
    """Download an http(s) URL, following redirects; ArticleError on any failure.

    With ``validators`` the request is conditional, and a 304 answer is a Page whose
    ``not_modified`` is true.
    """
    clock = _Clock(settings.timeout_seconds, url)
    headers = {"Accept": accept, **(validators.headers() if validators else {})}
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = _parse_url(current, url)
        at = "" if current == url else f" (at {current})"
        sock = _connect(target, settings, clock, url)
        live = sock  # the TLS socket over it, for https
        conn: http.client.HTTPConnection | None = None
        response: http.client.HTTPResponse | None = None
        try:
            conn, live = _http_connection(target, sock, clock, url)
            response = _request(conn, target, live, clock, url, headers)
            status = response.status
            if status in _REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise ArticleError(
                        f"{url}: the server answered {status} {response.reason} "
                        f"without a Location{at}"
                    )
                current = urljoin(current, location.strip())
                continue
            if status == NOT_MODIFIED and validators is not None:
                return Page(current, status, None, None, b"", _validators(response, validators))
            if not 200 <= status < 300:
                reason = _one_line(response.reason) if response.reason else ""
                raise ArticleError(f"{url}: the server answered {status} {reason}".rstrip() + at)
            content_type, charset = _content_type(response)
            body = _read_body(response, live, clock, settings.max_bytes, url)
            found = _validators(response, Validators())
            return Page(current, status, content_type, charset, body, found)
        finally:
            for closable in (response, conn, live, sock):
                if closable is not None:
                    closable.close()
    raise ArticleError(f"{url}: too many redirects (more than {MAX_REDIRECTS})")


def _validators(response: http.client.HTTPResponse, previous: Validators) -> Validators:
    """The response's ETag and Last-Modified; a 304 may leave out what did not change."""
    etag = response.getheader("ETag")
    modified = response.getheader("Last-Modified")
    return Validators(
        _one_line(etag) if etag else previous.etag,
        _one_line(modified) if modified else previous.last_modified,
    )


def _parse_url(value: str, where: str) -> _Target:
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise ArticleError(f"{where}: not a valid URL ({_one_line(exc)})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ArticleError(f"{where}: only http and https URLs can be fetched")
    if parts.username is not None or parts.password is not None:
        raise ArticleError(f"{where}: URLs with a user name or password can't be added")
    host = parts.hostname
    if not host:
        raise ArticleError(f"{where}: the URL has no host name")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ArticleError(f"{where}: invalid host name {host!r}") from None
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    default_port = 443 if scheme == "https" else 80
    return _Target(value.strip(), scheme, host, port or default_port, path)


def _resolve(target: _Target, clock: _Clock, where: str) -> list[tuple[Any, ...]]:
    """getaddrinfo in a helper thread, so that a slow resolver can't pass the deadline."""
    result: list[list[tuple[Any, ...]]] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            result.append(
                list(socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM))
            )
        except BaseException as exc:  # handed over to the caller below
            failure.append(exc)

    worker = threading.Thread(target=lookup, name="storybot-resolve", daemon=True)
    worker.start()
    worker.join(clock.next())
    if worker.is_alive():
        raise ArticleError(f"{where}: unreachable (looking up {target.host} timed out)")
    if failure:
        exc = failure[0]
        if isinstance(exc, socket.gaierror):
            reason = exc.strerror or _one_line(exc)
            raise ArticleError(f"{where}: unreachable (cannot resolve {target.host}: {reason})")
        if isinstance(exc, (OSError, UnicodeError)):
            raise ArticleError(f"{where}: unreachable ({_one_line(exc)})")
        raise exc
    if not result or not result[0]:
        raise ArticleError(f"{where}: unreachable (no address for {target.host})")
    return result[0]


def _check_address(address: str, target: _Target, settings: FetchSettings, where: str) -> None:
    if settings.allow_private:
        return
    why = _refusal(address)
    if why is not None:
        named = target.host if target.host == address else f"{target.host} ({address})"
        raise ArticleError(
            f"{where}: refused to fetch from {named}: {why} (set fetch.allow_private to allow it)"
        )


def _connect(target: _Target, settings: FetchSettings, clock: _Clock, where: str) -> socket.socket:
    """A TCP connection to one of the host's addresses, all of which were checked first."""
    infos = _resolve(target, clock, where)
    for info in infos:
        _check_address(str(info[4][0]), target, settings, where)
    last: OSError | None = None
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(clock.next())
            sock.connect(address)
            # Check what was actually reached too, not only what was looked up.
            _check_address(str(sock.getpeername()[0]), target, settings, where)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
        except BaseException:
            sock.close()
            raise
    if isinstance(last, TimeoutError):
        raise clock.timed_out()
    raise ArticleError(f"{where}: unreachable ({_os_reason(last)})")


def _http_connection(
    target: _Target, sock: socket.socket, clock: _Clock, where: str
) -> tuple[http.client.HTTPConnection, socket.socket]:
    """An HTTP(S) connection over the socket already connected (and checked), and the
    socket it talks through: the same one for http, the TLS socket wrapping it for https.
    """
    if target.scheme == "http":
        conn = http.client.HTTPConnection(target.host, target.port, timeout=clock.timeout)
        conn.sock = sock
        return conn, sock
    context = ssl.create_default_context()
    try:
        sock.settimeout(clock.next())
        secure = context.wrap_socket(sock, server_hostname=target.host)
    except TimeoutError:
        raise clock.timed_out() from None
    except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
        reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
        reason = _one_line(reason) if reason else _os_reason(exc)
        raise ArticleError(f"{where}: unreachable (secure connection failed: {reason})") from None
    tls = http.client.HTTPSConnection(
        target.host, target.port, timeout=clock.timeout, context=context
    )
    tls.sock = secure
    return tls, secure


def _request(
    conn: http.client.HTTPConnection,
    target: _Target,
    sock: socket.socket,
    clock: _Clock,
    where: str,
    extra: dict[str, str],
) -> http.client.HTTPResponse:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",
        "Connection": "close",
        **extra,
    }
    with _network_errors(clock, where):
        sock.settimeout(clock.next())
        conn.request("GET", target.path, headers=headers)
        sock.settimeout(clock.next())
        return conn.getresponse()


@contextmanager
def _network_errors(clock: _Clock, where: str) -> Iterator[None]:
    """Timeouts, protocol errors and socket errors as one-line ArticleErrors."""
    try:
        yield
    except TimeoutError:
        raise clock.timed_out() from None
    except http.client.HTTPException as exc:
        raise ArticleError(
            f"{where}: the server sent an invalid response ({type(exc).__name__})"
        ) from None
    except OSError as exc:
        raise ArticleError(f"{where}: unreachable ({_os_reason(exc)})") from None


def _content_type(response: http.client.HTTPResponse) -> tuple[str | None, str | None]:
    """The media type (None when the server sent none) and the charset, if any."""
    if response.getheader("Content-Type") is None:
        return None, None
    return response.headers.get_content_type().lower(), response.headers.get_content_charset()


def _read_body(
    response: http.client.HTTPResponse,
    sock: socket.socket,
    clock: _Clock,
    max_bytes: int,
    where: str,
) -> bytes:
    """The response body, refused as soon as it is known to be over ``max_bytes``."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise ArticleError(f"{where}: unsupported content encoding {encoding}")
    length = response.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise ArticleError(
            f"{where}: the page is too large ({int(length)} bytes, limit {max_bytes})"
        )
    chunks: list[bytes] = []
    total = 0
    with _network_errors(clock, where):
        # The response closes the socket itself once it has read the whole body.
        while not response.isclosed():
            timeout = clock.next()
            if sock.fileno() != -1:
                sock.settimeout(timeout)
            # read1: what has arrived, so that a trickle can't outlast the deadline
            chunk = response.read1(min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise ArticleError(f"{where}: the page is too large (over {max_bytes} bytes)")
            chunks.append(chunk)
    return b"".join(chunks)


def _os_reason(exc: BaseException | None) -> str:
    if exc is None:
        return "no address to connect to"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return _one_line(exc)


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) or type(value).__name__
