"""A page's publication date: from its metadata or a dateline, never from its prose.

"since 1998" or "before 2020" in a story says nothing about when it was
published, so only these count, in this order: a publication-date meta tag,
JSON-LD `datePublished`, an element marked `itemprop="datePublished"`, a
`<time datetime>` in the article or its header (or the page's only one), and a
dateline opening the story ("TORONTO, Nov. 6, 2013 —"). Otherwise: no date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

# Meta tags (name, property or itemprop) that carry the publication date, best first.
_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "publication_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dcterms.date",
    "date",
)
_SECTIONS = {"article", "header", "main"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"\s*(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?![\d/-])")
_WORDS = [
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I),
]
_ANY_MONTH = "(?i:" + _MONTH.replace("?P<month>", "?:") + ")"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|{_ANY_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_ANY_MONTH},?\s+\d{{4}})"
)
# "TORONTO, Nov. 6, 2013 —", "OTTAWA, Ont. (CP) - 6 November 2013 |", "Published: 2013-11-06".
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'\- ]+(?:,\s*[A-Z][A-Za-z.]+)*\s*(?:\([^)]{1,30}\))?\s*[,—–-]\s*)?"
    r"(?:(?:Published|Posted)(?:\s+on)?:?\s+)?"
    r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
    r"(?P<date>" + _DATE + r")"
    r"(?:,?\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
    r"\s*(?:\([^)]{1,30}\)\s*)?(?:[—–|:-]|\bby\b|$)",
)


def published_date(html: str, text: str) -> str | None:
    """The page's publication date as YYYY-MM-DD, from its metadata or dateline, or None."""
    clues = _Clues()
    try:
        clues.feed(html)
        clues.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    candidates = [*clues.in_order(), _dateline(text)]
    return next((day for day in map(iso_day, candidates) if day), None)


def iso_day(value: str | None) -> str | None:
    """A date written as ISO 8601, RFC 2822 or in English words, as YYYY-MM-DD; else None."""
    if not value or not value.strip():
        return None
    match = _ISO.match(value)
    if match is None:
        match = next((m for m in (p.search(value) for p in _WORDS) if m), None)
    if match is not None:
        month = match["month"]
        number = int(month) if month.isdigit() else _MONTHS[month.lower()]
        return _day(int(match["year"]), number, int(match["day"]))
    try:
        stamp = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return _day(stamp.year, stamp.month, stamp.day)


def _day(year: int, month: int, day: int) -> str | None:
    # A publication date is neither before the press age of the web nor in the future.
    if not 1900 <= year <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _dateline(text: str) -> str | None:
    first = text.lstrip().split("\n", 1)[0][:200]
    match = _DATELINE.match(first)
    return match["date"] if match else None


class _Clues(HTMLParser):
    """The date-bearing parts of a page, collected in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self.itemprop: list[str] = []
        self.times: list[tuple[str, bool]] = []  # (datetime, inside an article or its header)
        self._depth = 0
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in _SECTIONS:
            self._depth += 1
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if key.lower() in _META and values.get("content"):
                self.meta.setdefault(key.lower(), values["content"])
        elif values.get("itemprop", "").lower() == "datepublished":
            self.itemprop.append(values.get("datetime") or values.get("content") or "")
        if tag == "time" and values.get("datetime"):
            self.times.append((values["datetime"], self._depth > 0 or "pubdate" in values))
        if tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SECTIONS and self._depth > 0:
            self._depth -= 1
        if tag == "script" and self._script is not None:
            self.json_ld.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def in_order(self) -> Iterator[str]:
        """Every candidate value, the most trustworthy first."""
        yield from (self.meta[name] for name in _META if name in self.meta)
        for block in self.json_ld:
            yield from _json_ld_dates(block)
        yield from self.itemprop
        yield from (value for value, in_article in self.times if in_article)
        if len(self.times) == 1:
            yield self.times[0][0]


def _json_ld_dates(block: str) -> Iterator[str]:
    try:
        data = json.loads(block)
    except ValueError:
        return
    yield from _find_key(data, "datePublished")


def _find_key(data: Any, key: str) -> Iterator[str]:
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            yield value
        for child in data.values():
            yield from _find_key(child, key)
    elif isinstance(data, list):
        for child in data:
            yield from _find_key(child, key)
