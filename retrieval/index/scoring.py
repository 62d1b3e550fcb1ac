"""Scoring: rank-bm25's BM25Okapi, BM25Plus and BM25L over an inverted index.

The formulas, their order of floating-point operations and the idf definitions
(Okapi's floor of epsilon times the average idf for terms in more than half the
passages) are rank-bm25's own, so scores are identical to ``get_scores`` for
the same tokens; but a question only touches the postings of its own terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.index.live import LiveSet, term_counts
from retrieval.index.params import BM25Params as BM25Params
from retrieval.index.postings import CountArray, Int32Array, IntArray, PostingBlock

FloatArray = npt.NDArray[np.float64]
# Passage positions: int32 straight from the postings, int64 when numpy made them.
Positions = Int32Array | IntArray
# A flag per passage position: which passages a search may return.
Mask = npt.NDArray[np.bool_]

# How many joined posting lists (terms found in several blocks) are kept.
_JOINED_CACHE = 4096


@dataclass(frozen=True)
class Scored:
    """A passage's position in the index and its BM25 score."""

    passage: int
    score: float


class BM25Scorer:
    """An inverted index of passage terms that scores exactly as rank-bm25 does.

    Its postings are blocks (one per build or add, in order); a term's postings
    across blocks are joined when a question first needs them. A block may have
    deleted passages (see ``live``): they keep their positions but are never
    matched, and every corpus statistic is over the live passages only.
    """

    def __init__(self, params: BM25Params) -> None:
        self.params = params
        self.blocks: list[PostingBlock] = []
        self._bases: list[int] = []
        # Each block's row of every term, made when a question first needs the block.
        self._rows: list[dict[str, int] | None] = []
        self._live: list[LiveSet | None] = []
        # Passages per term, in the order terms first appear (rank-bm25's order);
        # None after a deletion, until it is counted again.
        self._counted: dict[str, int] | None = None
        self._size = 0
        self._total_len = 0
        # Passage positions, deleted ones included.
        self._positions = 0
        self._live_positions: IntArray | None = None
        self._exact: dict[str, int] | None = None
        self._idf: dict[str, float] = {}
        self._epsilon_idf: float | None = None
        self._len_array: FloatArray | None = None
        # Okapi's length term per passage position (``BM25Params.length_norm``).
        self._norm: FloatArray | None = None
        self._joined: dict[str, tuple[Int32Array, CountArray]] = {}

    @property
    def size(self) -> int:
        return self._size

    @property
    def avgdl(self) -> float:
        return self._total_len / self.size if self.size else 0.0

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        """Append passages (their terms, in order) to the index."""
        self.add_block(PostingBlock.build(documents))

    def add_block(self, block: PostingBlock, live: LiveSet | None = None) -> None:
        """Append a block of passages already indexed (``live``: which of them are)."""
        # Counted when first needed (a command that only adds or removes never needs
        # it), then kept up to date, so the question after an add stays fast.
        if live is None and self._counted is not None:
            known = self._counted
            for term, count in zip(block.terms, block.df().tolist(), strict=True):
                known[term] = known.get(term, 0) + count
        else:
            self._counted = None
        self.blocks.append(block)
        self._bases.append(self._positions)
        self._rows.append(None)
        self._live.append(live)
        self._positions += block.size
        self._size += block.size if live is None else live.size
        self._total_len += LiveSet.total_of(block, live)
        self._forget()

    def set_live(self, number: int, live: LiveSet | None) -> None:
        """Mark the passages of block ``number`` that are still live (None: all of them)."""
        block, old = self.blocks[number], self._live[number]
        self._live[number] = live
        self._size += (block.size if live is None else live.size) - (
            block.size if old is None else old.size
        )
        self._total_len += LiveSet.total_of(block, live) - LiveSet.total_of(block, old)
        self._counted = None
        self._forget()

    @property
    def _df(self) -> dict[str, int]:
        """Live passages per term (in first-appearance order while nothing is deleted)."""
        if self._counted is None:
            self._counted = self._count(exact=False)
        return self._counted

    def _ordered_df(self) -> dict[str, int]:
        """Live passages per term, in the order terms first appear in live passages."""
        if all(live is None for live in self._live):
            return self._df
        if self._exact is None:
            # Deletions move terms first seen in a deleted passage: only the idf floor's
            # sum and the vocabulary's order need to know where to.
            self._exact = self._count(exact=True)
        return self._exact

    def _count(self, exact: bool) -> dict[str, int]:
        return term_counts(self.blocks, self._live, exact)

    def live_positions(self) -> IntArray:
        """The positions of the live passages, ascending."""
        if self._live_positions is None:
            parts = [
                np.arange(base, base + block.size, dtype=np.int64)
                if live is None
                else np.flatnonzero(live.mask).astype(np.int64) + base
                for block, base, live in zip(self.blocks, self._bases, self._live, strict=True)
            ]
            self._live_positions = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return self._live_positions

    def _forget(self) -> None:
        """Drop what was derived from the statistics and postings."""
        self._idf = {}
        self._epsilon_idf = None
        self._len_array = None
        self._norm = None
        self._joined = {}
        self._live_positions = None
        self._exact = None

    def df(self, term: str) -> int:
        """How many passages contain the term."""
        return self._df.get(term, 0)

    def has_term(self, term: str) -> bool:
        return term in self._df

    def vocabulary(self) -> list[str]:
        """Every term, in the order the terms first appear in the passages."""
        return list(self._ordered_df())

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            value = self._idf[term] = self._compute_idf(term)
        return value

    def prepare(self) -> None:
        """Do now the one pass over the vocabulary that Okapi's idf floor needs."""
        # The floor only serves terms in over half the passages: skipped when there can be
        # none (each block's largest count, summed, bounds any term's, deleted or not).
        bound = sum(int(block.df().max(initial=0)) for block in self.blocks)
        if self.params.model == "okapi" and bound * 2 > self.size:
            self._okapi_floor()

    def _compute_idf(self, term: str) -> float:
        freq = self._df.get(term)
        if freq is None:
            return 0.0
        n = self.size
        if self.params.model == "okapi":
            value = math.log(n - freq + 0.5) - math.log(freq + 0.5)
            return value if value >= 0 else self._okapi_floor()
        if self.params.model == "plus":
            return math.log((n + 1) / freq)
        return math.log(n + 1) - math.log(freq + 0.5)

    def _okapi_floor(self) -> float:
        """Epsilon times the average idf: what a term in over half the passages gets."""
        if self._epsilon_idf is None:
            ordered = self._ordered_df()
            freq = np.fromiter(ordered.values(), dtype=np.float64, count=len(ordered))
            if len(freq) == 0:
                self._epsilon_idf = 0.0
            else:
                # math.log, not np.log, and a running sum in rank-bm25's order
                # (cumsum adds one by one): the same bits as its Python loop.
                above = np.fromiter(map(math.log, (self.size - freq + 0.5).tolist()), np.float64)
                below = np.fromiter(map(math.log, (freq + 0.5).tolist()), np.float64)
                average = float(np.cumsum(above - below)[-1]) / len(freq)
                self._epsilon_idf = self.params.epsilon * average
        return self._epsilon_idf

    def posting(self, term: str) -> tuple[Int32Array, CountArray]:
        """The passages containing the term (ascending) and its count in each."""
        joined = self._joined.get(term)
        if joined is not None:
            return joined
        parts = []
        for number, block in enumerate(self.blocks):
            base, live = self._bases[number], self._live[number]
            row = self._row_map(number).get(term)
            if row is not None:
                lo, hi = int(block.offsets[row]), int(block.offsets[row + 1])
                ids, tfs = block.ids[lo:hi], block.tfs[lo:hi]
                if live is not None:
                    keep = live.mask[ids]
                    ids, tfs = ids[keep], tfs[keep]
                parts.append((ids, tfs, base))
        if len(parts) == 1 and parts[0][2] == 0:
            # The first segment's postings are already index positions: no copy.
            ids, tfs, _ = parts[0]
            return ids, tfs
        if not parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
        joined = (
            np.concatenate([ids + np.int32(base) for ids, _, base in parts]),
            np.concatenate([tfs.astype(np.int32) for _, tfs, _ in parts]),
        )
        if len(self._joined) >= _JOINED_CACHE:
            self._joined.pop(next(iter(self._joined)))
        self._joined[term] = joined
        return joined

    def _row_map(self, number: int) -> dict[str, int]:
        rows = self._rows[number]
        if rows is None:
            terms = self.blocks[number].terms
            rows = self._rows[number] = dict(zip(terms, range(len(terms)), strict=True))
        return rows

    def lengths(self) -> FloatArray:
        if self._len_array is None:
            parts = [block.doc_len for block in self.blocks]
            self._len_array = (
                np.concatenate(parts).astype(np.float64) if parts else np.zeros(0, np.float64)
            )
        return self._len_array

    def matching(self, query: Sequence[str]) -> Positions:
        """The passages that contain at least one query term, in index order."""
        parts = [self.posting(t)[0] for t in dict.fromkeys(query) if t in self._df]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if len(parts) == 1:
            return parts[0]
        # A byte per passage marks the union: cheaper than sorting common terms' postings.
        seen = np.zeros(self._positions, dtype=np.bool_)
        for ids in parts:
            seen[ids] = True
        return np.flatnonzero(seen).astype(np.int64, copy=False)

    def contains(self, term: str, docs: Positions) -> npt.NDArray[np.bool_]:
        """For each of ``docs``, whether it contains the term (postings are sorted)."""
        if term not in self._df:
            return np.zeros(len(docs), dtype=np.bool_)
        ids = self.posting(term)[0]
        where = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        return np.asarray(ids[where] == docs, dtype=np.bool_)

    def score(self, query: Sequence[str], docs: Positions) -> FloatArray:
        """rank-bm25's score of each of ``docs`` (sorted passage positions) for the query."""
        if self._absent_terms_add_zero():
            return self._score_postings(query, docs)
        return self._score_dense(query, docs)

    def _absent_terms_add_zero(self) -> bool:
        """Whether a term adds exactly 0 to a passage without it (Okapi and L, sane settings).

        Then only a term's own postings need computing. BM25Plus gives such a
        passage idf * delta, and k1 = 0 or b = 1 with an empty passage make
        rank-bm25 divide 0 by 0: those are computed over every passage, as it does.
        """
        p = self.params
        if p.model == "plus" or p.k1 <= 0 or self.avgdl <= 0 or not 0 <= p.b <= 1:
            return False
        if p.model == "l" and p.k1 + p.effective_delta <= 0:
            return False
        if p.b < 1:
            return True
        # Only b = 1 needs the lengths: a question must not pay for a pass over them.
        lengths = self.lengths()
        if any(live is not None for live in self._live):
            lengths = lengths[self.live_positions()]
        return len(lengths) > 0 and float(lengths.min()) > 0

    def _score_postings(self, query: Sequence[str], docs: Positions) -> FloatArray:
        # Only the passages with the term: the others would add 0, which changes no sum.
        lengths, avgdl, scores_of = self.lengths(), self.avgdl, self.params.term_scores
        score = np.zeros(len(docs), dtype=np.float64)
        position = np.full(self._positions, -1, dtype=np.int32)
        position[docs] = np.arange(len(docs), dtype=np.int32)
        for term in query:
            if term not in self._df:
                continue
            ids, tfs = self.posting(term)
            where = position[ids]
            inside = where >= 0
            if not inside.all():
                where, ids, tfs = where[inside], ids[inside], tfs[inside]
            score[where] += scores_of(self.idf(term), tfs.astype(np.float64), lengths[ids], avgdl)
        return score

    def _score_dense(self, query: Sequence[str], docs: Positions) -> FloatArray:
        doc_len = self.lengths()[docs]
        score = np.zeros(len(docs), dtype=np.float64)
        for term in query:
            # An unknown term counts too, with idf 0: it adds 0 * (0 / 0) where rank-bm25 does.
            q_freq = np.zeros(len(docs), dtype=np.float64)
            if term in self._df:
                ids, tfs = self.posting(term)
                where = np.searchsorted(docs, ids)
                inside = where < len(docs)
                inside[inside] = docs[where[inside]] == ids[inside]
                q_freq[where[inside]] = tfs[inside]
            score += self.params.term_scores(self.idf(term), q_freq, doc_len, self.avgdl)
        return score

    def all_scores(self, query: Sequence[str]) -> FloatArray:
        """Scores of every live passage, as rank-bm25's ``get_scores`` over them returns them."""
        return self.score(query, self.live_positions())

    def top(self, query: Sequence[str], k: int, allowed: Mask | None = None) -> list[Scored]:
        """The k best passages among those sharing a term with the query, best first.

        Ties keep index order. Passages with no query term are never returned:
        under Okapi they score 0, and under Plus and L they share nothing.
        ``allowed`` (a flag per passage position) keeps only the passages it marks,
        before the k best are chosen; their scores are those of the whole index.
        """
        if k <= 0:
            return []
        if self.params.model == "okapi" and self._absent_terms_add_zero():
            found = self._top_okapi(query, k, allowed)
            if found is not None:
                return found
        docs = self.matching(query)
        if allowed is not None:
            docs = docs[allowed[docs]]
        return _best(docs, self.score(query, docs), k)

    def _top_okapi(self, query: Sequence[str], k: int, allowed: Mask | None) -> list[Scored] | None:
        """``top`` for Okapi: the sums ``score`` makes, in a score per passage position; None
        when an idf is not positive (a score of 0 then no longer means no question word)."""
        terms = [t for t in query if t in self._df]
        if any(self.idf(t) <= 0 for t in terms):
            return None
        if self._norm is None:
            self._norm = self.params.length_norm(self.lengths(), self.avgdl)
        norm = self._norm
        scores = np.zeros(self._positions, dtype=np.float64)
        lists: dict[str, Int32Array] = {}
        for term in terms:
            lists[term], tfs = self.posting(term)
            # numpy indexes with intp: converted once, not at each indexing.
            ids, q_freq = lists[term].astype(np.intp), tfs.astype(np.float64)
            scores[ids] += self.params.okapi_scores(self.idf(term), q_freq, norm[ids])
        if allowed is not None:
            scores[~allowed] = 0.0
        floor = _floor(scores, lists.values(), k)
        docs = np.flatnonzero(scores >= floor if floor > 0 else scores > 0)
        return _best(docs, scores[docs], k)


def _floor(scores: FloatArray, lists: Iterable[Int32Array], k: int) -> float:
    """A score the k-th best passage reaches (0 if unknown): the k-th best of the passages
    of one term's posting list (``lists``), the shortest with at least k."""
    shortest = min((ids for ids in lists if len(ids) >= k), key=len, default=None)
    if shortest is None:
        return 0.0
    return float(np.partition(scores[shortest], len(shortest) - k)[len(shortest) - k])


def _best(docs: Positions, scores: FloatArray, k: int) -> list[Scored]:
    """The k best of ``docs`` by their ``scores``, best first; ties go to the lowest positions."""
    if len(docs) == 0:
        return []
    if len(docs) > k:
        threshold = -np.partition(-scores, k - 1)[k - 1]
        above = np.flatnonzero(scores > threshold)
        tied = np.flatnonzero(scores == threshold)[: k - len(above)]
        keep = np.concatenate([above, tied])
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))
    return [Scored(int(docs[i]), float(scores[i])) for i in order]
