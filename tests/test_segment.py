"""Segments: built from analysed articles, merged without changing a passage or a score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.scoring import BM25Params
from retrieval.index.segment import MERGE_FACTOR, Segment, analyze, merge_start
from retrieval.storage.corpus import iter_corpus
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article


@pytest.mark.parametrize(
    ("sizes", "start"),
    [
        ([], None),
        ([500], None),
        ([5000] + [40] * (MERGE_FACTOR - 1), None),
        ([5000] + [40] * MERGE_FACTOR, 1),
        # A big first segment is not rewritten because small ones pile up after it.
        ([900_000] + [36_000] * (MERGE_FACTOR - 1), None),
        ([900_000] + [36_000] * (MERGE_FACTOR - 1) + [3], None),
        ([900_000] + [36_000] * MERGE_FACTOR, 1),
        # Smaller segments after the run of one size class are merged with it.
        ([7000] + [400] * MERGE_FACTOR + [5, 3], 1),
        # Sizes that alternate between two classes still get merged.
        ([9, 11] * MERGE_FACTOR, 0),
        ([9, 11] * (MERGE_FACTOR - 1) + [9], None),
    ],
)
def test_merge_policy(sizes: list[int], start: int | None) -> None:
    assert merge_start(sizes) == start


def test_segments_stay_few_under_many_small_adds() -> None:
    sizes: list[int] = [50_000]
    for _ in range(2000):
        sizes.append(3)
        while (start := merge_start(sizes)) is not None:
            sizes[start:] = [sum(sizes[start:])]
    assert sum(sizes) == 50_000 + 6000 and len(sizes) < 4 * MERGE_FACTOR


def _articles(seed_corpus: Path) -> list[Article]:
    seeds = [a for _, a in iter_corpus(seed_corpus) if isinstance(a, Article)]
    extra = [
        Article(id=f"x{n}", text=f"Extra story {n} about the harbour.\n\n“It floods,” Kim said.")
        for n in range(4)
    ]
    return seeds + extra


def test_a_merged_segment_equals_one_built_at_once(seed_corpus: Path) -> None:
    analyzer = Analyzer()
    analyzed = [analyze(a, analyzer, f"{a.id}.md") for a in _articles(seed_corpus)]
    whole = Segment.build(analyzed)
    parts = [Segment.build(analyzed[:2]), Segment.build(analyzed[2:3]), Segment.build(analyzed[3:])]
    merged = Segment.merge(parts)
    merged.check()
    assert merged.articles == whole.articles
    for name in ("text", "text_offsets", "passage_offsets", "starts", "ends", "keys"):
        assert np.array_equal(getattr(merged, name), getattr(whole, name)), name
    assert merged.surfaces == whole.surfaces
    for number in range(whole.article_count):
        assert merged.article(number) == whole.article(number)
    for position in range(whole.passage_count):
        article = whole.article_of_passage(position)
        assert merged.article_of_passage(position) == article
        article_id = str(whole.articles[article]["id"])
        assert merged.passage(position, article, article_id) == whole.passage(
            position, article, article_id
        )
    a, b = merged.postings, whole.postings
    assert a.terms == b.terms
    for name in ("offsets", "ids", "tfs", "doc_len"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_an_index_with_merged_segments_scores_the_same(seed_corpus: Path) -> None:
    analyzer, params = Analyzer(), BM25Params()
    articles = _articles(seed_corpus)
    one = CorpusIndex.build([(None, a) for a in articles], analyzer, params)
    several = CorpusIndex(analyzer, params)
    for article in articles:
        several.extend([(None, article)])
    assert len(several.segments) == len(articles)
    several.replace_from(2, Segment.merge(several.segments[2:]))
    assert len(several.segments) == 3
    for query in (["harbour"], ["ford", "crack"], ["kim", "flood"]):
        np.testing.assert_array_equal(
            several.scorer.all_scores(query), one.scorer.all_scores(query)
        )
    assert [a.id for a in several.articles] == [a.id for a in one.articles]
    assert several.same_passages(len(several.passages) - 1) == one.same_passages(
        len(one.passages) - 1
    )
