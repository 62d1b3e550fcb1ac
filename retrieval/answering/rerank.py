"""Re-ranking: BM25's best passages adjusted by what a bag of words misses.

Two signals, both generic: a name or title that the question capitalises and
the passage capitalises too ("the Premier" is the office, not "premier" the
adjective); and how much of the question's weight the passage matches at all,
since BM25 lets one rare name outscore a passage that answers the question.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import fsum

from retrieval.text.analysis import WORD, Analyzer, fold

CASE_WEIGHT = 1.0
COVERAGE_WEIGHT = 2.0


def case_bonus(
    analyzer: Analyzer, text: str, proper: frozenset[str], weights: Mapping[str, float]
) -> float:
    """The weights of the question's capitalised terms that the passage also capitalises."""
    if not proper:
        return 0.0
    capitalised = (w for w in WORD.findall(fold(text)) if w[0].isupper())
    found = proper.intersection(analyzer.word_terms(capitalised))
    return CASE_WEIGHT * fsum(weights.get(term, 0.0) for term in found)


def with_coverage(score: float, coverage: float) -> float:
    """A score raised by the share of the question's weight the passage matches."""
    return score * (1 + COVERAGE_WEIGHT * coverage)
