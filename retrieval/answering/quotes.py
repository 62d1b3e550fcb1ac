"""Quotes by person: every direct quote the articles attribute to someone, once each.

A partial name resolves to the one speaker it can mean ("Kelly" to "Norm Kelly");
when it can mean several, they are the candidates and no quote is chosen for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.filtering import select
from retrieval.text.analysis import normalize
from retrieval.text.article import Source
from retrieval.text.filters import Filters

# A quotation between straight or curly double quotes; "…" may run over a line break.
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
# Shorter quotations are scare quotes or titles ("so-called 'leave'"), not speech.
MIN_QUOTE_WORDS = 4


@dataclass(frozen=True)
class Quote:
    """A direct quote, verbatim without its quotation marks, with where it was printed."""

    text: str
    sources: tuple[Source, ...]

    @property
    def published(self) -> str | None:
        """The earliest date among its sources."""
        dates = [s.published for s in self.sources if s.published]
        return min(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        return {"quote": self.text, "sources": [s.to_dict() for s in self.sources]}


@dataclass(frozen=True)
class Quotes:
    """What ``find_quotes`` found for a name: the speaker it means and their quotes."""

    name: str
    speaker: str | None
    candidates: tuple[str, ...]
    quotes: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "speaker": self.speaker,
            "candidates": list(self.candidates),
            "quotes": [q.to_dict() for q in self.quotes],
        }


def find_quotes(index: CorpusIndex, name: str, filters: Filters | None = None) -> Quotes:
    """Every quote attributed to the speaker ``name`` means, oldest first, each once.

    With ``filters``, only the articles they match are read, names included.
    """
    spoken = _speakers(index, filters or Filters())
    matches = resolve_speaker(name, sorted(spoken))
    if len(matches) != 1:
        return Quotes(name, None, tuple(matches), ())
    (speaker,) = matches
    found: dict[str, tuple[str, list[Source]]] = {}
    for passage in spoken[speaker]:
        source = index.source_of(passage)
        for text in quoted(index.passage_text(passage)):
            key = " ".join(re.findall(r"\w+", normalize(text)))
            _, sources = found.setdefault(key, (text, []))
            if all(s.id != source.id for s in sources):
                sources.append(source)
    quotes = [Quote(text, tuple(sources)) for text, sources in found.values()]
    # Undated quotes go last; the sort is stable, so each article's own order is kept.
    quotes.sort(key=lambda q: (q.published is None, q.published or ""))
    return Quotes(name, speaker, (speaker,), tuple(quotes))


def resolve_speaker(name: str, speakers: list[str]) -> list[str]:
    """The speakers a name can mean: the one it spells out, else those it names part of."""
    wanted = _words(name)
    if not wanted:
        return []
    exact = [s for s in speakers if _words(s) == wanted]
    if exact:
        return exact
    return [s for s in speakers if _contains_run(_words(s), wanted)]


def quoted(text: str) -> Iterator[str]:
    """The quotations in a passage long enough to be speech, verbatim."""
    for match in _QUOTED.finditer(text):
        words = match[1].strip()
        if len(words.split()) >= MIN_QUOTE_WORDS:
            yield " ".join(words.split()).rstrip(",")


def _speakers(index: CorpusIndex, filters: Filters) -> dict[str, list[int]]:
    """Each speaker's passages, in index order, over the live articles the filters match."""
    spoken: dict[str, list[int]] = {}
    for number in select(index, filters).articles:
        for passage in index.passages_of(index.source_at(number).id):
            speaker = index.passage_at(passage).speaker
            if speaker:
                spoken.setdefault(speaker, []).append(passage)
    return spoken


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", normalize(name)))


def _contains_run(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))
