"""RSS and Atom feeds: downloaded safely (``download``), then parsed by feedparser.

feedparser is only ever handed bytes already downloaded, never a URL or a path, so
it opens nothing itself; it reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0, resolves
relative links against the feed's address, and ignores external entities.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from retrieval.errors import ArticleError, FeedError
from retrieval.intake.download import Page, Validators, download
from retrieval.settings import FetchSettings

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# Feed links are in a page's head: only its start is read for them.
_HEAD_BYTES = 256 * 1024
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: what identifies it, where its article is, and what it says."""

    key: str  # the entry's id (guid), else its link: how a later update knows it
    link: str | None
    title: str | None
    published: str | None  # YYYY-MM-DD, when the feed dates the entry


@dataclass(frozen=True)
class FeedFetch:
    """A feed as one download found it; ``not_modified`` when the server answered 304."""

    url: str
    title: str | None
    items: list[FeedItem]
    validators: Validators
    not_modified: bool = False


def fetch_feed(
    url: str, settings: FetchSettings, validators: Validators | None = None, discover: bool = False
) -> FeedFetch:
    """Download and parse a feed (conditionally, given validators); FeedError on failure.

    With ``discover``, a web page that names its feed (``<link rel="alternate"
    type="application/rss+xml" href=…>``, as sites do for feed readers) stands for
    that feed, which is fetched instead: the FeedFetch's ``url`` is then the feed's.
    """
    page = _download(url, settings, validators)
    if page.not_modified:
        return FeedFetch(url, None, [], page.validators, not_modified=True)
    if discover and page.content_type in HTML_TYPES:
        found = _feed_link(page)
        if found is not None:
            return fetch_feed(found, settings)
    title, items = parse_feed(page, url)
    return FeedFetch(url, title, items, page.validators)


def _download(url: str, settings: FetchSettings, validators: Validators | None) -> Page:
    try:
        return download(url, settings, FEED_ACCEPT, validators)
    except ArticleError as exc:
        raise FeedError(str(exc)) from None


class _FeedLinks(HTMLParser):
    """The feeds a web page names in its <link rel="alternate"> elements, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: (value or "").strip() for key, value in attrs}
        alternate = "alternate" in named.get("rel", "").lower().split()
        feed = named.get("type", "").lower() in FEED_TYPES
        if tag == "link" and alternate and feed and named.get("href"):
            self.found.append(named["href"])


def _feed_link(page: Page) -> str | None:
    """The address of the first feed a web page names, made absolute."""
    parser = _FeedLinks()
    parser.feed(page.body[:_HEAD_BYTES].decode(page.charset or "utf-8", errors="replace"))
    return urljoin(page.url, parser.found[0]) if parser.found else None


def parse_feed(page: Page, where: str) -> tuple[str | None, list[FeedItem]]:
    """The feed's title and entries, in the feed's order; FeedError if it is no feed."""
    headers = {"content-location": page.url}
    if page.content_type:
        charset = f"; charset={page.charset}" if page.charset else ""
        headers["content-type"] = page.content_type + charset
    import feedparser  # on use: only feed commands need it

    # A stream, not bytes: feedparser would try bytes as a file name first.
    parsed: Any = feedparser.parse(io.BytesIO(page.body), response_headers=headers)
    title = _text(parsed.feed.get("title")) if parsed.get("version") else None
    items = list(_items(parsed.entries))
    # Like every feed reader, a feed with small faults is read for what it holds; one
    # that is broken and yields nothing usable is not a feed.
    usable = title is not None or any(item.link for item in items)
    if not parsed.get("version") or (parsed.get("bozo") and not usable):
        raise FeedError(f"{where}: {_not_a_feed(page, parsed)}")
    return title, items


def _not_a_feed(page: Page, parsed: Any) -> str:
    if not page.body.strip():
        return "not an RSS or Atom feed (the answer is empty)"
    if page.content_type in HTML_TYPES:
        return "not an RSS or Atom feed (a web page that names none; give its feed's address)"
    problem = parsed.get("bozo_exception")
    detail = f": {_line(str(problem))}" if problem else ""
    return f"not an RSS or Atom feed{detail}"


def _items(entries: Iterable[Any]) -> Iterable[FeedItem]:
    for entry in entries:
        link = _link(entry)
        key = _text(entry.get("id")) or link
        if key is None:
            continue  # nothing to know it by again, nor to fetch
        yield FeedItem(key, link, _text(entry.get("title")), _date(entry))


def _link(entry: Any) -> str | None:
    """The entry's web page: its link, else its alternate link."""
    link = _text(entry.get("link"))
    if link:
        return link
    for candidate in entry.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return _text(candidate["href"])
    return None


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # Asked only when present: feedparser warns on a missing updated_parsed.
        parsed = entry.get(key) if key in entry else None
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
