"""A local HTTP server of canned responses for the fetching tests, and DNS stand-ins."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from retrieval.intake import download
from tests.pages import PAGE_BYTES, PLAIN

Handler = BaseHTTPRequestHandler


def send(
    handler: Handler,
    status: int,
    body: bytes = b"",
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location: str, status: int = 302) -> Callable[[Handler, threading.Event], None]:
    def route(handler: Handler, stop: threading.Event) -> None:
        target = location.format(port=handler.connection.getsockname()[1])
        send(handler, status, headers={"Location": target})

    return route


def stream(handler: Handler, stop: threading.Event) -> None:
    """2 MB of text without a Content-Length, until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(128):
        if stop.is_set():
            return
        handler.wfile.write(b"word " * 3200)


def chunked(handler: Handler, stop: threading.Event) -> None:
    """The page in chunked transfer encoding, 1000 bytes a chunk."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for start in range(0, len(PAGE_BYTES), 1000):
        piece = PAGE_BYTES[start : start + 1000]
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
    handler.wfile.write(b"0\r\n\r\n")


def slow(handler: Handler, stop: threading.Event) -> None:
    """Nothing for 3 s (the test's timeout is 0.5 s)."""
    stop.wait(3.0)
    if not stop.is_set():
        send(handler, 200, PAGE_BYTES)


def drip(handler: Handler, stop: threading.Event) -> None:
    """A byte every 0.1 s: each read is quick, the whole is not."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        if stop.wait(0.1):
            return
        handler.wfile.write(b"a")
        handler.wfile.flush()


LATIN1 = (
    "<html><head><title>Café closes</title></head><body><article>"
    "<p>The Café Mérida on Quay Street closed on Friday after forty-one years.</p>"
    "<p>Its owner said the rent had tripled since the tram works began.</p>"
    "</article></body></html>"
).encode("latin-1")


def not_found(handler: Handler, stop: threading.Event) -> None:
    send(handler, 404, b"no route")


ROUTES: dict[str, Callable[[Handler, threading.Event], None]] = {
    "/article": lambda h, s: send(h, 200, PAGE_BYTES),
    "/article-no-type": lambda h, s: send(h, 200, PAGE_BYTES, content_type=None),
    "/chunked": chunked,
    "/latin1": lambda h, s: send(h, 200, LATIN1, "text/html; charset=ISO-8859-1"),
    "/plain": lambda h, s: send(h, 200, PLAIN.encode(), "text/plain; charset=utf-8"),
    "/empty": lambda h, s: send(h, 200, b""),
    "/no-story": lambda h, s: send(h, 200, b"<html><head><title>x</title></head><body></body>"),
    "/gzip": lambda h, s: send(h, 200, b"\x1f\x8b\x08\x00", headers={"Content-Encoding": "gzip"}),
    "/pdf": lambda h, s: send(h, 200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    "/png": lambda h, s: send(h, 200, b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    "/missing": lambda h, s: send(h, 404, b"<h1>Not here</h1>"),
    "/broken": lambda h, s: send(h, 500, b"<h1>Oops</h1>"),
    "/redirect": redirect("/article"),
    "/redirect-twice": redirect("/redirect", 301),
    "/loop": redirect("/loop"),
    "/nowhere": lambda h, s: send(h, 302),
    "/to-ftp": redirect("ftp://files.example/story.txt"),
    "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-private": redirect("http://10.0.0.1/admin", 307),
    "/to-ipv6-loopback": redirect("http://[::1]:{port}/article"),
    "/huge-declared": lambda h, s: send(h, 200, b"<html>", length=10_000_000),
    "/huge-streamed": stream,
    "/slow": slow,
    "/drip": drip,
}


@dataclass
class Server:
    port: int
    seen: list[str] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextlib.contextmanager
def canned_server() -> Iterator[Server]:
    """A local HTTP server of canned responses, in a thread; shut down on leaving."""
    stop = threading.Event()
    seen: list[str] = []

    class Canned(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            route = ROUTES.get(self.path, not_found)
            # A client that gives up (too large, too slow) hangs up mid-answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self, stop)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Server(httpd.server_address[1], seen)
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def public_except_127(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test server's 127.0.0.1 count as public; every other address is checked."""
    real = download._refusal
    monkeypatch.setattr(download, "_refusal", lambda a: None if a == "127.0.0.1" else real(a))


def resolve_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    """Any host name resolves to these addresses (IPv4), without asking DNS."""

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
