"""Scores are rank-bm25's own: same tokens in, same floats and order out."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import rank_bm25

from retrieval.index.scoring import BM25Params, BM25Scorer

REFERENCE = {"okapi": rank_bm25.BM25Okapi, "plus": rank_bm25.BM25Plus, "l": rank_bm25.BM25L}


def reference(model: str, corpus: list[list[str]], **params: float) -> rank_bm25.BM25:
    return REFERENCE[model](corpus, **params)


def ours(
    model: str, corpus: list[list[str]], cuts: tuple[int, ...] = (), **params: float
) -> BM25Scorer:
    """Our scorer over the corpus, added in blocks split at ``cuts`` (as in-place adds do)."""
    scorer = BM25Scorer(BM25Params(model=model, **params))
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(corpus)), len(corpus)]
    for start, end in itertools.pairwise(bounds):
        scorer.add(corpus[start:end])
    return scorer


def random_corpus(rng: random.Random, docs: int, vocabulary: int) -> list[list[str]]:
    words = [f"w{i}" for i in range(vocabulary)]
    # Zipf-like draws so that some terms are in most documents and some in one.
    weights = [1 / (rank + 1) for rank in range(vocabulary)]
    return [rng.choices(words, weights, k=rng.randint(1, 30)) for _ in range(docs)]


@pytest.mark.parametrize("model", ["okapi", "plus", "l"])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("blocks", [1, 3])
def test_random_corpora_match_rank_bm25(model: str, seed: int, blocks: int) -> None:
    rng = random.Random(seed)
    corpus = random_corpus(rng, docs=rng.randint(1, 120), vocabulary=rng.randint(2, 60))
    params = {"k1": rng.choice([0.5, 1.2, 1.5, 2.0]), "b": rng.choice([0.0, 0.5, 0.75, 1.0])}
    expected_model = reference(model, corpus, **params)
    cuts = tuple(rng.randint(1, max(len(corpus) - 1, 1)) for _ in range(blocks - 1))
    scorer = ours(model, corpus, cuts, **params)
    for _ in range(10):
        query = rng.choices([f"w{i}" for i in range(70)], k=rng.randint(1, 6))
        expected = expected_model.get_scores(query)
        np.testing.assert_array_equal(scorer.all_scores(query), expected)
        top = scorer.top(query, 5)
        matching = scorer.matching(query)
        ranked = sorted(matching, key=lambda d: (-expected[d], d))[:5]
        assert [t.passage for t in top] == ranked
        assert [t.score for t in top] == [float(expected[d]) for d in ranked]


EDGE_CASES = {
    # "a" is in exactly half the documents: Okapi's idf for it is exactly 0.
    "term in half the passages": ([["a", "b"], ["a", "c"], ["d"], ["e"]], ["a"]),
    # "a" is in every document: Okapi floors its negative idf at epsilon * average idf.
    "term in every passage": ([["a", "b"], ["a", "c"], ["a"]], ["a", "b"]),
    "one passage": ([["only", "one", "passage"]], ["one"]),
    "empty query": ([["a"], ["b"]], []),
    "unknown term": ([["a"], ["b"]], ["zzz"]),
    "repeated query term": ([["a", "a", "b"], ["b", "c"], ["c"]], ["a", "a", "c"]),
    "empty passage": ([[], ["a"], ["a", "b"]], ["a"]),
}


@pytest.mark.parametrize("model", ["okapi", "plus", "l"])
@pytest.mark.parametrize("case", sorted(EDGE_CASES))
@pytest.mark.parametrize("cuts", [(), (1,), (1, 2)])
def test_edge_cases_match_rank_bm25(model: str, case: str, cuts: tuple[int, ...]) -> None:
    corpus, query = EDGE_CASES[case]
    expected = reference(model, corpus).get_scores(query)
    np.testing.assert_array_equal(ours(model, corpus, cuts).all_scores(query), expected)


@pytest.mark.parametrize("model", ["okapi", "plus", "l"])
@pytest.mark.parametrize(
    "params",
    [{"k1": 0.0, "b": 0.75}, {"k1": 1.2, "b": 1.0}, {"k1": 0.0, "b": 1.0}, {"k1": 1.5, "b": 0.0}],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_degenerate_settings_match_rank_bm25_even_when_it_divides_by_zero(
    model: str, params: dict[str, float]
) -> None:
    # An empty passage with b = 1, or k1 = 0, makes rank-bm25 compute 0 / 0 (nan):
    # those settings take the path that scores every passage the way it does.
    corpus = [["a", "b"], [], ["b", "c", "c"], ["a"]]
    for query in (["a"], ["c", "b"], ["zzz", "a"]):
        expected = reference(model, corpus, **params).get_scores(query)
        with np.errstate(divide="ignore", invalid="ignore"):
            got = ours(model, corpus, (2,), **params).all_scores(query)
        np.testing.assert_array_equal(got, expected)


def duplicated_corpus(rng: random.Random, docs: int) -> list[list[str]]:
    """Passages drawn from a few short texts, so that many scores tie."""
    texts = random_corpus(rng, docs=6, vocabulary=12)
    return [list(rng.choice(texts)) for _ in range(docs)]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 3, 10, 500])
@pytest.mark.parametrize("masked", [False, True])
def test_top_is_the_k_best_by_rank_bm25_ties_to_the_lowest_position(
    seed: int, k: int, masked: bool
) -> None:
    # Okapi's top sums postings into a score per passage and keeps only those at or
    # above the k-th best of one term's passages: it must still be exactly the k best.
    rng = random.Random(seed)
    corpus = duplicated_corpus(rng, docs=rng.randint(20, 200))
    params = {"k1": rng.choice([0.9, 1.5]), "b": rng.choice([0.0, 0.5, 0.75])}
    expected_model = reference("okapi", corpus, **params)
    scorer = ours("okapi", corpus, (len(corpus) // 2,), **params)
    allowed = np.array([rng.random() < 0.5 for _ in corpus]) if masked else None
    for _ in range(10):
        query = rng.choices([f"w{i}" for i in range(14)], k=rng.randint(1, 5))
        expected = expected_model.get_scores(query)
        matching = [int(d) for d in scorer.matching(query) if allowed is None or allowed[d]]
        ranked = sorted(matching, key=lambda d: (-expected[d], d))[:k]
        top = scorer.top(query, k, allowed)
        assert [t.passage for t in top] == ranked
        assert [t.score for t in top] == [float(expected[d]) for d in ranked]


def test_top_never_returns_passages_without_a_query_term() -> None:
    # BM25Plus gives every passage idf * delta for each known query term.
    corpus = [["a", "b"], ["c"], ["d"], ["a"]]
    scorer = ours("plus", corpus)
    assert {t.passage for t in scorer.top(["a"], 10)} == {0, 3}
    assert scorer.all_scores(["a"])[1] > 0


def test_adding_in_steps_equals_adding_at_once() -> None:
    rng = random.Random(7)
    corpus = random_corpus(rng, 50, 30)
    once = ours("okapi", corpus)
    steps = BM25Scorer(BM25Params())
    for start in range(0, 50, 7):
        steps.add(corpus[start : start + 7])
    np.testing.assert_array_equal(steps.all_scores(["w1", "w5"]), once.all_scores(["w1", "w5"]))


def test_unknown_model_is_refused() -> None:
    from retrieval.errors import ConfigError

    with pytest.raises(ConfigError, match="bm99"):
        BM25Params(model="bm99")
