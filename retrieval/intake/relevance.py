"""How much a new article is about the story the corpus tells, from 0 to 1.

An article's relevance is the share of its main terms that one article of the corpus
also uses. Its main terms are its ``TERMS`` most frequent index terms (stopwords
are not terms), ties going to the one the article uses first, as news puts its
subject first; each weighs ``1 + ln(count)``. Relevance is the largest weight of
those terms that a single corpus article uses, over the weight of them all.

A copy of a corpus article scores 1; a report on the story shares its names and
subject words with some article of it. The terms must meet in one article, not
anywhere in the corpus, since a large corpus holds almost every word somewhere; and
the weights come from the new article alone, not from how rare a word is in the
corpus: in a corpus that is one story, the story's own words (the mayor's name, "crack")
are in every article and so the least specific there, and weighting them down would
take away exactly what shows an article is on the story. Being a share, relevance
means the same over three articles or thirty thousand. Its blind spot: words every
long report uses ("said", "year", "city") count like any other, so a long article on
something else can share a good part of them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import numpy.typing as npt

from retrieval.index.corpus_index import CorpusIndex

# Distinctive terms per article: enough to say what it is about, few enough that its
# passing words don't count.
TERMS = 25


class Relevance:
    """Judges articles against one index (its passage-to-article map made once)."""

    def __init__(self, index: CorpusIndex) -> None:
        self.index = index
        self._starts: npt.NDArray[np.int64] | None = None

    def of(self, text: str) -> float | None:
        """The article text's relevance to the corpus; None when the corpus is empty."""
        index = self.index
        if index.article_count == 0 or index.scorer.size == 0:
            return None
        # Counter keeps first-use order, and the sort is stable: ties go to the earlier.
        counts = Counter(index.analyzer.terms(text))
        chosen = sorted(counts, key=lambda term: -counts[term])[:TERMS]
        weights = {term: 1 + math.log(counts[term]) for term in chosen}
        total = sum(weights.values())
        shared: dict[int, float] = {}
        for term in chosen:
            for owner in self._owners(term):
                shared[owner] = shared.get(owner, 0.0) + weights[term]
        return max(shared.values(), default=0.0) / total if total > 0 else 0.0

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
