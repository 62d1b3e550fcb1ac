"""The ranker: each candidate passage scored with its context and the re-ranking signals.

Each passage's BM25 score is taken with its paragraph's and its title's (``context``),
raised by the names the question capitalises and the passage does too, by how much of
the question it covers (an answer of the asked type counting as one of its words; of a
long question, as much as its weightiest terms weigh counts as all), and by the
question's phrases it keeps whole (``rerank``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.answering.query import Query, judged_share
from retrieval.answering.ranking.context import in_context, with_title
from retrieval.answering.ranking.rerank import (
    PHRASE_WEIGHT,
    answer_coverage,
    answer_sentences,
    case_bonus,
    phrase_share,
    with_coverage,
)
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.grouped import group_scores
from retrieval.index.scoring import FloatArray, Mask, Scored
from retrieval.text.answer_types import Asked, asked


@dataclass(frozen=True)
class Candidate:
    """A passage's position, its score for the question, and the share of it it covers."""

    passage: int
    score: float
    coverage: float


def rank(
    index: CorpusIndex, query: Query, pool: int, allowed: Mask | None = None
) -> list[Candidate]:
    """The best-scoring passages with how much of the question each covers.

    ``allowed`` keeps only the passages it marks, before the best are chosen.
    """
    scorer = index.scorer
    top = scorer.top(query.terms, pool, allowed)
    if not top:
        return []
    docs = np.array([t.passage for t in top], dtype=np.int64)
    total = sum(query.weights.values())
    covered = np.zeros(len(docs), dtype=np.float64)
    has: dict[str, npt.NDArray[np.bool_]] = {}
    for term, weight in query.weights.items():
        has[term] = scorer.contains(term, docs)
        covered += weight * has[term]
    scores = in_context(index, query.terms, top, query.names)
    asks = asked(query.text)
    # Only a passage with both words of some pair can hold it side by side.
    paired = np.zeros(len(docs), dtype=bool)
    for a, b in query.pairs:
        paired |= has[a] & has[b]
    texts = [
        index.passage_text(t.passage) if query.proper or asks or pair else ""
        for t, pair in zip(top, paired, strict=True)
    ]
    if asks is not None and asks.phrase:
        _unask(index, query, asks.phrase, top, texts, scores, covered)
    with_title(index, query.weights, top, has, scores)
    ranked = _names_once(query, has, covered)
    frame = index.analyzer.term(asks.frame) if asks is not None and asks.frame else None
    framed = has[frame] if frame in has else np.ones(len(docs), dtype=bool)
    judged = judged_share(query.weights)
    role = index.analyzer.term(asks.noun) if asks is not None and asks.noun else None
    holds_role = has[role] if role in has else np.zeros(len(docs), dtype=bool)
    candidates = []
    for scored, own, cover, full, text, pair, named, titled in zip(
        top, scores, ranked, covered, texts, paired, framed, holds_role, strict=True
    ):
        frame_found = None if named else frame
        role_held = role if titled else None
        score = _score(
            index, query, asks, own, float(cover), text, bool(pair), frame_found, judged, role_held
        )
        candidates.append(Candidate(scored.passage, score, float(full / total) if total else 0.0))
    candidates.sort(key=lambda c: (-c.score, c.passage))
    return candidates


def _score(
    index: CorpusIndex,
    query: Query,
    asks: Asked | None,
    own: float,
    cover: float,
    text: str,
    pair: bool,
    frame: str | None,
    judged: float = 1.0,
    role: str | None = None,
) -> float:
    """A passage's score for ranking: its BM25 score in context (``own``) raised by the
    names, the coverage (``cover`` of the question's weight) and the phrases it holds.

    ``frame``, the word naming the type asked for ("year"), if the passage lacks it;
    ``role``, the title whose holder is asked for ("lawyer"), if the passage holds it.
    The coverage is of the weight the question is judged on (``judged``, its share of the
    whole: ``judged_share``), as whether to answer is.
    """
    analyzer, weights = index.analyzer, query.weights
    score = own + case_bonus(analyzer, text, query.proper, weights)
    pieces = [text]
    if asks is None:
        total = sum(weights.values())
        score = with_coverage(score, min(1.0, cover / total / judged) if total else 0.0)
    else:
        sentences = answer_sentences(analyzer, text, asks, weights)
        if sentences and frame is not None:
            # An answer of the type covers the word that names the type ("year").
            cover += weights[frame]
        if not sentences and role is not None:
            # A role with no name beside it ("the lawyer for the parents said") is the
            # question's own words, not the holder it asks for.
            cover -= weights[role]
        covered = answer_coverage(analyzer, text, sentences, weights, cover)
        score = with_coverage(score, min(1.0, covered / judged))
        # Asked for a type of answer, the question's phrase counts where one could be.
        pieces = [text[start:end] for start, end in sentences]
    if pair:
        score *= 1 + PHRASE_WEIGHT * phrase_share(analyzer, pieces, query.pairs, weights)
    return score


def _names_once(
    query: Query, has: dict[str, npt.NDArray[np.bool_]], covered: FloatArray
) -> FloatArray:
    """What each passage covers with a name of several words counted once, as its
    weightiest part found: for ranking, not for deciding whether to answer."""
    ranked: FloatArray = covered.copy()
    for name in query.names:
        if all(t in has for t in name):
            parts = np.array([query.weights[t] * has[t] for t in name], dtype=np.float64)
            ranked -= parts.sum(axis=0) - parts.max(axis=0)
    return ranked


def _unask(
    index: CorpusIndex,
    query: Query,
    phrase: str,
    top: Sequence[Scored],
    texts: Sequence[str],
    scores: list[float],
    covered: FloatArray,
) -> None:
    """Scores and coverage of the passages that ask the question's own ``phrase``, without it.

    "Decide how much he must pay" matches the "much" of "how much did he pay?" but asks
    the same thing; in such a passage the phrase's words are the question's frame, not
    its content, and count for nothing.
    """
    frame = set(index.analyzer.word_terms(phrase.split())) & set(query.weights)
    if not frame:
        return
    found = re.compile(rf"\b{re.escape(phrase)}\b", re.IGNORECASE)
    asking = [n for n, text in enumerate(texts) if found.search(text)]
    if not asking:
        return
    rest = tuple(t for t in query.terms if t not in frame)
    own = group_scores(index.scorer, rest, [[top[n].passage] for n in asking])
    again = [Scored(top[n].passage, float(s)) for n, s in zip(asking, own, strict=True)]
    rescored = in_context(index, rest, again, query.names)
    docs = np.array([top[n].passage for n in asking], dtype=np.int64)
    for n, score in zip(asking, rescored, strict=True):
        scores[n] = score
    for term in frame:
        covered[asking] -= query.weights[term] * index.scorer.contains(term, docs)
