"""Re-ranking: BM25's best passages reordered by how closely they hold the question's words.

BM25 sees a passage as a bag of words. Questions name things in phrases
("stay on as mayor", "Project Traveller"), so a passage where neighbouring
question terms stand near each other gets a bonus, weighted by how specific
the pair is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

WINDOW = 3
PROXIMITY_WEIGHT = 0.5


def proximity_bonus(
    passage_terms: Sequence[str], query_terms: Sequence[str], weights: Mapping[str, float]
) -> float:
    """Sum over adjacent question-term pairs found within WINDOW terms of each other."""
    positions: dict[str, list[int]] = {}
    wanted = set(query_terms)
    for at, term in enumerate(passage_terms):
        if term in wanted:
            positions.setdefault(term, []).append(at)
    bonus = 0.0
    pairs = {(a, b) for a, b in zip(query_terms, query_terms[1:]) if a != b}
    for first, second in pairs:
        left, right = positions.get(first), positions.get(second)
        if not left or not right:
            continue
        if min(abs(i - j) for i in left for j in right) <= WINDOW:
            bonus += min(weights.get(first, 0.0), weights.get(second, 0.0))
    return PROXIMITY_WEIGHT * bonus
