"""The anchors: rank-bm25 and bm25s on exactly the passages and tokens storybot indexed.

Tokens are read back from the saved index's postings (each term repeated as
often as it occurs), so the anchors score what storybot scores, context words
included. Within a passage the terms come in the order they first appear in
the corpus, which keeps rank-bm25's vocabulary order (and so its float sums).

Parity rule: rank-bm25's scores ordered by (-score, passage position), the first 5 with
score > 0, against `BM25Scorer.top(q, 5)` with score > 0; a question is identical when
both lists of (position, score) are equal, floats compared exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.scoring import BM25Params, BM25Scorer

TOP = 5
# bm25s's closest to rank-bm25's Okapi: same idf and tf, but the tf part lacks the (k1 + 1)
# factor (same order) and negative idf becomes 0 instead of rank-bm25's epsilon floor.
BM25S_METHOD = "robertson"


@dataclass
class SliceFigures:
    passages: int
    questions: int
    rank_bm25_build_seconds: float
    rank_bm25_qps: float
    bm25s_build_seconds: float | None
    bm25s_qps: float | None
    ours_build_seconds: float
    ours_qps: float
    ours_vs_rank_bm25: float
    ours_vs_bm25s: float | None
    parity_identical: int
    parity_total: int


@dataclass
class FullFigures:
    passages: int
    questions: int
    bm25s_method: str
    bm25s_build_seconds: float
    bm25s_qps: float
    bm25s_p50_ms: float
    ours_retrieval_qps: float
    ours_retrieval_p50_ms: float


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def index_token_ids(
    index: CorpusIndex, limit: int | None = None
) -> tuple[list[list[int]], list[str]]:
    """Each passage's terms as ids into the vocabulary (in first-appearance order)."""
    vocabulary = index.scorer.vocabulary()
    number = {term: i for i, term in enumerate(vocabulary)}
    passages: list[list[int]] = []
    for block in index.scorer.blocks:
        if limit is not None and len(passages) >= limit:
            break
        ids = np.fromiter((number[t] for t in block.terms), dtype=np.int64, count=len(block.terms))
        term_of_posting = np.repeat(ids, np.diff(block.offsets))
        tfs = block.tfs.astype(np.int64)
        token_terms = np.repeat(term_of_posting, tfs)
        token_docs = np.repeat(block.ids.astype(np.int64), tfs)
        order = np.lexsort((token_terms, token_docs))
        token_terms = token_terms[order]
        ends = np.cumsum(block.doc_len.astype(np.int64))
        take = block.size if limit is None else min(block.size, limit - len(passages))
        starts = np.concatenate([[0], ends[:-1]])
        flat = token_terms.tolist()
        passages.extend(flat[int(starts[d]) : int(ends[d])] for d in range(take))
    return passages, vocabulary


def reference_top(scores: np.ndarray) -> list[tuple[int, float]]:
    """The parity rule: order by (-score, position), first TOP, score > 0 only."""
    order = np.lexsort((np.arange(len(scores)), -scores))[:TOP]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


def bm25s_model(ids: list[list[int]], vocabulary: list[str], params: BM25Params) -> Any:
    import bm25s
    from bm25s.tokenization import Tokenized

    model = bm25s.BM25(method=BM25S_METHOD, k1=params.k1, b=params.b)
    vocab = {term: i for i, term in enumerate(vocabulary)}
    model.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    return model


def have_bm25s() -> bool:
    try:
        import bm25s  # noqa: F401
    except ImportError:
        return False
    return True


def slice_anchors(
    index: CorpusIndex, count: int, questions: list[list[str]], params: BM25Params
) -> SliceFigures:
    """rank-bm25, bm25s and our scorer on the index's first ``count`` passages."""
    from rank_bm25 import BM25Okapi

    ids, vocabulary = index_token_ids(index, count)
    tokens = [[vocabulary[i] for i in passage] for passage in ids]
    k = min(TOP, len(tokens))
    okapi, okapi_build = timed(
        lambda: BM25Okapi(tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)
    )
    expected: list[list[tuple[int, float]]] = []
    okapi_time = 0.0
    for q in questions:
        start = time.perf_counter()
        scores = okapi.get_scores(q)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        okapi_time += time.perf_counter() - start
        expected.append(reference_top(scores))

    ours = BM25Scorer(params)
    _, ours_build = timed(lambda: (ours.add(tokens), ours.prepare()))
    got, ours_time = timed(lambda: [ours.top(q, k) for q in questions])
    identical = sum(
        [(s.passage, s.score) for s in mine if s.score > 0] == theirs
        for mine, theirs in zip(got, expected, strict=True)
    )
    bm25s_build = bm25s_time = None
    if have_bm25s():
        model, bm25s_build = timed(lambda: bm25s_model(ids, vocabulary, params))
        _, bm25s_time = timed(lambda: [_bm25s_top(model, q, k) for q in questions])
    n = max(len(questions), 1)
    ours_qps, okapi_qps = n / ours_time, n / okapi_time
    bm25s_qps = n / bm25s_time if bm25s_time else None
    return SliceFigures(
        passages=len(tokens),
        questions=len(questions),
        rank_bm25_build_seconds=round(okapi_build, 2),
        rank_bm25_qps=round(okapi_qps, 2),
        bm25s_build_seconds=round(bm25s_build, 2) if bm25s_build is not None else None,
        bm25s_qps=round(bm25s_qps, 2) if bm25s_qps else None,
        ours_build_seconds=round(ours_build, 2),
        ours_qps=round(ours_qps, 2),
        ours_vs_rank_bm25=round(ours_qps / okapi_qps, 2),
        ours_vs_bm25s=round(ours_qps / bm25s_qps, 2) if bm25s_qps else None,
        parity_identical=identical,
        parity_total=len(questions),
    )


def full_anchor(index: CorpusIndex, questions: list[list[str]]) -> FullFigures | None:
    """bm25s on every passage of the index, against our scorer's top-k on the same index."""
    if not have_bm25s():
        return None
    ids, vocabulary = index_token_ids(index)
    start = time.perf_counter()
    model = bm25s_model(ids, vocabulary, index.params)
    build = time.perf_counter() - start
    del ids
    theirs = _latencies(lambda q: _bm25s_top(model, q, TOP), questions)
    index.scorer.prepare()
    ours = _latencies(lambda q: index.scorer.top(q, TOP), questions)
    return FullFigures(
        passages=index.scorer.size,
        questions=len(questions),
        bm25s_method=BM25S_METHOD,
        bm25s_build_seconds=round(build, 2),
        bm25s_qps=round(len(questions) / float(theirs.sum()), 2),
        bm25s_p50_ms=round(float(np.percentile(theirs, 50)) * 1000, 2),
        ours_retrieval_qps=round(len(questions) / float(ours.sum()), 2),
        ours_retrieval_p50_ms=round(float(np.percentile(ours, 50)) * 1000, 2),
    )


def _bm25s_top(model: Any, query: list[str], k: int) -> Any:
    return model.retrieve([query], k=k, show_progress=False, n_threads=0)


def _latencies(run: Callable[[list[str]], Any], questions: list[list[str]]) -> np.ndarray:
    for q in questions[:5]:
        run(q)
    times = []
    for q in questions:
        start = time.perf_counter()
        run(q)
        times.append(time.perf_counter() - start)
    return np.asarray(times)
