"""Filtered searches: the live articles that match filters, and their passages as a mask.

The mask goes to the scorer, which applies it to a question's candidates before it
picks the best ones; the statistics stay those of the whole index, so a passage scores
the same filtered or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.scoring import Mask
from retrieval.text.article import Source
from retrieval.text.filters import Filters


@dataclass(frozen=True)
class Selection:
    """The articles that match filters (by position in the index) and their passages."""

    articles: tuple[int, ...]
    mask: Mask
    ids: frozenset[str]

    @property
    def passage_count(self) -> int:
        return int(np.count_nonzero(self.mask))

    def has(self, source: Source) -> bool:
        return source.id in self.ids


# Selections kept, for the same filters asked again (a conversation, a bot's users).
_CACHED = 16
_cache: dict[tuple[Filters, int], tuple[tuple[object, ...], tuple[object, ...], Selection]] = {}


def select(index: CorpusIndex, filters: Filters) -> Selection:
    """The live articles the filters match, in index order, and a mask of their passages.

    Kept for the same filters while the index holds the same segments and deletions (the
    cache holds the segments, so another index can't be mistaken for this one).
    """
    key = (filters, id(index))
    segments, deleted = tuple(index.segments), tuple(index.deleted)
    kept = _cache.get(key)
    if kept is not None and _same(kept[0], segments) and kept[1] == deleted:
        return kept[2]
    selection = _select(index, filters)
    if len(_cache) >= _CACHED:
        _cache.pop(next(iter(_cache)))
    _cache[key] = (segments, deleted, selection)
    return selection


def _same(kept: tuple[object, ...], segments: tuple[object, ...]) -> bool:
    return len(kept) == len(segments) and all(a is b for a, b in zip(kept, segments, strict=True))


def _select(index: CorpusIndex, filters: Filters) -> Selection:
    mask = np.zeros(len(index.passages), dtype=np.bool_)
    articles: list[int] = []
    ids: set[str] = set()
    for number in index.live_articles():
        source = index.source_at(number)
        if filters.matches(source):
            articles.append(number)
            ids.add(source.id)
            span = index.passages_of(source.id)
            mask[span.start : span.stop] = True
    return Selection(tuple(articles), mask, frozenset(ids))
