"""Extracting the story from HTML: main text, title, outlet and date, with trafilatura.

trafilatura runs on HTML already in memory, so extraction never touches the
network. Every failure is an ArticleError whose message is one line naming the
file or URL.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from retrieval.errors import ArticleError
from retrieval.intake.dates import published_date
from retrieval.storage import corpus
from retrieval.text.article import Article, content_id, make_article
from retrieval.text.cleaning import clean_text

# "<meta charset=x>" and "<meta http-equiv=Content-Type content='text/html; charset=x'>"
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_CHARSET_PRESCAN_BYTES = 4096
# Navigation is never the story. trafilatura's fallbacks would otherwise make an
# article of a menu when a page has nothing else ("<nav>Menu</nav>" gives "Menu").
_NOT_THE_STORY = ["//nav", "//*[@role='navigation']"]

# trafilatura and htmldate log every page they give up on; the ArticleError raised
# here says it once, in one line. A level configured explicitly is left alone.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.CRITICAL)


def html_to_article(
    html: str,
    where: str,
    url: str | None = None,
    overrides: dict[str, str | None] | None = None,
) -> Article:
    """The article in an HTML page: main text, title, outlet and date, offline.

    ``url`` is where the page came from (it wins over the page's own canonical
    URL); ``overrides`` (title, source, url, published given by hand) win over
    everything extracted. Comments, menus, banners and footers are left out.
    """
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            prune_xpath=_NOT_THE_STORY,
            # Its date is not used (see dates.py): the least search for one.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a parser failure on odd input must not become a traceback
        raise ArticleError(f"{where}: cannot read the page ({_one_line(exc)})") from None
    meta = _as_dict(document)
    title = _text_field(meta.get("title"))
    body = _paragraphs(meta.get("text"), title)
    if not body.strip():
        raise ArticleError(f"{where}: no article text found in the page")
    given = _given(overrides)
    page_url = given.get("url") or url or _http_url(meta.get("url"))
    fields: dict[str, Any] = {
        "title": title,
        "source": _text_field(meta.get("sitename")) or _host_name(page_url),
        "url": page_url,
        # trafilatura's date may come from the story's prose ("since 1998"): not used.
        "published": published_date(html, body),
    }
    fields.update(given)
    return make_article(fields, body, where, content_id(clean_text(body)))


def read_html_file(path: Path, overrides: dict[str, str | None] | None = None) -> Article:
    """An article from a saved HTML page (decoded by its BOM or <meta charset>, else UTF-8)."""
    where = str(path)
    data = corpus.read_file(path, corpus.MAX_ARTICLE_BYTES)
    return html_to_article(_decode_html(data, where), where, overrides=overrides)


def _decode_html(data: bytes, where: str, declared: str | None = None) -> str:
    """HTML bytes as text: a BOM, else the declared charset, else <meta charset>, else UTF-8."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(data, codec, where)
    if b"\x00" in data:
        raise ArticleError(f"{where}: looks like a binary file, not HTML")
    charset = declared or _meta_charset(data) or "utf-8"
    if charset.lower().replace("_", "-") in ("utf-16", "utf-16le", "utf-16be"):
        charset = "utf-8"  # as browsers do: bytes without NULs can't be UTF-16
    return _decode(data, charset, where)


def _decode(data: bytes, charset: str, where: str) -> str:
    try:
        codecs.lookup(charset)
    except LookupError:
        raise ArticleError(f"{where}: unknown character set {charset!r}") from None
    try:
        return data.decode(charset)
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{where}: not valid {charset} (byte {exc.start})") from None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_CHARSET_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _as_dict(document: Any) -> dict[str, Any]:
    if document is None:
        return {}
    if isinstance(document, dict):
        return document
    as_dict = getattr(document, "as_dict", None)
    return dict(as_dict()) if callable(as_dict) else {}


def _paragraphs(text: Any, title: str | None) -> str:
    """trafilatura's text (one block a line) as paragraphs separated by blank lines.

    A first line that only repeats the headline is left out: the title is kept
    as metadata, and the article files of the corpus hold the story's body.
    """
    if not isinstance(text, str):
        return ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1 and title and lines[0].casefold() == " ".join(title.split()).casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def _text_field(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _http_url(value: Any) -> str | None:
    text = _text_field(value)
    if text and urlsplit(text).scheme.lower() in ("http", "https"):
        return text
    return None


def _host_name(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _given(overrides: dict[str, str | None] | None) -> dict[str, str]:
    """The overrides that carry a value (None or blank means "not given")."""
    return {k: v for k, v in (overrides or {}).items() if v is not None and str(v).strip()}


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) or type(value).__name__
