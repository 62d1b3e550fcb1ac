"""What's new: the passages of the newest articles that say what no earlier article said.

An article is new when it is published on or after ``since`` (by default the newest
date in the corpus, so the new articles are those after the previous article's date);
the others, undated ones included, are earlier. A new passage is left out when it is a
copy of an earlier passage (the copy detection answers use) or uses no word the earlier
articles don't; the rest are ranked by how much they add: the summed inverse document
frequency of their words that no earlier article uses. The excerpt is cut around them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np

from retrieval.answering.answer import Answer, Result
from retrieval.answering.excerpts import make_excerpt
from retrieval.answering.search import near_duplicate, passage_fingerprint, passage_sources
from retrieval.errors import StorybotError
from retrieval.index.corpus_index import CorpusIndex

# How many earlier passages, sharing the most words with a new one, are checked for a copy.
COPY_CANDIDATES = 5


_DURATION = re.compile(r"^(\d{1,4})\s*([dwh])$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def since_date(value: str, today: dt.date | None = None) -> str:
    """A date (YYYY-MM-DD) or a duration back from today ("3d", "2w", "36h") as a date."""
    text = value.strip().lower()
    duration = _DURATION.match(text)
    if duration:
        now = dt.datetime.combine(today or dt.date.today(), dt.time())
        return (now - int(duration[1]) * _UNITS[duration[2]]).date().isoformat()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise StorybotError(
            f"since {value!r}: give a date as YYYY-MM-DD or a duration such as 3d, 2w or 36h"
        ) from None


@dataclass(frozen=True)
class Latest:
    """The new articles' passages that add something, best first."""

    since: str | None
    new_articles: int
    answer: Answer


def whats_new(
    index: CorpusIndex,
    since: str | None = None,
    top_k: int = 5,
    target_chars: int = 300,
    max_chars: int = 400,
) -> Latest:
    """The passages of articles published on or after ``since`` that earlier ones lack."""
    dated = [(n, index.source_at(n)) for n in range(len(index.articles))]
    dates = sorted({s.published[:10] for _, s in dated if s.published})
    start = since or (dates[-1] if dates else None)
    query = f"What's new since {start}" if start else "What's new"
    if start is None:
        return Latest(None, 0, Answer(query, (), len(dated), index.passage_count))
    new = [s for _, s in dated if s.published and s.published[:10] >= start]
    new_ids = {s.id for s in new}
    earlier = np.array(
        [p for _, s in dated if s.id not in new_ids for p in index.passages_of(s.id)],
        dtype=np.int64,
    )
    new_passages = [p for s in new for p in index.passages_of(s.id)]
    ranked = _ranked(index, new_passages, earlier, set(earlier.tolist()))
    results: list[Result] = []
    kept: list[tuple[set[str], set[str]]] = []
    for weight, passage, weights in ranked:
        fingerprint = passage_fingerprint(index.passage_text(passage))
        if near_duplicate(fingerprint, kept) is not None:
            continue  # the same news in two new articles: shown once
        kept.append(fingerprint)
        piece = index.passages[passage]
        article = index.article(piece.article_id)
        excerpt = make_excerpt(
            article.text, piece, weights, index.analyzer, target_chars, max_chars
        )
        results.append(
            Result(
                excerpt.text,
                weight,
                passage_sources(index, passage),
                excerpt.highlights,
                piece.speaker,
            )
        )
        if len(results) == top_k:
            break
    answer = Answer(query, tuple(results), len(dated), index.passage_count)
    return Latest(start, len(new), answer)


def _ranked(
    index: CorpusIndex, passages: list[int], earlier: np.ndarray, earlier_set: set[int]
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
        if not weights or _copies_earlier(index, passage, list(terms), earlier_set):
            continue
        ranked.append((math.fsum(weights.values()), passage, weights))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def _copies_earlier(index: CorpusIndex, passage: int, terms: list[str], earlier: set[int]) -> bool:
    """Whether an earlier passage says the same (a wire copy, the same long quote)."""
    if not earlier:
        return False
    mine = passage_fingerprint(index.passage_text(passage))
    others = []
    for scored in index.scorer.top(terms, COPY_CANDIDATES * 8):
        if scored.passage in earlier:
            others.append(passage_fingerprint(index.passage_text(scored.passage)))
        if len(others) == COPY_CANDIDATES:
            break
    return near_duplicate(mine, others) is not None
