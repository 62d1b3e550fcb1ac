"""Grouped scoring: BM25 of several passages read as one document.

A paragraph cut into passages is scored as if it had been indexed whole: its
passages' term counts and lengths are summed, then weighed with the corpus's
own idf and average passage length, the way BM25F merges a document's fields
before saturating them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.index.scoring import BM25Scorer, FloatArray


def group_scores(
    scorer: BM25Scorer, query: Sequence[str], groups: Sequence[Sequence[int]]
) -> FloatArray:
    """For each group of passage positions, the BM25 score of their text taken together."""
    size = len(groups)
    scores = np.zeros(size, dtype=np.float64)
    if size == 0 or scorer.avgdl <= 0:
        return scores
    members = np.array([p for group in groups for p in group], dtype=np.int64)
    owner = np.repeat(np.arange(size, dtype=np.int64), [len(group) for group in groups])
    length = _summed(owner, scorer.lengths()[members], size)
    for term in query:
        freq = _summed(owner, _counts(scorer, term, members), size)
        scores += scorer.params.term_scores(scorer.idf(term), freq, length, scorer.avgdl)
    return scores


def _summed(owner: npt.NDArray[np.int64], values: FloatArray, size: int) -> FloatArray:
    """Each group's sum of its members' values."""
    return np.bincount(owner, weights=values, minlength=size).astype(np.float64)


def _counts(scorer: BM25Scorer, term: str, members: npt.NDArray[np.int64]) -> FloatArray:
    """How often each of ``members`` holds the term."""
    counts = np.zeros(len(members), dtype=np.float64)
    if not scorer.has_term(term):
        return counts
    ids, tfs = scorer.posting(term)
    where = np.minimum(np.searchsorted(ids, members), len(ids) - 1)
    found = ids[where] == members
    counts[found] = tfs[where[found]]
    return counts
