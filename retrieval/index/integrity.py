"""A loaded segment checked in full: what its checksums can't tell, whether its parts make sense.

The checksums say the bytes are the ones written; these checks say that what
was written describes articles, passages and postings that fit together:
offsets that only grow, texts that decode, passage spans and attributions inside
their article's text, speakers and headings that name a stored string, and
postings that point at passages of the segment, in order, with counts that add
up to each passage's length. ``storybot check`` runs them; loading does not
(they read every byte of the segment).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from retrieval.index.postings import PostingBlock
from retrieval.index.segment import Segment

_NO = -1


def segment_problems(segment: Segment) -> list[str]:
    """What is wrong inside a segment, one line each (empty when nothing is)."""
    try:
        segment.check()
    except ValueError as exc:
        return [str(exc)]
    problems = list(_offsets(segment))
    if problems:
        return problems
    lengths = list(_text_lengths(segment, problems))
    if not problems:
        problems += _spans(segment, np.asarray(lengths, dtype=np.int64))
    problems += _strings(segment)
    problems += _postings(segment.postings)
    return problems


def _offsets(segment: Segment) -> Iterator[str]:
    for name in ("text_offsets", "passage_offsets"):
        offsets = getattr(segment, name)
        if int(offsets[0]) != 0 or bool(np.any(np.diff(offsets) < 0)):
            yield f"{name}: not increasing from 0"


def _text_lengths(segment: Segment, problems: list[str]) -> Iterator[int]:
    """Each article's text length in characters; a text that does not decode is a problem."""
    for number in range(segment.article_count):
        lo, hi = int(segment.text_offsets[number]), int(segment.text_offsets[number + 1])
        try:
            yield len(segment.text[lo:hi].tobytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"article {_article_id(segment, number)}: text is not UTF-8 ({exc})")
            yield 0


def _spans(segment: Segment, lengths: npt.NDArray[np.int64]) -> Iterator[str]:
    """Passage spans and attributions inside their article's text."""
    limit = np.repeat(lengths, np.diff(segment.passage_offsets))
    starts, ends = segment.starts.astype(np.int64), segment.ends.astype(np.int64)
    bad = (starts < 0) | (starts > ends) | (ends > limit)
    if bool(bad.any()):
        yield f"passages: {_count(bad)} spans outside their article's text"
    lo, hi = segment.attributions[:, 0].astype(np.int64), segment.attributions[:, 1]
    given = lo != _NO
    wrong = given & ((lo < 0) | (lo > hi) | (hi > limit))
    if bool(wrong.any()):
        yield f"passages: {_count(wrong)} attributions outside their article's text"


def _strings(segment: Segment) -> Iterator[str]:
    for name in ("speakers", "headings"):
        ids = getattr(segment, name)
        bad = (ids < _NO) | (ids >= len(segment.strings))
        if bool(bad.any()):
            yield f"passages: {_count(bad)} {name} that name no stored string"


def _postings(block: PostingBlock) -> Iterator[str]:
    if len(set(block.terms)) != len(block.terms):
        yield "postings: a term is listed twice"
    ids = block.ids.astype(np.int64)
    outside = (ids < 0) | (ids >= block.size)
    if bool(outside.any()):
        yield f"postings: {_count(outside)} passage numbers out of range"
        return
    # Within a term, passages ascend; a drop is allowed only where the next term begins.
    drops = np.flatnonzero(np.diff(ids) <= 0) + 1
    if bool((~np.isin(drops, block.offsets)).any()):
        yield "postings: passages out of order within a term"
    if len(block.tfs) and int(block.tfs.min()) < 1:
        yield "postings: counts below 1"
    sums = np.bincount(ids, weights=block.tfs.astype(np.float64), minlength=block.size)
    if not np.array_equal(sums.astype(np.int64), block.doc_len.astype(np.int64)):
        yield "postings: term counts do not add up to the passages' lengths"


def _article_id(segment: Segment, number: int) -> str:
    return str(segment.articles[number].get("id"))


def _count(mask: npt.NDArray[np.bool_]) -> str:
    return f"{int(mask.sum()):,} of {mask.size:,}"
