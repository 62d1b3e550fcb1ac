"""Articles from HTML and URLs: extraction offline, fetching only from a local test server."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from retrieval.intake import download
from retrieval.intake.download import _refusal
from retrieval.intake.fetch import fetch_article, html_to_article
from retrieval.settings import FetchSettings
from retrieval.text.article import content_id
from tests.pages import (
    OPEN,
    OUTLET,
    PAGE,
    PLAIN,
    QUICK,
    STORY,
    STRICT,
    TITLE,
    refused,
)
from tests.servers import Server, public_except_127, resolve_to

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
        ("/to-ftp", "only http and https URLs can be fetched"),
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
        f"{url}: only http and https URLs can be fetched"
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
    real = download._refusal
    asked: list[str] = []

    def first_time_public(address: str) -> str | None:
        asked.append(address)
        return None if len(asked) == 1 else real(address)

    monkeypatch.setattr(download, "_refusal", first_time_public)
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
