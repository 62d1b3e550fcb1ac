"""Postings: a run of passages' terms as compressed-sparse-row arrays, by term.

A block lists its terms in the order they first appear (the order rank-bm25
meets them in), and for each term the passages that contain it (positions
local to the block, ascending) and how often. Blocks are built in memory from
term lists or mapped from a saved segment; neither needs a Python object per
posting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
CountArray = npt.NDArray[np.integer]


@dataclass(frozen=True)
class PostingBlock:
    """The postings of consecutive passages: term ``i``'s are ``offsets[i]:offsets[i + 1]``."""

    terms: list[str]
    offsets: IntArray
    ids: Int32Array
    tfs: CountArray
    doc_len: Int32Array

    @property
    def size(self) -> int:
        return len(self.doc_len)

    def df(self) -> IntArray:
        """How many of the block's passages contain each term, in term order."""
        return np.diff(self.offsets)

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> PostingBlock:
        """Index passages given as their terms, in order."""
        vocabulary: dict[str, int] = {}
        number = vocabulary.setdefault
        flat: list[int] = []
        lengths: list[int] = []
        for terms in documents:
            lengths.append(len(terms))
            # A new term takes the next number: numbers follow first appearance.
            flat.extend([number(term, len(vocabulary)) for term in terms])
        doc_len = np.asarray(lengths, dtype=np.int32)
        term_ids = np.asarray(flat, dtype=np.int64)
        docs = np.repeat(np.arange(len(lengths), dtype=np.int64), doc_len)
        # One sort of (term, passage) pairs gives every posting list and its counts.
        width = max(len(lengths), 1)
        pairs, counts = np.unique(term_ids * width + docs, return_counts=True)
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs // width, minlength=len(vocabulary)), out=offsets[1:])
        small = counts.size == 0 or int(counts.max()) <= np.iinfo(np.uint16).max
        return cls(
            terms=list(vocabulary),
            offsets=offsets,
            ids=(pairs % width).astype(np.int32),
            tfs=counts.astype(np.uint16 if small else np.int32),
            doc_len=doc_len,
        )

    @classmethod
    def merge(cls, blocks: Sequence[PostingBlock]) -> PostingBlock:
        """One block for consecutive blocks: the same postings, renumbered."""
        vocabulary: dict[str, int] = {}
        for block in blocks:
            for term in block.terms:
                vocabulary.setdefault(term, len(vocabulary))
        terms, ids, tfs = [], [], []
        base = 0
        for block in blocks:
            numbers = np.fromiter(
                (vocabulary[t] for t in block.terms), dtype=np.int64, count=len(block.terms)
            )
            terms.append(np.repeat(numbers, np.diff(block.offsets)))
            ids.append(block.ids.astype(np.int64) + base)
            tfs.append(block.tfs.astype(np.int32))
            base += block.size
        term_of = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64)
        # Each block is sorted by (term, passage) and later blocks hold later passages,
        # so a stable sort by term keeps passages ascending within each term.
        order = np.argsort(term_of, kind="stable")
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=len(vocabulary)), out=offsets[1:])
        counts = np.concatenate(tfs)[order] if tfs else np.zeros(0, dtype=np.int32)
        small = counts.size == 0 or int(counts.max()) <= np.iinfo(np.uint16).max
        lengths = [block.doc_len for block in blocks]
        return cls(
            terms=list(vocabulary),
            offsets=offsets,
            ids=np.concatenate(ids)[order].astype(np.int32) if ids else np.zeros(0, np.int32),
            tfs=counts.astype(np.uint16 if small else np.int32),
            doc_len=np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32),
        )

    def check(self) -> None:
        """Raise ValueError when the arrays do not describe postings (a damaged file)."""
        if len(self.offsets) != len(self.terms) + 1 or self.offsets[0] != 0:
            raise ValueError("postings: offsets do not match the terms")
        if self.offsets[-1] != len(self.ids) or len(self.ids) != len(self.tfs):
            raise ValueError("postings: offsets do not match the postings")
        if len(self.offsets) > 1 and bool(np.any(np.diff(self.offsets) < 0)):
            raise ValueError("postings: offsets go backwards")
