"""Articles from the web: fetching http(s) pages safely, then extracting the story.

The download is ``retrieval.intake.download``'s (only the standard library, careful
about where it connects, bounded in size and time); extraction is
``retrieval.intake.extract``'s. Every failure is an ArticleError whose message is one
line naming the URL.
"""

from __future__ import annotations

import codecs
from typing import Any

from retrieval.errors import ArticleError
from retrieval.intake.download import download
from retrieval.intake.extract import _decode, _decode_html, _given, html_to_article, read_html_file
from retrieval.settings import FetchSettings
from retrieval.text.article import Article, content_id, make_article
from retrieval.text.cleaning import clean_text

__all__ = ["fetch_article", "html_to_article", "read_html_file"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)


def fetch_article(
    url: str, settings: FetchSettings, overrides: dict[str, str | None] | None = None
) -> Article:
    """Fetch an http(s) URL and make an article of the page (HTML or plain text).

    The URL after redirects becomes the article's ``url`` unless overridden.
    """
    page = download(url, settings)
    if page.content_type in HTML_TYPES or (
        page.content_type is None and _looks_like_html(page.body)
    ):
        html = _decode_html(page.body, url, page.charset)
        return html_to_article(html, url, page.url, overrides)
    if page.content_type in TEXT_TYPES or page.content_type is None:
        text = _decode_text(page.body, url, page.charset)
        fields: dict[str, Any] = {"url": page.url, **_given(overrides)}
        return make_article(fields, text, url, content_id(clean_text(text)))
    raise ArticleError(f"{url}: unsupported content type {page.content_type}")


def _decode_text(data: bytes, where: str, charset: str | None) -> str:
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ArticleError(f"{where}: looks like binary content, not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", where)
    return _decode(data, charset or "utf-8-sig", where)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head
