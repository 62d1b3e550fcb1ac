"""The story's timeline: each dated sentence once, in the order its events happened.

A sentence is dated by the most precise date it names outright, or else by the most
precise relative one (see ``retrieval.text.when``); the
same event told by several articles (a copy, by the copy detection answers use, under
the same date) is one event with all its sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from retrieval.answering.search import near_duplicate, passage_fingerprint
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.filtering import select
from retrieval.text.article import Source
from retrieval.text.filters import Filters
from retrieval.text.sentences import sentence_spans
from retrieval.text.when import When, event_date

_PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3}
# A sentence longer than this is cut at a word with "…" (the excerpt limit).
MAX_EVENT_CHARS = 400


@dataclass(frozen=True)
class Event:
    """Something the articles say happened at ``when``, in one of their sentences."""

    when: When
    text: str
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.when.start.isoformat(),
            "precision": self.when.precision,
            "when": self.when.label(),
            "text": self.text,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"events": [e.to_dict() for e in self.events]}


def build_timeline(index: CorpusIndex, filters: Filters | None = None) -> Timeline:
    """Every dated sentence of the live articles (those the filters match), oldest event
    first, each event once."""
    events: list[tuple[When, str, list[Source], tuple[set[str], set[str]]]] = []
    for number in select(index, filters or Filters()).articles:
        source = index.source_at(number)
        published = _date(source.published)
        for passage in index.passages_of(source.id):
            text = index.passage_text(passage)
            for start, end in sentence_spans(text):
                sentence = " ".join(text[start:end].split())
                when = event_date(sentence, published)
                if when is None:
                    continue
                _merge(events, when, _clip(sentence), source)
    events.sort(key=lambda e: (e[0].start, _PRECISION[e[0].precision]))
    return Timeline(tuple(Event(when, text, tuple(sources)) for when, text, sources, _ in events))


def _merge(
    events: list[tuple[When, str, list[Source], tuple[set[str], set[str]]]],
    when: When,
    text: str,
    source: Source,
) -> None:
    fingerprint = passage_fingerprint(text)
    same_date = [e for e in events if e[0] == when]
    copy = near_duplicate(fingerprint, [e[3] for e in same_date])
    if copy is None:
        events.append((when, text, [source], fingerprint))
    elif all(s.id != source.id for s in same_date[copy][2]):
        same_date[copy][2].append(source)


def _date(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _clip(sentence: str) -> str:
    if len(sentence) <= MAX_EVENT_CHARS:
        return sentence
    cut = sentence[: MAX_EVENT_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
