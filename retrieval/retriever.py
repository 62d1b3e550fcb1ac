"""The retriever: one object that opens the index and answers questions."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from retrieval.analysis import Analyzer
from retrieval.answer import Answer, Source
from retrieval.index import CorpusIndex
from retrieval.scoring import BM25Params
from retrieval.search import SearchOptions, search
from retrieval.settings import Settings
from retrieval.store import open_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleInfo:
    """An indexed article as `sources` lists it."""

    source: Source
    passages: int


class Retriever:
    """Answers questions from an index; built from settings or from an index directly."""

    def __init__(self, index: CorpusIndex, options: SearchOptions) -> None:
        self.index = index
        self.options = options

    @classmethod
    def from_settings(cls, settings: Settings) -> Retriever:
        analysis = settings.analysis
        retrieval = settings.retrieval
        analyzer = Analyzer(stemmer=analysis.stemmer, stopwords=analysis.stopwords)
        params = BM25Params(
            model=retrieval.model,
            k1=retrieval.k1,
            b=retrieval.b,
            epsilon=retrieval.epsilon,
            delta=retrieval.delta,
        )
        index = open_index(settings.corpus, settings.index, analyzer, params)
        options = SearchOptions(
            top_k=retrieval.top_k,
            target_chars=settings.excerpts.target_chars,
            max_chars=settings.excerpts.max_chars,
            min_coverage=retrieval.min_coverage,
            fuzzy=analysis.fuzzy,
        )
        return cls(index, options)

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """The best excerpts for a question; ``Answer.results`` is empty when nothing fits."""
        options = self.options if top_k is None else replace(self.options, top_k=top_k)
        return search(self.index, question, options)

    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, in index order, with their passage counts."""
        counts: dict[str, int] = {}
        for passage in self.index.passages:
            counts[passage.article_id] = counts.get(passage.article_id, 0) + 1
        return [ArticleInfo(Source.of(a), counts.get(a.id, 0)) for a in self.index.articles]

    @property
    def problems(self) -> list[str]:
        """Articles that could not be read when the index was built."""
        return list(self.index.problems)
