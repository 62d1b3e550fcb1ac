"""When a sentence says something happened: dates in news prose, resolved to the calendar.

Explicit dates ("Nov. 5, 2013", "5 November 2013", "2013-11-05", "May 2013", "in 2007",
a year naming an event: "the 2011 Pride parade") stand on their own. Relative ones need
the article's publication date: a weekday ("Tuesday") is the latest such day on or
before it, as news copy uses them (the next one in a sentence about what is to come:
"will", "going to", "next"); "yesterday", "today", "last week", "last month", "last
year", and a month without a year ("in May") the latest such month. An article without
a date contributes only explicit dates. A sentence's event is dated by an explicit date
when it names one: a relative phrase beside it often belongs to another event.
Times counted back or on ("66 million years ago", "two weeks later") are found, for the
answer types, but not resolved: what they count from is not in the sentence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace

_MONTH_NAMES = {
    **{name.lower(): n for n, name in enumerate(calendar.month_name) if name},
    **{name.lower(): n for n, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
# Month names as edited copy writes them, capitalised ("may" is a verb).
_MONTH_WORDS = "|".join(n.title() for n in sorted(_MONTH_NAMES, key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_WORDS})\.?"
_BARE_MONTH = rf"(?P<bare>{_MONTH_WORDS})\b\.?"
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Most specific first: a match hides the weaker ones it overlaps.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(rf"\b{_YEAR}-(?P<mm>\d\d)-(?P<day>\d\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+{_YEAR}\b")),
    ("my", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("md", re.compile(rf"\b{_MONTH}\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)")),
    ("weekday", re.compile(r"\b(?P<weekday>" + "|".join(n.title() for n in _WEEKDAYS) + r")\b")),
    ("word", re.compile(r"\b(?P<word>yesterday|today|last (?:week|month|year))\b", re.I)),
    ("month", re.compile(rf"\b(?i:in|since|last|early|late|mid-)\s*{_BARE_MONTH}")),
    ("year", re.compile(rf"\b(?i:in|since|by|of)\s+{_YEAR}\b(?!-)")),
    # A year naming an event: "Toronto's 2011 Pride parade", "the 2016 NBA All-Star game"
    # (a capital after it: "the 2000 protesters" is a count).
    ("event", re.compile(rf"(?:\b(?i:the)|['’]s)\s+{_YEAR}\s+(?=[A-Z])")),
)
# What the calendar says without the article's date: these kinds stand on their own
# ("md", a month and day, only borrows the year).
EXPLICIT = frozenset({"iso", "mdy", "dmy", "my", "md", "year", "event"})


# A sentence about what is to come: its weekday is the next one, not the last.
_FUTURE = re.compile(r"\b(?:will|won't|going to|plans? to|expected to|scheduled|next)\b", re.I)


_PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass(frozen=True, order=True)
class When:
    """A point or stretch of the calendar; ``precision`` is "day", "week", "month" or "year".

    ``explicit``: named as a date, not resolved from a relative phrase ("last year").
    """

    start: dt.date
    precision: str
    explicit: bool = field(default=True, compare=False)

    def label(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "week":
            return f"week of {self.start.isoformat()}"
        if self.precision == "month":
            return f"{calendar.month_name[self.start.month]} {self.start.year}"
        return str(self.start.year)


def event_date(sentence: str, published: dt.date | None) -> When | None:
    """The date a sentence's event is told at: the most precise date it names outright,
    else the most precise relative one ("last year" says little when a date is there)."""
    found = dates_in(sentence, published)
    explicit = [w for w in found if w.explicit]
    chosen = explicit or found
    return min(chosen, key=lambda w: _PRECISION[w.precision]) if chosen else None


def dates_in(sentence: str, published: dt.date | None) -> list[When]:
    """The dates a sentence names, most specific first, each once; relative ones need
    ``published``."""
    taken: list[tuple[int, int]] = []
    found: list[When] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if kind == "weekday" and any(0 <= start - match.end() <= 3 for start, _ in taken):
                continue  # "Monday, Jan. 7, 2013": the weekday of the date that follows
            when = _resolve(kind, match, published)
            if when is not None:
                when = replace(when, explicit=kind in EXPLICIT)
                taken.append(match.span())
                if when not in found:
                    found.append(when)
    return found


def _resolve(kind: str, match: re.Match[str], published: dt.date | None) -> When | None:
    groups = match.groupdict()
    if kind == "iso":
        return _day(int(groups["year"]), int(groups["mm"]), int(groups["day"]))
    if kind in ("mdy", "dmy"):
        return _day(int(groups["year"]), _month(groups["month"]), int(groups["day"]))
    if kind == "my":
        return When(dt.date(int(groups["year"]), _month(groups["month"]), 1), "month")
    if kind in ("year", "event"):
        return When(dt.date(int(groups["year"]), 1, 1), "year")
    if published is None:
        return None
    if kind == "md":
        month, day = _month(groups["month"]), int(groups["day"])
        year = published.year - (1 if (month, day) > (published.month, published.day) else 0)
        return _day(year, month, day)
    if kind == "weekday":
        weekday = _WEEKDAYS[groups["weekday"].lower()]
        if _FUTURE.search(match.string):
            ahead = (weekday - published.weekday()) % 7 or 7
            return When(published + dt.timedelta(days=ahead), "day")
        back = (published.weekday() - weekday) % 7
        return When(published - dt.timedelta(days=back), "day")
    if kind == "month":
        month = _month(groups["bare"])
        year = published.year - (1 if month > published.month else 0)
        return When(dt.date(year, month, 1), "month")
    return _word(groups["word"].lower(), published)


def _word(word: str, published: dt.date) -> When:
    if word == "yesterday":
        return When(published - dt.timedelta(days=1), "day")
    if word == "today":
        return When(published, "day")
    if word == "last week":
        start = published - dt.timedelta(days=published.weekday() + 7)
        return When(start, "week")
    if word == "last month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return When(first.replace(day=1), "month")
    return When(dt.date(published.year - 1, 1, 1), "year")


def _month(name: str) -> int:
    return _MONTH_NAMES[name.lower().rstrip(".")]


def _day(year: int, month: int, day: int) -> When | None:
    try:
        return When(dt.date(year, month, day), "day")
    except ValueError:
        return None


# A time counted back or on from another: "66 million years ago", "two weeks later".
_COUNTED = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several"
    r"|a few|many)\s+(?:(?:hundred|thousand|million|billion)\s+)?"
    r"(?:years?|months?|weeks?|days?|decades?|centuries)\s+(?:ago|earlier|later)\b",
    re.IGNORECASE,
)
# Its end, looked for first: most texts have none, and a count is sought only before one.
_COUNTED_END = re.compile(
    r"\b(?=[ymwdc])(?:years?|months?|weeks?|days?|decades?|centuries)\s+(?:ago|earlier|later)\b",
    re.IGNORECASE,
)
_COUNT_REACH = 40  # characters before the unit that the count may take


def counted_times(text: str) -> list[re.Match[str]]:
    """The times a text counts back or on from another ("two weeks later"), in order."""
    low = text.lower()
    # A plain look for the words first: a pattern is slow to scan a text that has none.
    if "ago" not in low and "later" not in low and "earlier" not in low:
        return []
    ends = _COUNTED_END.finditer(text)
    found = (_COUNTED.search(text, max(0, e.start() - _COUNT_REACH), e.end()) for e in ends)
    return [m for m in found if m is not None]
