"""The retriever: one object that opens the index and answers questions.

It remembers which saved state its index reflects (``Loaded``) and, before each
question, takes in what other processes saved since (``refresh``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.answering.answer import Answer
from retrieval.answering.latest import Latest, whats_new
from retrieval.answering.quotes import Quotes, find_quotes
from retrieval.answering.search import SearchOptions, search
from retrieval.answering.timeline import Timeline, build_timeline
from retrieval.errors import ArticleError, IndexStoreError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.progress import Progress
from retrieval.index.scoring import BM25Params
from retrieval.index.workers import cpu_workers
from retrieval.intake.ingest import Added, AddReport, add_articles, remove_article
from retrieval.settings import LockSettings, Settings
from retrieval.storage.neighbours import Context, PassageRef, context_of
from retrieval.storage.serving import catch_up, open_serving
from retrieval.storage.store import Loaded
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article, Source
from retrieval.text.filters import Filters

log = logging.getLogger(__name__)

# A reader answering from an index it could not update tries again after this long.
RETRY_SECONDS = 60.0


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
        loaded: Loaded | None = None,
        lock: LockSettings | None = None,
    ) -> None:
        self.options = options
        self.corpus = corpus
        self.index_dir = index_dir
        self.workers = workers
        self.lock = lock or LockSettings()
        # Without the saved state it reflects, the index is read again at the first refresh.
        self._loaded = loaded if loaded is not None and loaded.index is index else Loaded(index)
        self._opened = time.monotonic()

    @property
    def index(self) -> CorpusIndex:
        return self._loaded.index

    @classmethod
    def from_settings(
        cls, settings: Settings, allow_empty: bool = False, progress: Progress | None = None
    ) -> Retriever:
        """Open the index the settings name; ``allow_empty`` for a corpus yet to be filled.

        ``progress`` hears how a rebuild or a catch-up goes, when the index needs one.
        """
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
        lock = settings.lock
        loaded = open_serving(
            settings.corpus,
            settings.index,
            analyzer,
            params,
            allow_empty,
            workers,
            lock.read_seconds,
            progress,
        )
        # Okapi's idf floor needs a pass over the vocabulary: at load, not at the first question.
        loaded.index.scorer.prepare()
        options = SearchOptions(
            top_k=retrieval.top_k,
            target_chars=settings.excerpts.target_chars,
            max_chars=settings.excerpts.max_chars,
            min_coverage=retrieval.min_coverage,
            fuzzy=analysis.fuzzy,
            max_question_chars=retrieval.max_question_chars,
        )
        return cls(loaded.index, options, settings.corpus, settings.index, workers, loaded, lock)

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        context: str = "",
        filters: Filters | None = None,
        shown: Sequence[str] = (),
    ) -> Answer:
        """The best excerpts for a question; ``Answer.results`` is empty when nothing fits.

        ``context`` (an earlier question) helps rank, at a lower weight (see ``search``).
        A question over the cap (``retrieval.max_question_chars``) raises QuestionTooLong.
        ``filters`` limit the articles answered from (scores stay the whole index's).
        ``shown`` are excerpts already shown, which the answer doesn't repeat.
        """
        self.refresh()
        options = self.options if top_k is None else replace(self.options, top_k=top_k)
        return search(self.index, question, options, context, filters, shown)

    def quotes(self, name: str, filters: Filters | None = None) -> Quotes:
        """Every direct quote attributed to the person ``name`` means (see answering.quotes)."""
        self.refresh()
        return find_quotes(self.index, name, filters)

    def latest(self, filters: Filters | None = None, top_k: int | None = None) -> Latest:
        """What the newest articles say that earlier ones don't (see answering.latest)."""
        self.refresh()
        options = self.options
        return whats_new(
            self.index, filters, top_k or options.top_k, options.target_chars, options.max_chars
        )

    def timeline(self, filters: Filters | None = None) -> Timeline:
        """The story's dated events in order (see answering.timeline)."""
        self.refresh()
        return build_timeline(self.index, filters)

    def context(self, ref: PassageRef) -> Context:
        """An excerpt's paragraph with its neighbours; PassageGone if its article went since."""
        self.refresh()
        return context_of(self.index, ref)

    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, in index order, with their passage counts."""
        index = self.index
        sources = (index.source_at(n) for n in index.live_articles())
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
        try:
            report = add_articles(
                corpus,
                index_dir,
                index.analyzer,
                index.params,
                items,
                strict,
                progress,
                current=self._current,
                workers=self.workers,
                wait=self.lock.write_seconds,
            )
        except BaseException:
            self._forget()
            raise
        if report.loaded is not None:
            self._loaded = report.loaded
        return report

    def remove(self, article_id: str, progress: Progress | None = None) -> Added:
        """Take an article out of the corpus and the index, in place."""
        corpus, index_dir = self._folders()
        index = self.index
        try:
            removed, self._loaded = remove_article(
                corpus,
                index_dir,
                index.analyzer,
                index.params,
                article_id,
                self._current,
                progress,
                self.lock.write_seconds,
            )
        except BaseException:
            self._forget()
            raise
        return removed

    def _current(self) -> Loaded:
        """The index in memory and what it reflects, for a writer to bring up to date."""
        return self._loaded

    def _forget(self) -> None:
        """After a failed add or remove: the index in memory may hold part of it, so the
        next refresh reads the index again."""
        self._loaded = Loaded(self.index)

    def refresh(self) -> bool:
        """Take in what another process saved since (a few bytes read when nothing changed).

        An index that could not be brought up to date is opened again now and then.
        """
        if self.corpus is None or self.index_dir is None:
            return False
        loaded = self._loaded
        wait = self.lock.read_seconds
        if loaded.warning and time.monotonic() - self._opened >= RETRY_SECONDS:
            index = loaded.index
            self._opened = time.monotonic()
            self._loaded = open_serving(
                self.corpus,
                self.index_dir,
                index.analyzer,
                index.params,
                True,
                self.workers,
                wait,
                warned=loaded.warning,
            )
            return True
        caught_up = catch_up(loaded, self.corpus, self.index_dir, self.workers, wait)
        if caught_up is None:
            return False
        self._loaded = caught_up
        return True

    def _folders(self) -> tuple[Path, Path]:
        if self.corpus is None or self.index_dir is None:
            raise IndexStoreError("this retriever has no corpus and index folders to add to")
        return self.corpus, self.index_dir

    @property
    def problems(self) -> list[str]:
        """Articles that could not be read when the index was built."""
        return list(self.index.problems)
