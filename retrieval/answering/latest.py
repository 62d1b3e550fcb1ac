"""What's new: the passages of the newest articles that say what no earlier article said.

An article is new when it is published on or after ``since`` (by default the newest
date in the corpus, so the new articles are those after the previous article's date);
the others, undated ones included, are earlier. A new passage is left out when it is a
copy of an earlier passage (the copy detection answers use) or uses no word the earlier
articles don't; the rest are ranked by how much they add: the summed inverse document
frequency of their words that no earlier article uses. The excerpt is cut around them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from retrieval.answering.answer import Answer, Result
from retrieval.answering.excerpts import make_excerpt
from retrieval.answering.search import near_duplicate, passage_fingerprint, passage_sources
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.filtering import select
from retrieval.index.scoring import Mask
from retrieval.text.filters import Filters, since_date

__all__ = ["COPY_CANDIDATES", "Latest", "since_date", "whats_new"]

# How many earlier passages, sharing the most words with a new one, are checked for a copy.
COPY_CANDIDATES = 5


@dataclass(frozen=True)
class Latest:
    """The new articles' passages that add something, best first."""

    since: str | None
    new_articles: int
    answer: Answer


def whats_new(
    index: CorpusIndex,
    filters: Filters | None = None,
    top_k: int = 5,
    target_chars: int = 300,
    max_chars: int = 400,
) -> Latest:
    """The passages of the articles the filters match, published on or after their
    ``since``, that articles published before it lack.

    Without ``since``, it is the newest date among the articles the other filters match.
    The earlier articles are all those published before it, or undated, of any source.
    """
    filters = filters or Filters()
    dated = [index.source_at(n) for n in index.live_articles()]
    dates = sorted({s.published[:10] for s in dated if s.published and filters.matches(s)})
    start = filters.since or (dates[-1] if dates else None)
    query = f"What's new since {start}" if start else "What's new"
    if start is None:
        return Latest(None, 0, Answer(query, (), len(dated), index.passage_count))
    filters = replace(filters, since=start)
    chosen = select(index, filters)
    new = [index.source_at(n) for n in chosen.articles]
    earlier = np.array(
        [p for s in dated if _before(s.published, start) for p in index.passages_of(s.id)],
        dtype=np.int64,
    )
    new_passages = [p for s in new for p in index.passages_of(s.id)]
    earlier_mask = None
    if len(earlier):
        earlier_mask = np.zeros(len(index.passages), dtype=np.bool_)
        earlier_mask[earlier] = True
    ranked = _ranked(index, new_passages, earlier, earlier_mask)
    results: list[Result] = []
    kept: list[tuple[set[str], set[str]]] = []
    for weight, passage, weights in ranked:
        fingerprint = passage_fingerprint(index.passage_text(passage))
        if near_duplicate(fingerprint, kept) is not None:
            continue  # the same news in two new articles: shown once
        kept.append(fingerprint)
        piece = index.passages[passage]
        article = index.article(piece.article_id)
        # What's new is the passage's own words, not the older text around it.
        excerpt = make_excerpt(
            article.text, piece, weights, index.analyzer, target_chars, max_chars, spill=False
        )
        results.append(
            Result(
                excerpt.text,
                weight,
                passage_sources(index, passage, chosen),
                excerpt.highlights,
                piece.speaker,
            )
        )
        if len(results) == top_k:
            break
    answer = Answer(query, tuple(results), len(dated), index.passage_count)
    return Latest(start, len(new), answer)


def _before(published: str | None, start: str) -> bool:
    """Whether an article counts as earlier than ``start`` (an undated one does)."""
    return not published or published[:10] < start


def _ranked(
    index: CorpusIndex, passages: list[int], earlier: np.ndarray, earlier_mask: Mask | None
) -> list[tuple[float, int, dict[str, float]]]:
    """New passages with what they add (and its words' weights), most first."""
    scorer = index.scorer
    total = max(index.passage_count, 1)
    unseen: dict[str, bool] = {}
    ranked = []
    for passage in passages:
        terms = dict.fromkeys(t.term for t in index.analyzer.tokens(index.passage_text(passage)))
        weights = {}
        for term in terms:
            if term not in unseen:
                unseen[term] = not len(earlier) or not scorer.contains(term, earlier).any()
            if unseen[term]:
                weights[term] = math.log(1 + total / max(scorer.df(term), 1))
        if not weights or _copies_earlier(index, passage, list(terms), earlier_mask):
            continue
        ranked.append((math.fsum(weights.values()), passage, weights))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def _copies_earlier(
    index: CorpusIndex, passage: int, terms: list[str], earlier: Mask | None
) -> bool:
    """Whether an earlier passage says the same (a wire copy, the same long quote)."""
    if earlier is None:
        return False
    mine = passage_fingerprint(index.passage_text(passage))
    others = [
        passage_fingerprint(index.passage_text(scored.passage))
        for scored in index.scorer.top(terms, COPY_CANDIDATES, earlier)
    ]
    return near_duplicate(mine, others) is not None
