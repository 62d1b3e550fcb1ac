"""Articles from HTML and URLs: extraction offline, fetching only from a local test server."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from retrieval import fetch
from retrieval.articles import content_id
from retrieval.fetch import _refusal, fetch_article, html_to_article
from retrieval.settings import FetchSettings
from tests.pages import (
    OPEN,
    OUTLET,
    PAGE,
    PAGE_BYTES,
    PLAIN,
    QUICK,
    STORY,
    STRICT,
    TITLE,
    refused,
)

# --------------------------------------------------------------------------- the test server


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


@pytest.fixture
def server() -> Iterator[Server]:
    """A local HTTP server of canned responses, in a thread; shut down after the test."""
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
    real = fetch._refusal
    monkeypatch.setattr(fetch, "_refusal", lambda a: None if a == "127.0.0.1" else real(a))


def resolve_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    """Any host name resolves to these addresses (IPv4), without asking DNS."""

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


# --------------------------------------------------------------------------- fetching


def test_a_page_is_fetched_and_extracted(server: Server) -> None:
    article = fetch_article(server.url("/article"), OPEN)
    assert article == html_to_article(PAGE, "x", url=server.url("/article"))
    assert (article.title, article.source, article.published) == (TITLE, OUTLET, "2024-03-12")
    assert article.url == server.url("/article")  # where it was fetched, not the canonical URL
    assert server.seen == ["/article"]


def test_overrides_win_for_a_fetched_page(server: Server) -> None:
    overrides: dict[str, str | None] = {
        "title": "Tram",
        "url": "https://l.example/t",
        "source": None,
    }
    article = fetch_article(server.url("/article"), OPEN, overrides)
    assert (article.title, article.url, article.source) == ("Tram", "https://l.example/t", OUTLET)


@pytest.mark.parametrize(
    ("path", "final", "expected"),
    [
        ("/redirect", "/article", STORY[0]),
        ("/redirect-twice", "/article", STORY[0]),
        ("/article-no-type", "/article-no-type", STORY[0]),
        ("/chunked", "/chunked", STORY[0]),
        ("/latin1", "/latin1", "The Café Mérida on Quay Street closed on Friday"),
    ],
)
def test_redirects_are_followed_and_the_final_url_kept(
    server: Server, path: str, final: str, expected: str
) -> None:
    article = fetch_article(server.url(path), OPEN)
    assert expected in article.text
    assert article.url == server.url(final)


def test_a_plain_text_body_is_the_article_text(server: Server) -> None:
    article = fetch_article(server.url("/plain"), OPEN, {"title": "Ferries"})
    assert article.text == PLAIN.strip()
    assert (article.title, article.url, article.source) == ("Ferries", server.url("/plain"), None)
    assert article.id == content_id(article.text)


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/missing", "the server answered 404 Not Found"),
        ("/broken", "the server answered 500 Internal Server Error"),
        ("/pdf", "unsupported content type application/pdf"),
        ("/gzip", "unsupported content encoding gzip"),
        ("/png", "unsupported content type image/png"),
        ("/empty", "no article text found in the page"),
        ("/no-story", "no article text found in the page"),
        ("/loop", "too many redirects (more than 5)"),
        ("/nowhere", "the server answered 302 Found without a Location"),
        ("/to-ftp", "only http and https URLs can be added"),
        ("/huge-declared", "the page is too large (10000000 bytes, limit 1000000)"),
    ],
)
def test_a_bad_response_is_one_line_naming_the_url(
    server: Server, path: str, fragment: str
) -> None:
    message = refused(lambda: fetch_article(server.url(path), OPEN), fragment)
    assert message.startswith(server.url(path) + ": ")


def test_redirects_are_followed_at_most_five_times(server: Server) -> None:
    refused(lambda: fetch_article(server.url("/loop"), OPEN), "too many redirects")
    assert server.seen == ["/loop"] * 6


def test_a_streamed_body_stops_at_the_limit(server: Server) -> None:
    small = FetchSettings(allow_private=True, timeout_seconds=2.0, max_bytes=100_000)
    started = time.monotonic()
    refused(
        lambda: fetch_article(server.url("/huge-streamed"), small), "too large (over 100000 bytes)"
    )
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_a_slow_server_times_out(server: Server, path: str) -> None:
    started = time.monotonic()
    refused(lambda: fetch_article(server.url(path), QUICK), "unreachable (timed out)")
    # 0.5 s for each step, 1 s for the whole fetch
    assert time.monotonic() - started < 2.0


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/article"
    assert refused(lambda: fetch_article(url, OPEN)) == f"{url}: unreachable (connection refused)"


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made now (needs the cryptography package)."""
    import datetime as dt
    import ipaddress

    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(server: Server, tmp_path: Path) -> Iterator[Server]:
    """The canned routes over TLS, with a certificate for 127.0.0.1 trusted by SSL_CERT_FILE."""
    cert, key = self_signed(tmp_path, "127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def relay(client: socket.socket) -> None:
        """Decrypt and pass the request on to the plain test server."""
        with client, socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            try:
                secure = context.wrap_socket(client, server_side=True)
            except (ssl.SSLError, OSError):
                return
            with secure:
                secure.settimeout(5)
                request = secure.recv(65536)
                plain.sendall(request)
                while chunk := plain.recv(65536):
                    secure.sendall(chunk)

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=relay, args=(client,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SSL_CERT_FILE", str(cert))
        try:
            yield Server(listener.getsockname()[1], server.seen)
        finally:
            stop.set()
            thread.join(timeout=5)
            listener.close()


def test_an_https_page_is_fetched_with_its_certificate_checked(tls_server: Server) -> None:
    url = f"https://127.0.0.1:{tls_server.port}/article"
    article = fetch_article(url, OPEN)
    assert (article.title, article.url) == (TITLE, url)
    assert tls_server.seen == ["/article"]


def test_an_https_certificate_for_another_host_is_refused(
    tls_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve_to(monkeypatch, "127.0.0.1")
    url = f"https://news.example:{tls_server.port}/article"
    refused(lambda: fetch_article(url, OPEN), "secure connection failed: Hostname mismatch")
    assert tls_server.seen == []


def test_a_failed_tls_handshake_is_one_line(server: Server) -> None:
    url = f"https://127.0.0.1:{server.port}/article"  # the test server speaks plain HTTP
    refused(lambda: fetch_article(url, OPEN), f"{url}: unreachable (secure connection failed: ")


def test_a_name_that_does_not_resolve_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_name(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    refused(
        lambda: fetch_article("https://no-such-paper.invalid/story", OPEN),
        "https://no-such-paper.invalid/story: unreachable (cannot resolve no-such-paper.invalid",
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/story.txt",
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "gopher://127.0.0.1:70/",
        "www.harbourview-ledger.example/news",
    ],
)
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    assert refused(lambda: fetch_article(url, OPEN)) == (
        f"{url}: only http and https URLs can be added"
    )


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("127.0.0.1:{port}", "a loopback address"),
        ("localhost:{port}", "a loopback address"),
        ("[::1]:{port}", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("0.0.0.0:{port}", "an unspecified address"),
        ("[::ffff:127.0.0.1]:{port}", "a loopback address"),
    ],
)
def test_loopback_and_private_addresses_are_refused_by_default(
    server: Server, host: str, fragment: str
) -> None:
    url = f"http://{host.format(port=server.port)}/article"
    message = refused(lambda: fetch_article(url, STRICT), fragment, "fetch.allow_private")
    assert message.startswith(f"{url}: refused to fetch from ")
    assert server.seen == []  # nothing reached the server


def test_every_resolved_address_is_checked(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    public_except_127(monkeypatch)
    resolve_to(monkeypatch, "127.0.0.1", "10.1.2.3")
    refused(
        lambda: fetch_article(f"http://news.example:{server.port}/article", STRICT),
        "refused to fetch from news.example (10.1.2.3): a private address",
    )
    assert server.seen == []


def test_the_address_connected_to_is_checked_again(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver that lies once (DNS rebinding) is caught when the peer is checked."""
    real = fetch._refusal
    asked: list[str] = []

    def first_time_public(address: str) -> str | None:
        asked.append(address)
        return None if len(asked) == 1 else real(address)

    monkeypatch.setattr(fetch, "_refusal", first_time_public)
    resolve_to(monkeypatch, "127.0.0.1")
    refused(
        lambda: fetch_article(f"http://news.example:{server.port}/article", STRICT),
        "refused to fetch from news.example (127.0.0.1): a loopback address",
    )
    assert asked == ["127.0.0.1", "127.0.0.1"]
    assert server.seen == []


def test_a_public_server_is_fetched_by_default(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_except_127(monkeypatch)
    resolve_to(monkeypatch, "127.0.0.1")
    article = fetch_article(f"http://news.example:{server.port}/redirect", STRICT)
    assert article.title == TITLE
    assert article.url == f"http://news.example:{server.port}/article"


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/to-metadata", "refused to fetch from 169.254.169.254: a link-local address"),
        ("/to-private", "refused to fetch from 10.0.0.1: a private address"),
        ("/to-ipv6-loopback", "refused to fetch from ::1: a loopback address"),
    ],
)
def test_every_redirect_is_checked_again(
    server: Server, monkeypatch: pytest.MonkeyPatch, path: str, fragment: str
) -> None:
    public_except_127(monkeypatch)
    assert fetch_article(server.url("/redirect"), STRICT).title == TITLE
    message = refused(lambda: fetch_article(server.url(path), STRICT), fragment)
    assert message.startswith(server.url(path) + ": ")
    assert server.seen == ["/redirect", "/article", path]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("2002:a00:1::", "a private address"),  # 6to4 around 10.0.0.1
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.0.10", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("224.0.0.251", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("100.64.0.1", "a non-public address"),  # carrier-grade NAT
    ],
)
def test_which_addresses_are_refused(address: str, expected: str | None) -> None:
    assert _refusal(address) == expected
