"""Articles from HTML: the story, its title, outlet and date, extracted offline."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from retrieval.intake.fetch import html_to_article, read_html_file
from retrieval.storage.corpus import MAX_ARTICLE_BYTES
from retrieval.text.article import content_id
from tests.pages import (
    AROUND,
    CANONICAL,
    OUTLET,
    PAGE,
    PAGE_BYTES,
    STORY,
    TITLE,
    refused,
)


def test_extraction_keeps_every_paragraph_of_the_story() -> None:
    article = html_to_article(PAGE, "article.html")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 11  # ten paragraphs and the subheading
    for sentence in STORY:
        assert sentence in article.text
    assert not article.text.startswith(TITLE)  # the headline is the title, not the first line


@pytest.mark.parametrize("boilerplate", AROUND)
def test_extraction_drops_what_surrounds_the_story(boilerplate: str) -> None:
    assert boilerplate not in html_to_article(PAGE, "article.html").text


def test_title_outlet_date_and_url_are_extracted() -> None:
    article = html_to_article(PAGE, "article.html")
    assert (article.title, article.source, article.published) == (TITLE, OUTLET, "2024-03-12")
    assert article.url == CANONICAL  # the page's own canonical URL when none is given
    assert article.id == content_id(article.text)
    assert article.extra == {}


def test_the_url_given_wins_over_the_pages_canonical_url() -> None:
    article = html_to_article(PAGE, "x", url="https://mirror.example/tram")
    assert article.url == "https://mirror.example/tram"
    assert article.source == OUTLET


def test_the_outlet_falls_back_to_the_host_name() -> None:
    page = PAGE.replace('<meta property="og:site_name" content="The Harbourview Ledger">', "")
    page = page.replace("| The Harbourview Ledger", "").replace(CANONICAL, "/tram")
    article = html_to_article(page, "x", url="https://www.ledger-news.example/tram")
    assert article.source == "ledger-news.example"
    article = html_to_article(page, "x", overrides={"url": "https://wire.example/tram"})
    assert (article.source, article.url) == ("wire.example", "https://wire.example/tram")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {
                "title": "Tram vote",
                "source": "Wire",
                "url": "https://w.example/1",
                "published": "2024-03-13",
            },
            ("Tram vote", "Wire", "https://w.example/1", "2024-03-13"),
        ),
        (
            {"title": "Tram vote", "source": None, "url": None},
            ("Tram vote", OUTLET, CANONICAL, "2024-03-12"),
        ),
        ({"published": "2024-03-11", "title": "  "}, (TITLE, OUTLET, CANONICAL, "2024-03-11")),
        ({}, (TITLE, OUTLET, CANONICAL, "2024-03-12")),
    ],
)
def test_overrides_win_over_what_is_extracted(
    overrides: dict[str, str | None], expected: tuple[str, str, str, str]
) -> None:
    article = html_to_article(PAGE, "x", overrides=overrides)
    assert (article.title, article.source, article.url, article.published) == expected


def test_extraction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("extraction tried to use the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    article = html_to_article(PAGE, "x", url="https://www.harbourview-ledger.example/tram")
    assert STORY[0] in article.text
    # A "page" that is only a URL stays text (htmldate alone would download it).
    refused(lambda: html_to_article(CANONICAL, "x", url=CANONICAL), "no article text found")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n",
        "<p>",
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><nav>Menu</nav></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        "<html><body><div role='navigation'><a href='/'>Home</a></div></body></html>",
    ],
)
def test_a_page_without_text_is_refused(html: str) -> None:
    assert refused(lambda: html_to_article(html, "page.html")) == (
        "page.html: no article text found in the page"
    )


# --------------------------------------------------------------------------- saved files


def test_a_saved_page_is_read_like_the_same_html(tmp_path: Path) -> None:
    path = tmp_path / "tram.html"
    path.write_bytes(PAGE_BYTES)
    assert read_html_file(path) == html_to_article(PAGE, str(path))
    article = read_html_file(path, {"title": "Tram", "url": None})
    assert (article.title, article.url) == ("Tram", CANONICAL)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            '<html><head><meta charset="iso-8859-1"><title>Café</title></head>'
            "<body><p>Le café ferme.</p></body></html>",
            "Le café ferme.",
        ),
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            "</head><body><p>The “tram” vote.</p></body></html>",
            "The “tram” vote.",
        ),
    ],
)
def test_a_saved_page_is_decoded_by_its_meta_charset(
    tmp_path: Path, data: str, expected: str
) -> None:
    path = tmp_path / "page.html"
    charset = "iso-8859-1" if "iso-8859-1" in data else "cp1252"
    path.write_bytes(data.encode(charset))
    assert read_html_file(path).text == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("<html><body><p>Caf\xe9</p></body></html>".encode("latin-1"), "not valid utf-8"),
        (
            b'<html><head><meta charset="klingon-8"></head><body><p>x</p></body></html>',
            "unknown character set",
        ),
        (b"", "no article text found in the page"),
    ],
)
def test_a_bad_saved_page_is_refused(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    message = refused(lambda: read_html_file(path), fragment)
    assert message.startswith(f"{path}: ")


def test_a_saved_page_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.truncate(MAX_ARTICLE_BYTES + 1)
    refused(lambda: read_html_file(path), "too large")
    refused(lambda: read_html_file(tmp_path / "absent.html"), "file not found")


PROSE = (
    "<p>The council has met in the old hall since 1998, and the mayor said on 12 March 2012 "
    "that it would close before 2020. Nobody believed him then, and few believe him now.</p>"
    "<p>The hall's roof was mended in 2011, and its heating was replaced the year after.</p>"
)


def page(head: str = "", before: str = "", outside: str = "") -> str:
    return (
        f"<html><head><title>Old hall</title>{head}</head><body>{outside}"
        f"<article><h1>Old hall</h1>{before}{PROSE}</article></body></html>"
    )


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(page(), id="years in the prose"),
        pytest.param(page(before="<p>Nov. 6, 2013, the mayor said so.</p>"), id="a date in prose"),
        pytest.param(
            page(
                outside='<aside><time datetime="2019-04-01">1 April</time></aside>'
                '<aside><time datetime="2019-04-02">2 April</time></aside>'
            ),
            id="times of other stories",
        ),
        pytest.param(
            page('<meta property="article:published_time" content="2013-02-30">'),
            id="an impossible date",
        ),
    ],
)
def test_a_page_without_a_publication_date_gets_none(html: str) -> None:
    """A year or date in the story's prose is not when it was published."""
    assert html_to_article(html, "page.html").published is None


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(before="<p>TORONTO, Nov. 6, 2013 — The mayor spoke.</p>"),
            "2013-11-06",
            id="dateline",
        ),
        pytest.param(
            page(before="<p>OTTAWA, Ont. (CP) - 7 November 2013 | The mayor spoke.</p>"),
            "2013-11-07",
            id="dateline with an agency",
        ),
        pytest.param(
            page(before="<p>Published: 2013-11-08 by Ann Lee</p>"), "2013-11-08", id="byline"
        ),
        pytest.param(
            page('<meta property="article:published_time" content="2013-11-09T10:00:00Z">'),
            "2013-11-09",
            id="meta tag",
        ),
        pytest.param(
            page('<meta name="date" content="Sun, 10 Nov 2013 10:00:00 GMT">'),
            "2013-11-10",
            id="meta tag, RFC 2822",
        ),
        pytest.param(
            page(
                '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
                '"datePublished": "2013-11-11T08:00:00-05:00"}]}</script>'
            ),
            "2013-11-11",
            id="JSON-LD",
        ),
        pytest.param(
            page(before='<p><time datetime="2013-11-12">12 Nov</time> by Ann Lee</p>'),
            "2013-11-12",
            id="time element in the article",
        ),
    ],
)
def test_the_publication_date_comes_from_metadata_or_a_dateline(html: str, expected: str) -> None:
    assert html_to_article(html, "page.html").published == expected
