"""Re-ranking: BM25's best passages adjusted by what a bag of words misses.

Four signals, all generic: a name or title that the question capitalises and
the passage capitalises too ("the Premier" is the office, not "premier" the
adjective); how much of the question's weight the passage matches at all,
since BM25 lets one rare name outscore a passage that answers the question;
whether it holds an answer of the type the question asks for (a date for
"when", a name for "who"), near the question's words, since a passage that
only repeats the question does not answer it; and the question's neighbouring
words kept side by side, a phrase a bag of words can't tell from scattered words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from math import fsum

from retrieval.text.analysis import WORD, Analyzer, fold
from retrieval.text.answer_types import Asked, asked_candidates, holding_candidates, span_terms
from retrieval.text.sentences import sentence_spans

CASE_WEIGHT = 1.0
COVERAGE_WEIGHT = 2.0
# What a passage holding every pair of the question's neighbouring words side by side
# adds to its score, as a share: a phrase kept whole, as a bag of words can't tell.
# Measured at 0.25, 0.5 and 1 (SQuAD dev hit@1 0.781, 0.783, 0.783; at 2 lower on a
# quarter of it; the other sets alike but for one question): the middle of the plateau.
PHRASE_WEIGHT = 0.5


def case_bonus(
    analyzer: Analyzer, text: str, proper: frozenset[str], weights: Mapping[str, float]
) -> float:
    """The weights of the question's capitalised terms that the passage also capitalises."""
    if not proper:
        return 0.0
    capitalised = (w for w in WORD.findall(fold(text)) if w[0].isupper())
    found = proper.intersection(analyzer.word_terms(capitalised))
    return CASE_WEIGHT * fsum(weights.get(term, 0.0) for term in found)


def phrase_share(
    analyzer: Analyzer,
    pieces: Iterable[str],
    pairs: Sequence[tuple[str, str]],
    weights: Mapping[str, float],
) -> float:
    """The weighted share of the question's pairs of neighbouring terms (``Query.pairs``)
    that some piece of text (a passage, or its sentences that could answer) has side by side.
    """
    together: set[tuple[str, str]] = set()
    for piece in pieces:
        together.update(pairwise(analyzer.word_terms(WORD.findall(fold(piece)))))
    total = fsum(weights[a] + weights[b] for a, b in pairs)
    found = fsum(weights[a] + weights[b] for a, b in pairs if (a, b) in together)
    return found / total if total else 0.0


def with_coverage(score: float, coverage: float) -> float:
    """A score raised by the share of the question's weight the passage matches."""
    return score * (1 + COVERAGE_WEIGHT * coverage)


def answer_sentences(
    analyzer: Analyzer, text: str, asked: Asked, weights: Mapping[str, float]
) -> list[tuple[int, int]]:
    """The spans of the sentences holding a candidate answer of the asked type.

    Only a candidate that is not the question's own words counts.
    """
    candidates = asked_candidates(text, asked, analyzer, weights)
    if not candidates:
        return []
    spans = sentence_spans(text)
    holding = holding_candidates(spans, candidates)
    return [span for span, holds in zip(spans, holding, strict=True) if holds]


def answer_share(
    analyzer: Analyzer,
    text: str,
    sentences: Sequence[tuple[int, int]],
    weights: Mapping[str, float],
) -> float:
    """How much of the question the best of the ``answer_sentences`` covers (0-1).

    A candidate counts only as much as its sentence is about the question: a name
    in a sentence that shares nothing with the question answers nothing.
    """
    total = fsum(weights.values())
    if not total or not sentences:
        return 0.0
    folded = fold(text)
    best = 0.0
    for start, end in sentences:
        found = set(span_terms(analyzer, folded, start, end)).intersection(weights)
        best = max(best, fsum(weights[t] for t in found))
        if len(found) == len(weights):
            break  # No sentence can cover more than the whole question.
    return best / total


def answer_coverage(
    analyzer: Analyzer,
    text: str,
    sentences: Sequence[tuple[int, int]],
    weights: Mapping[str, float],
    covered: float,
) -> float:
    """The share of the question a passage matches, the answer it asks for counted as a term.

    The answer weighs what an average term of the question weighs, and is
    matched as much as the sentence holding a candidate answer is about the
    question (``answer_share``): a passage that only repeats the question's
    words covers less of it than one that also holds what it asks for.
    """
    total = fsum(weights.values())
    if not total:
        return 0.0
    slot = total / len(weights)
    return (covered + slot * answer_share(analyzer, text, sentences, weights)) / (total + slot)
