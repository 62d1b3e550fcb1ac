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
from typing import Any

from retrieval.errors import ArticleError, FeedError
from retrieval.intake.download import Page, Validators, download
from retrieval.settings import FetchSettings

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
    url: str, settings: FetchSettings, validators: Validators | None = None
) -> FeedFetch:
    """Download and parse a feed (conditionally, given validators); FeedError on failure."""
    try:
        page = download(url, settings, FEED_ACCEPT, validators)
    except ArticleError as exc:
        raise FeedError(str(exc)) from None
    if page.not_modified:
        return FeedFetch(url, None, [], page.validators, not_modified=True)
    title, items = parse_feed(page, url)
    return FeedFetch(url, title, items, page.validators)


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
    if page.content_type in ("text/html", "application/xhtml+xml"):
        return "not an RSS or Atom feed (it is a web page; give the address of its feed)"
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
