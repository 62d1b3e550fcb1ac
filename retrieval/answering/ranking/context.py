"""Context: a passage scored together with the paragraph it was cut from and its title.

A long paragraph is cut into passages of a few sentences, and the words of a
question are often spread over the whole paragraph, so the passage with the
answer may hold fewer of them than its neighbour. Each passage's BM25 score is
therefore interpolated, half and half, with its paragraph's (the paragraph
scored as one document, `index/grouped.py`); a passage that is a whole
paragraph keeps its own score.

An article's title names its subject, which its passages leave unsaid once it is
named ("the judge", "the stadium", "he"): a question's word that the title holds
counts in each passage of the article that lacks it (``with_title``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.grouped import group_scores
from retrieval.index.scoring import FloatArray, Mask, Scored
from retrieval.text.passages import Passage

# The passage's own share, fixed a priori: neither it nor its paragraph is
# trusted more than the other.
PASSAGE_SHARE = 0.5


def paragraph_of(
    index: CorpusIndex, passage: int, known: dict[int, Passage] | None = None
) -> list[int]:
    """The passages cut from the same paragraph as this one, in order, itself included.

    ``known`` keeps the passages read, for the next call (neighbours are often asked twice).
    """
    known = {} if known is None else known
    here = _passage(index, passage, known)
    text = index.article(here.article_id).text
    # Paragraphs are separated by blank lines, as text.passages reads them.
    lo = text.rfind("\n\n", 0, here.start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", here.end)
    hi = len(text) if hi < 0 else hi
    found = [passage]
    for step in (-1, 1):
        other, last = passage + step, here
        # Read neighbours only while the paragraph has text beyond the last one read.
        while (text[lo : last.start] if step < 0 else text[last.end : hi]).strip():
            if not _inside(index, other, here.article_id, (lo, hi), known):
                break
            found.append(other)
            last, other = known[other], other + step
    return sorted(found)


def _inside(
    index: CorpusIndex,
    passage: int,
    article_id: str,
    span: tuple[int, int],
    known: dict[int, Passage],
) -> bool:
    """Whether a passage lies in the given span of the given article."""
    if not 0 <= passage < len(index.passages):
        return False
    other = _passage(index, passage, known)
    return other.article_id == article_id and span[0] <= other.start and other.end <= span[1]


def _passage(index: CorpusIndex, passage: int, known: dict[int, Passage]) -> Passage:
    found = known.get(passage)
    if found is None:
        found = known[passage] = index.passages[passage]
    return found


def in_context(
    index: CorpusIndex,
    terms: Sequence[str],
    top: Sequence[Scored],
    names: Sequence[Sequence[str]] = (),
) -> list[float]:
    """Each passage's score interpolated with its paragraph's.

    Each of ``names`` (the terms of a name of several words) scores as one term, its
    best-scoring part's: "Nikola Tesla" is one person, whom an article calls "Tesla"
    after its first mention, so the passage with that first mention is not worth
    more for holding both words.
    """
    known: dict[int, Passage] = {}
    groups = [paragraph_of(index, t.passage, known) for t in top]
    names = [name for name in names if len(name) > 1 and all(t in terms for t in name)]
    if names:
        own, whole = _named_scores(index, terms, [[t.passage] for t in top], groups, names)
    else:
        own = np.array([t.score for t in top], dtype=np.float64)
        whole = group_scores(index.scorer, terms, groups)
    return [
        float(mine) if len(group) == 1 else PASSAGE_SHARE * mine + (1 - PASSAGE_SHARE) * para
        for mine, group, para in zip(own, groups, whole, strict=True)
    ]


def _named_scores(
    index: CorpusIndex,
    terms: Sequence[str],
    passages: Sequence[Sequence[int]],
    paragraphs: Sequence[Sequence[int]],
    names: Sequence[Sequence[str]],
) -> tuple[FloatArray, FloatArray]:
    """Passage and paragraph scores with each name's terms scored as their best part."""
    named = {t for name in names for t in name}
    rest = [t for t in terms if t not in named]
    scored = []
    for groups in (passages, paragraphs):
        total = group_scores(index.scorer, rest, groups)
        for name in names:
            parts = [group_scores(index.scorer, [t] * terms.count(t), groups) for t in name]
            total += np.max(parts, axis=0)
        scored.append(total)
    return scored[0], scored[1]


def with_title(
    index: CorpusIndex,
    weights: Mapping[str, float],
    top: Sequence[Scored],
    has: Mapping[str, Mask],
    scores: list[float],
) -> None:
    """Each passage's score raised by the question's words its article's title holds and it lacks.

    Such a word counts as it would once in a passage of average length: its idf
    (``weights``). ``has`` tells, for each term, which of the ``top`` passages hold it.
    """
    for n, scored in enumerate(top):
        terms = index.title_terms(scored.passage)
        scores[n] += sum(weights[t] for t in terms if t in weights and not has[t][n])
