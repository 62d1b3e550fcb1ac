"""Deleted passages: a block's live set, and the postings and corpus statistics over it.

Removing an article does not rewrite its segment: its passages are marked
deleted, as Lucene's deleted-docs bitmaps do, and left out of everything that
is searched or counted. BM25's corpus statistics (the passage count, the
average length, each term's document frequency, and the order in which terms
first appear, which decides the sum behind Okapi's idf floor) are then those of
the live passages alone, exactly as rank-bm25 computes them over those
passages. A merge drops deleted passages for good (``compact_block``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from retrieval.index.postings import IntArray, PostingBlock
from retrieval.index.segment import Segment, reanalyze
from retrieval.text.analysis import WORD, Analyzer, fold

BoolArray = npt.NDArray[np.bool_]
# The terms of a block's passage (by its position in the block), analysed again.
PassageTerms = Callable[[int], list[str]]


@dataclass(frozen=True)
class LiveStats:
    """A block's live terms in first-appearance order, their live document frequencies."""

    terms: list[str]
    df: list[int]


class LiveSet:
    """Which passages of a posting block are live; the statistics over them, made when asked."""

    def __init__(self, block: PostingBlock, mask: BoolArray, passage_terms: PassageTerms) -> None:
        if len(mask) != block.size:
            raise ValueError(f"live set of {len(mask)} passages for a block of {block.size}")
        self.block = block
        self.mask = mask
        self.passage_terms = passage_terms

    @cached_property
    def size(self) -> int:
        return int(np.count_nonzero(self.mask))

    @cached_property
    def total_len(self) -> int:
        return int(self.block.doc_len[self.mask].sum(dtype=np.int64))

    @staticmethod
    def total_of(block: PostingBlock, live: LiveSet | None) -> int:
        """The summed length of a block's live passages (``None``: all are live)."""
        return int(block.doc_len.sum(dtype=np.int64)) if live is None else live.total_len

    @cached_property
    def counts(self) -> LiveStats:
        """The live terms and their live document frequencies, in block order."""
        counts = live_counts(self.block, self.mask[self.block.ids])
        alive = np.flatnonzero(counts > 0).tolist()
        terms = self.block.terms
        return LiveStats([terms[i] for i in alive], counts[alive].tolist())

    @cached_property
    def stats(self) -> LiveStats:
        """The same in the order the terms first appear in live passages (rank-bm25's)."""
        order, counts = live_order(self.block, self.mask, self.passage_terms)
        terms = self.block.terms
        return LiveStats([terms[i] for i in order.tolist()], counts[order].tolist())


def term_counts(
    blocks: Sequence[PostingBlock], lives: Sequence[LiveSet | None], exact: bool
) -> dict[str, int]:
    """Live passages per term over blocks in order; ``exact``: terms in the order they
    first appear in live passages (else a deleted passage's terms may keep its place)."""
    counted: dict[str, int] = {}
    for block, live in zip(blocks, lives, strict=True):
        if live is None:
            terms, df = block.terms, block.df().tolist()
        else:
            stats = live.stats if exact else live.counts
            terms, df = stats.terms, stats.df
        if not counted:
            counted = dict(zip(terms, df, strict=True))
            continue
        for term, count in zip(terms, df, strict=True):
            counted[term] = counted.get(term, 0) + count
    return counted


def live_counts(block: PostingBlock, live_posting: BoolArray) -> IntArray:
    """Each term's count of live passages (``live_posting``: whether each posting is live)."""
    dead = np.flatnonzero(~live_posting)
    dead_terms = np.searchsorted(block.offsets, dead, side="right") - 1
    return block.df() - np.bincount(dead_terms, minlength=len(block.terms))


