"""Context: a passage scored together with the paragraph it was cut from.

A long paragraph is cut into passages of a few sentences, and the words of a
question are often spread over the whole paragraph, so the passage with the
answer may hold fewer of them than its neighbour. Each passage's BM25 score is
therefore interpolated, half and half, with its paragraph's (the paragraph
scored as one document, `index/grouped.py`); a passage that is a whole
paragraph keeps its own score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.grouped import group_scores
from retrieval.index.scoring import Scored

# The passage's own share, fixed a priori: neither it nor its paragraph is
# trusted more than the other.
PASSAGE_SHARE = 0.5
_BLANK_LINE = re.compile(r"\n\s*\n")


def paragraph_of(index: CorpusIndex, passage: int) -> list[int]:
    """The passages cut from the same paragraph as this one, in order, itself included."""
    found = [passage]
    for step in (-1, 1):
        current = passage
        while _same_paragraph(index, current, current + step):
            current += step
            found.append(current)
    return sorted(found)


def _same_paragraph(index: CorpusIndex, passage: int, neighbour: int) -> bool:
    """Whether two adjacent passages were cut from one paragraph (no blank line between)."""
    if not 0 <= neighbour < len(index.passages):
        return False
    one, other = index.passages[passage], index.passages[neighbour]
    if one.article_id != other.article_id:
        return False
    first, second = (one, other) if one.start < other.start else (other, one)
    gap = index.article(one.article_id).text[first.end : second.start]
    return _BLANK_LINE.search(gap) is None


def in_context(index: CorpusIndex, terms: Sequence[str], top: Sequence[Scored]) -> list[float]:
    """Each passage's score interpolated with its paragraph's."""
    groups = [paragraph_of(index, t.passage) for t in top]
    whole = group_scores(index.scorer, terms, groups)
    return [
        t.score if len(group) == 1 else PASSAGE_SHARE * t.score + (1 - PASSAGE_SHARE) * float(para)
        for t, group, para in zip(top, groups, whole, strict=True)
    ]
