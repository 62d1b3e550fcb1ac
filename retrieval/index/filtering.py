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


def select(index: CorpusIndex, filters: Filters) -> Selection:
    """The live articles the filters match, in index order, and a mask of their passages."""
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