def live_order(
    block: PostingBlock, mask: BoolArray, passage_terms: PassageTerms
) -> tuple[IntArray, IntArray]:
    """The block's terms found in live passages, in the order they first appear there,
    and every term's count of live passages (indexed by its number in the block).

    A term whose first passage is live keeps its place: block order is first
    appearance. A term first seen in a deleted passage moves to its first live
    passage, where its place among that passage's other newcomers is only known
    from the passage's own term order, so such a passage is analysed again.
    The work is one pass over the postings and then only about the few terms
    and passages deletions touch.
    """
    offsets = block.offsets
    live_posting = mask[block.ids]
    counts = live_counts(block, live_posting)
    heads = offsets[:-1]
    first = block.ids[heads].astype(np.int64)
    displaced = np.flatnonzero(~live_posting[heads] & (counts > 0)).tolist()
    for term in displaced:
        lo, hi = int(offsets[term]), int(offsets[term + 1])
        first[term] = block.ids[lo + int(np.argmax(live_posting[lo:hi]))]
    alive = np.flatnonzero(counts > 0)
    # Within one first passage, terms keep block order, or take their place in that
    # passage where a displaced term joins at least one other newcomer.
    rank = np.arange(len(block.terms), dtype=np.int64)
    landing = np.unique(first[displaced])
    joined = alive[np.isin(first[alive], landing)]
    by_first = joined[np.argsort(first[joined], kind="stable")]
    bounds = np.searchsorted(first[by_first], np.stack([landing, landing + 1]))
    for lo, hi in bounds.T.tolist():
        if hi - lo > 1:
            members = by_first[lo:hi]
            _rank_in_passage(block, int(first[members[0]]), members, rank, passage_terms)
    return alive[np.lexsort((rank[alive], first[alive]))], counts


def _rank_in_passage(
    block: PostingBlock,
    passage: int,
    members: IntArray,
    rank: IntArray,
    passage_terms: PassageTerms,
) -> None:
    """Rank these terms (by number) by where they first occur in the passage."""
    position: dict[str, int] = {}
    for place, term in enumerate(passage_terms(passage)):
        position.setdefault(term, place)
    try:
        rank[members] = [position[block.terms[m]] for m in members.tolist()]
    except KeyError as exc:
        raise ValueError(f"passage {passage} no longer has the term {exc}") from None


def compact_block(
    block: PostingBlock, mask: BoolArray, passage_terms: PassageTerms
) -> PostingBlock:
    """The block without its deleted passages: live ones renumbered, terms in live order."""
    order, counts = live_order(block, mask, passage_terms)
    new_number = np.full(len(block.terms), -1, dtype=np.int64)
    new_number[order] = np.arange(len(order), dtype=np.int64)
    term_of = np.repeat(new_number, np.diff(block.offsets))
    kept = np.flatnonzero(mask[block.ids])
    # A stable sort by new term number keeps each term's passages ascending.
    by_term = kept[np.argsort(term_of[kept], kind="stable")]
    new_position = np.cumsum(mask, dtype=np.int64) - 1
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(counts[order], out=offsets[1:])
    return PostingBlock(
        terms=[block.terms[i] for i in order.tolist()],
        offsets=offsets,
        ids=new_position[block.ids[by_term]].astype(np.int32),
        tfs=block.tfs[by_term],
        doc_len=block.doc_len[mask],
    )


def segment_terms(segment: Segment, analyzer: Analyzer) -> PassageTerms:
    """The terms of a segment's passages, analysed again from its text."""

    def terms(local: int) -> list[str]:
        article = segment.article_of_passage(local)
        passage = segment.passage(local, article, str(segment.articles[article]["id"]))
        return reanalyze(analyzer, segment.article(article).text, passage)

    return terms


def compact_segment(segment: Segment, deleted: frozenset[int], analyzer: Analyzer) -> Segment:
    """The segment without the removed articles: their text, passages and postings gone."""
    live = np.ones(segment.article_count, dtype=np.bool_)
    live[list(deleted)] = False
    kept = np.flatnonzero(live).tolist()
    mask = np.repeat(live, np.diff(segment.passage_offsets))
    offsets = segment.text_offsets
    texts = [segment.text[int(offsets[n]) : int(offsets[n + 1])] for n in kept]
    surfaces: set[str] = set()
    for n in kept:
        surfaces |= analyzer.word_surfaces(WORD.findall(fold(segment.article(n).text)))
    return replace(
        segment,
        articles=[segment.articles[n] for n in kept],
        text=np.concatenate(texts) if texts else np.zeros(0, dtype=np.uint8),
        text_offsets=_offsets(np.diff(offsets)[live]),
        passage_offsets=_offsets(np.diff(segment.passage_offsets)[live]),
        starts=segment.starts[mask],
        ends=segment.ends[mask],
        speakers=segment.speakers[mask],
        headings=segment.headings[mask],
        attributions=segment.attributions[mask],
        keys=segment.keys[mask],
        surfaces=sorted(surfaces),
        postings=compact_block(segment.postings, mask, segment_terms(segment, analyzer)),
        _by_key=None,
    )


def _offsets(sizes: IntArray) -> IntArray:
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets
