"""How much a new article is about the story the corpus tells, from 0 to 1.

An article's relevance is the share of its main terms that are also main terms of one
article of the corpus. Its main terms are its ``TERMS`` most frequent index terms
(stopwords are not terms), ties going to the one it uses first, as news puts its
subject first; each weighs ``1 + ln(count)``. A corpus article's main terms are its
``MAIN`` most frequent. Relevance is the largest weight of the new article's main terms
that one corpus article also has among its own, over the weight of them all.

A copy of a corpus article scores 1; a report on the story shares its names and
subject words with some article of it, and they are what both say most. The terms
must meet in one article, and be what that article dwells on, not words it merely
holds: a large corpus holds almost every word somewhere, and a long digest of
unrelated news holds most common words. The weights come from the new article alone,
not from how rare a word is in the corpus: in a corpus that is one story, the story's
own words (the mayor's name, "crack") are in every article and so the least specific
there, and weighting them down would take away what shows an article is on the story.
Being a share, relevance means the same over three articles or thirty thousand
(``bench/feed_relevance.py`` measures both).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import numpy.typing as npt

from retrieval.index.corpus_index import CorpusIndex

# Main terms of a new article: enough to say what it is about, few enough that its
# passing words don't count.
TERMS = 25
# Main terms of a corpus article it is compared with: more, as its report may dwell on
# other sides of the same story.
MAIN = 2 * TERMS
# Corpus articles compared term by term: those sharing the most weight at all.
CANDIDATES = 20


class Relevance:
    """Judges articles against one index (its passage-to-article map made once)."""

    def __init__(self, index: CorpusIndex) -> None:
        self.index = index
        self._starts: npt.NDArray[np.int64] | None = None
        self._positions: list[int] | None = None
        self._main: dict[int, set[str]] = {}

    def of(self, text: str) -> float | None:
        """The article text's relevance to the corpus; None when the corpus is empty."""
        index = self.index
        if index.article_count == 0 or index.scorer.size == 0:
            return None
        # Counter keeps first-use order, and the sort is stable: ties go to the earlier.
        counts = Counter(index.analyzer.terms(text))
        weights = {term: 1 + math.log(counts[term]) for term in _main_terms(counts, TERMS)}
        total = sum(weights.values())
        if total == 0:
            return 0.0
        shared: dict[int, float] = {}
        for term, weight in weights.items():
            for owner in self._owners(term):
                shared[owner] = shared.get(owner, 0.0) + weight
        best = sorted(shared, key=lambda owner: -shared[owner])[:CANDIDATES]
        found = (sum(w for t, w in weights.items() if t in self._main_of(n)) for n in best)
        return max(found, default=0.0) / total

    def _main_of(self, rank: int) -> set[str]:
        """The main terms of the live article of this rank."""
        main = self._main.get(rank)
        if main is None:
            if self._positions is None:
                self._positions = list(self.index.live_articles())
            text = self.index.article_at(self._positions[rank]).text
            main = self._main[rank] = set(
                _main_terms(Counter(self.index.analyzer.terms(text)), MAIN)
            )
        return main

    def _owners(self, term: str) -> list[int]:
        """The live articles (by rank among them) whose passages use the term."""
        scorer = self.index.scorer
        if not scorer.has_term(term):
            return []
        passages = scorer.posting(term)[0]
        found = np.unique(np.searchsorted(self._article_starts(), passages, side="right") - 1)
        return [int(n) for n in found]

    def _article_starts(self) -> npt.NDArray[np.int64]:
        """The first passage position of each live article, ascending."""
        if self._starts is None:
            index = self.index
            firsts = (index.passages_of(index.source_at(n).id).start for n in index.live_articles())
            self._starts = np.fromiter(firsts, dtype=np.int64)
        return self._starts


def _main_terms(counts: Counter[str], how_many: int) -> list[str]:
    """The most frequent terms; Counter keeps first-use order and the sort is stable, so
    ties go to the one used first."""
    return sorted(counts, key=lambda term: -counts[term])[:how_many]
