"""Scoring: rank-bm25's BM25Okapi, BM25Plus and BM25L over an inverted index.

The formulas, their order of floating-point operations and the idf definitions
(Okapi's floor of epsilon times the average idf for terms in more than half the
passages) are rank-bm25's own, so scores are identical to ``get_scores`` for
the same tokens; but a question only touches the postings of its own terms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.errors import ConfigError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_DELTA = {"plus": 1.0, "l": 0.5}


@dataclass(frozen=True)
class BM25Params:
    """Which rank-bm25 model and its parameters (delta defaults per model)."""

    model: str = "okapi"
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    delta: float | None = None

    def __post_init__(self) -> None:
        if self.model not in ("okapi", "plus", "l"):
            raise ConfigError(f"unknown BM25 model '{self.model}' (okapi, plus or l)")

    @property
    def effective_delta(self) -> float:
        return self.delta if self.delta is not None else DEFAULT_DELTA.get(self.model, 0.0)


@dataclass(frozen=True)
class Scored:
    """A passage's position in the index and its BM25 score."""

    passage: int
    score: float


class BM25Scorer:
    """An inverted index of passage terms that scores exactly as rank-bm25 does."""

    def __init__(self, params: BM25Params) -> None:
        self.params = params
        self.doc_len: list[int] = []
        self._postings: dict[str, tuple[list[int], list[int]]] = {}
        self._arrays: dict[str, tuple[IntArray, FloatArray]] = {}
        self._total_len = 0
        self._idf: dict[str, float] | None = None
        self._len_array: FloatArray | None = None

    @property
    def size(self) -> int:
        return len(self.doc_len)

    @property
    def avgdl(self) -> float:
        return self._total_len / self.size if self.size else 0.0

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        """Append passages (their terms, in order) to the index."""
        for terms in documents:
            doc = len(self.doc_len)
            self.doc_len.append(len(terms))
            self._total_len += len(terms)
            for term, count in Counter(terms).items():
                ids, tfs = self._postings.setdefault(term, ([], []))
                ids.append(doc)
                tfs.append(count)
                self._arrays.pop(term, None)
        self._idf = None
        self._len_array = None

    def df(self, term: str) -> int:
        """How many passages contain the term."""
        posting = self._postings.get(term)
        return len(posting[0]) if posting else 0

    def has_term(self, term: str) -> bool:
        return term in self._postings

    def vocabulary_size(self) -> int:
        return len(self._postings)

    def idf(self, term: str) -> float:
        if self._idf is None:
            self._idf = self._compute_idf()
        return self._idf.get(term, 0.0)

    def _compute_idf(self) -> dict[str, float]:
        n = self.size
        model = self.params.model
        idf: dict[str, float] = {}
        if model == "okapi":
            negative: list[str] = []
            idf_sum = 0.0
            for term, (ids, _) in self._postings.items():
                freq = len(ids)
                value = math.log(n - freq + 0.5) - math.log(freq + 0.5)
                idf[term] = value
                idf_sum += value
                if value < 0:
                    negative.append(term)
            average = idf_sum / len(idf) if idf else 0.0
            eps = self.params.epsilon * average
            for term in negative:
                idf[term] = eps
        elif model == "plus":
            for term, (ids, _) in self._postings.items():
                idf[term] = math.log((n + 1) / len(ids))
        else:
            for term, (ids, _) in self._postings.items():
                idf[term] = math.log(n + 1) - math.log(len(ids) + 0.5)
        return idf

    def _posting(self, term: str) -> tuple[IntArray, FloatArray]:
        cached = self._arrays.get(term)
        if cached is None:
            ids, tfs = self._postings[term]
            cached = (np.asarray(ids, dtype=np.int64), np.asarray(tfs, dtype=np.float64))
            self._arrays[term] = cached
        return cached

    def _lengths(self) -> FloatArray:
        if self._len_array is None:
            self._len_array = np.asarray(self.doc_len, dtype=np.float64)
        return self._len_array

    def matching(self, query: Sequence[str]) -> IntArray:
        """The passages that contain at least one query term, in index order."""
        parts = [self._posting(t)[0] for t in dict.fromkeys(query) if t in self._postings]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if len(parts) == 1:
            return parts[0]
        # A byte per passage marks the union: far cheaper than sorting or hashing
        # the concatenated postings of common terms.
        seen = np.zeros(self.size, dtype=np.bool_)
        for ids in parts:
            seen[ids] = True
        return np.flatnonzero(seen).astype(np.int64, copy=False)

    def contains(self, term: str, docs: IntArray) -> npt.NDArray[np.bool_]:
        """For each of ``docs``, whether it contains the term (postings are sorted)."""
        if term not in self._postings:
            return np.zeros(len(docs), dtype=np.bool_)
        ids = self._posting(term)[0]
        where = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        return np.asarray(ids[where] == docs, dtype=np.bool_)

    def score(self, query: Sequence[str], docs: IntArray) -> FloatArray:
        """rank-bm25's score of each of ``docs`` (sorted passage positions) for the query."""
        p = self.params
        k1, b = p.k1, p.b
        delta = p.effective_delta
        avgdl = self.avgdl
        doc_len = self._lengths()[docs]
        score = np.zeros(len(docs), dtype=np.float64)
        for term in query:
            if term not in self._postings:
                continue
            idf = self.idf(term)
            ids, tfs = self._posting(term)
            where = np.searchsorted(docs, ids)
            inside = where < len(docs)
            inside[inside] = docs[where[inside]] == ids[inside]
            q_freq = np.zeros(len(docs), dtype=np.float64)
            q_freq[where[inside]] = tfs[inside]
            if p.model == "okapi":
                score += idf * (q_freq * (k1 + 1) / (q_freq + k1 * (1 - b + b * doc_len / avgdl)))
            elif p.model == "plus":
                score += idf * (
                    delta + (q_freq * (k1 + 1)) / (k1 * (1 - b + b * doc_len / avgdl) + q_freq)
                )
            else:
                ctd = q_freq / (1 - b + b * doc_len / avgdl)
                score += idf * q_freq * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
        return score

    def all_scores(self, query: Sequence[str]) -> FloatArray:
        """Scores of every passage, as rank-bm25's ``get_scores`` returns them."""
        return self.score(query, np.arange(self.size, dtype=np.int64))

    def top(self, query: Sequence[str], k: int) -> list[Scored]:
        """The k best passages among those sharing a term with the query, best first.

        Ties keep index order. Passages with no query term are never returned:
        under Okapi they score 0, and under Plus and L they share nothing.
        """
        docs = self.matching(query)
        if len(docs) == 0 or k <= 0:
            return []
        scores = self.score(query, docs)
        if len(docs) > k:
            # The k-th best score; ties at it go to the lowest passage positions.
            threshold = -np.partition(-scores, k - 1)[k - 1]
            above = np.flatnonzero(scores > threshold)
            tied = np.flatnonzero(scores == threshold)[: k - len(above)]
            keep = np.concatenate([above, tied])
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))
        return [Scored(int(docs[i]), float(scores[i])) for i in order]
