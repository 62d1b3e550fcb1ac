"""The retriever: one object that opens the index and answers questions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.answering.answer import Answer
from retrieval.answering.search import SearchOptions, search
from retrieval.errors import ArticleError, IndexStoreError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.scoring import BM25Params
from retrieval.index.workers import cpu_workers
from retrieval.intake.ingest import Added, AddReport, Progress, add_articles, remove_article
from retrieval.settings import Settings
from retrieval.storage.store import MANIFEST, open_index, read_segment, saved_segments
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article, Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleInfo:
    """An indexed article as `sources` lists it."""

    source: Source
    passages: int


class Retriever:
    """Answers questions from an index; built from settings or from an index directly."""

    def __init__(
        self,
        index: CorpusIndex,
        options: SearchOptions,
        corpus: Path | None = None,
        index_dir: Path | None = None,
        workers: int = 1,
    ) -> None:
        self.index = index
        self.options = options
        self.corpus = corpus
        self.index_dir = index_dir
        self.workers = workers
        self._seen = self._manifest_stamp()
        self._segments = self._saved_segments()

    @classmethod
    def from_settings(cls, settings: Settings, allow_empty: bool = False) -> Retriever:
        """Open the index the settings name; ``allow_empty`` for a corpus yet to be filled."""
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
        workers = cpu_workers(analysis.workers)
        index = open_index(
            settings.corpus, settings.index, analyzer, params, allow_empty, workers=workers
        )
        # Okapi's idf floor needs a pass over the vocabulary: at load, not at the first question.
        index.scorer.prepare()
        options = SearchOptions(
            top_k=retrieval.top_k,
            target_chars=settings.excerpts.target_chars,
            max_chars=settings.excerpts.max_chars,
            min_coverage=retrieval.min_coverage,
            fuzzy=analysis.fuzzy,
            max_question_chars=retrieval.max_question_chars,
        )
        return cls(index, options, settings.corpus, settings.index, workers)

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """The best excerpts for a question; ``Answer.results`` is empty when nothing fits.

        A question over the cap (``retrieval.max_question_chars``) raises QuestionTooLong.
        """
        self.refresh()
        options = self.options if top_k is None else replace(self.options, top_k=top_k)
        return search(self.index, question, options)

    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, in index order, with their passage counts."""
        index = self.index
        sources = (index.source_at(n) for n in range(len(index.articles)))
        return [ArticleInfo(s, len(index.passages_of(s.id))) for s in sources]

    def add(
        self,
        items: Iterable[Article | ArticleError],
        strict: bool = False,
        progress: Progress | None = None,
    ) -> AddReport:
        """Add articles to the corpus and the index (see ``retrieval.intake.ingest``)."""
        corpus, index_dir = self._folders()
        index = self.index
        report = add_articles(
            corpus,
            index_dir,
            index.analyzer,
            index.params,
            items,
            strict,
            progress,
            current=lambda: index if self._seen and self._manifest_stamp() == self._seen else None,
            workers=self.workers,
        )
        if report.index is not None:
            self.index = report.index
            self._seen = self._manifest_stamp()
            self._segments = self._saved_segments()
        return report

    def remove(self, article_id: str) -> Added:
        """Take an article out of the corpus and the index."""
        corpus, index_dir = self._folders()
        removed = remove_article(
            corpus, index_dir, self.index.analyzer, self.index.params, article_id
        )
        self.refresh()
        return removed

    def refresh(self) -> bool:
        """Take in what another process saved since (one stat when nothing changed)."""
        stamp = self._manifest_stamp()
        if stamp is None or stamp == self._seen or self.corpus is None:
            return False
        segments = self._saved_segments()
        known = self._segments
        if known and segments[: len(known)] == known and self.index_dir is not None:
            # Only segments were appended (an add elsewhere): read just those.
            for name in segments[len(known) :]:
                self.index.add_segment(read_segment(self.index_dir / name))
            log.info("took in %d new index segments", len(segments) - len(known))
        else:
            index = self.index
            self.index = open_index(
                self.corpus, self.index_dir, index.analyzer, index.params, workers=self.workers
            )
            log.info("reloaded the index: %d articles", len(self.index.articles))
            segments = self._saved_segments()
        self._seen, self._segments = stamp, segments
        return True

    def _saved_segments(self) -> list[str]:
        return saved_segments(self.index_dir) if self.index_dir is not None else []

    def _manifest_stamp(self) -> tuple[int, int] | None:
        if self.index_dir is None:
            return None
        try:
            info = (self.index_dir / MANIFEST).stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def _folders(self) -> tuple[Path, Path]:
        if self.corpus is None or self.index_dir is None:
            raise IndexStoreError("this retriever has no corpus and index folders to add to")
        return self.corpus, self.index_dir

    @property
    def problems(self) -> list[str]:
        """Articles that could not be read when the index was built."""
        return list(self.index.problems)
