"""Filters: which articles a question, a timeline, quotes or what's new are drawn from.

``since`` and ``until`` bound the publication date, both days included; an article
without a date matches neither. ``source`` is a piece of text found, case and spacing
aside, in the article's outlet, label, title or the host of its URL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from retrieval.errors import StorybotError
from retrieval.text.article import Source

_DURATION = re.compile(r"^(\d{1,4})\s*([dwh])$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}
# Longer than any outlet, title or host a reader would type.
MAX_SOURCE_CHARS = 200


def since_date(value: str, today: dt.date | None = None, option: str = "since") -> str:
    """A date (YYYY-MM-DD) or a duration back from today ("3d", "2w", "36h") as a date."""
    text = value.strip().lower()
    duration = _DURATION.match(text)
    if duration:
        now = dt.datetime.combine(today or dt.date.today(), dt.time())
        return (now - int(duration[1]) * _UNITS[duration[2]]).date().isoformat()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise StorybotError(
            f"{option} {value!r}: give a date as YYYY-MM-DD or a duration such as 3d, 2w or 36h"
        ) from None


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Filters:
    """Publication dates (YYYY-MM-DD, both included) and a source to match; None: any."""

    since: str | None = None
    until: str | None = None
    source: str | None = None

    @classmethod
    def parse(
        cls,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        today: dt.date | None = None,
    ) -> Filters:
        """Filters from what a user typed: dates or durations, and a source's text."""
        start = since_date(since, today) if since is not None else None
        end = since_date(until, today, "until") if until is not None else None
        if start and end and start > end:
            raise StorybotError(f"since {start} is after until {end}: no day is in between")
        wanted = None
        if source is not None:
            wanted = " ".join(source.split())
            if not wanted:
                raise StorybotError("source is empty: give part of an outlet, title or web host")
            if len(wanted) > MAX_SOURCE_CHARS:
                raise StorybotError(f"source is over {MAX_SOURCE_CHARS} characters")
        return cls(start, end, wanted)

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.since, self.until, self.source))

    def dated(self, published: str | None) -> bool:
        """Whether a publication date is inside the date bounds (no date: only without)."""
        if self.since is None and self.until is None:
            return True
        day = (published or "")[:10]
        if not day:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def from_source(self, source: Source) -> bool:
        """Whether the article's outlet, label, title or URL host holds the source text."""
        if self.source is None:
            return True
        wanted = _folded(self.source)
        host = urlsplit(source.url).hostname if source.url else None
        fields = (source.source, source.label, source.title, host)
        return any(wanted in _folded(field) for field in fields if field)

    def matches(self, source: Source) -> bool:
        return self.dated(source.published) and self.from_source(source)

    def describe(self) -> str:
        """The filters as a reader would say them: 'since 2013-11-07, source "star"'."""
        parts = (
            f"since {self.since}" if self.since else "",
            f"until {self.until}" if self.until else "",
            f'source "{self.source}"' if self.source else "",
        )
        return ", ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "source": self.source}
