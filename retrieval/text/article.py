"""Articles and their sources: the records every room passes around, cleaned on creation."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from retrieval.errors import ArticleError
from retrieval.text.cleaning import clean_text

KNOWN_FIELDS = ("id", "title", "source", "url", "published", "label")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Article:
    """One article: its cleaned text and what is known of where it comes from."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    # How to show an article that has no title or outlet: what its text shows it is.
    label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Where it was read from (a file, FILE:LINE or a URL), for messages; not stored.
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """A short human name: the title, else the label, else the id."""
        return self.title or self.label or self.id

    @property
    def where(self) -> str:
        """What to name in a message about it: where it came from, else its name."""
        return self.origin or self.name


@dataclass(frozen=True)
class Source:
    """Where an excerpt comes from: what is known of its article."""

    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    label: str | None = None

    @classmethod
    def of(cls, article: Article) -> Source:
        return cls(
            article.id, article.title, article.source, article.url, article.published,
            article.label,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "label": self.label,
        }


def content_id(text: str) -> str:
    """A stable id for an article that has none: a hash of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_article(fields: dict[str, Any], raw_text: str, where: str, default_id: str) -> Article:
    """Validate metadata and clean the text; raise ArticleError naming ``where``."""
    text = clean_text(raw_text)
    if not text.strip():
        raise ArticleError(f"{where}: the article has no text")
    meta: dict[str, str | None] = {}
    for key in KNOWN_FIELDS:
        value = fields.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if value is not None and not isinstance(value, (str, int, float)):
            raise ArticleError(f"{where}: '{key}' must be text, got {type(value).__name__}")
        meta[key] = str(value).strip() if value is not None and str(value).strip() else None
    article_id = meta.pop("id") or default_id
    if not _ID.match(article_id):
        raise ArticleError(
            f"{where}: id {article_id!r} may use only letters, digits, '_', '-', '.'"
        )
    extra = {k: _plain(v) for k, v in fields.items() if k not in KNOWN_FIELDS and k != "text"}
    return Article(id=article_id, text=text, extra=extra, origin=where, **meta)


def checked(article: Article) -> Article:
    """The article, if its date is a date and its address a web address; else ArticleError.

    Applied to what is being added, not to the corpus already stored, which is read as is.
    """
    where = article.where
    if article.published is not None and not is_iso_date(article.published):
        raise ArticleError(
            f"{where}: 'published' must be a date as YYYY-MM-DD (or an ISO 8601 date and time), "
            f"got {article.published!r}"
        )
    if article.url is not None and not is_web_url(article.url):
        raise ArticleError(f"{where}: 'url' must be an http or https address, got {article.url!r}")
    return article


def is_iso_date(value: str) -> bool:
    """A real calendar date, YYYY-MM-DD, alone or starting an ISO 8601 date and time."""
    if not _ISO_DAY.fullmatch(value[:10]):
        return False
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_web_url(value: str) -> bool:
    """An http(s) address with a host and no white space or control characters."""
    if any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _plain(value: Any) -> Any:
    """Front-matter values as JSON-safe data (dates become ISO strings)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
