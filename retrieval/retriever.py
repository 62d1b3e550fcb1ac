"""The retriever: one object that opens the index and answers questions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.answering.answer import Answer
from retrieval.answering.search import SearchOptions, search
from retrieval.errors import ArticleError, IndexDamagedError, IndexStoreError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.progress import Progress
from retrieval.index.scoring import BM25Params
from retrieval.index.workers import cpu_workers
from retrieval.intake.ingest import Added, AddReport, add_articles, remove_article
from retrieval.settings import Settings
from retrieval.storage.deletions import load_segment, read_deletions
from retrieval.storage.store import MANIFEST, Manifest, open_index
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
        self._segments = self._saved_manifest()

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
        index = open_index(
            settings.corpus, settings.index, analyzer, params, allow_empty, workers, progress
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
        )
        if report.index is not None:
            self._took(report.index)
        return report

    def remove(self, article_id: str, progress: Progress | None = None) -> Added:
        """Take an article out of the corpus and the index, in place."""
        corpus, index_dir = self._folders()
        index = self.index
        removed, after = remove_article(
            corpus, index_dir, index.analyzer, index.params, article_id, self._current, progress
        )
        self._took(after)
        return removed

    def _current(self) -> CorpusIndex | None:
        """The index in memory, if it is still the one saved (asked under the lock)."""
        return self.index if self._seen and self._manifest_stamp() == self._seen else None

    def _took(self, index: CorpusIndex) -> None:
        self.index = index
        self._seen = self._manifest_stamp()
        self._segments = self._saved_manifest()

    def refresh(self) -> bool:
        """Take in what another process saved since (one stat when nothing changed)."""
        stamp = self._manifest_stamp()
        if stamp is None or stamp == self._seen or self.corpus is None:
            return False
        saved = self._saved_manifest()
        if not (saved is not None and self._take_in(saved)):
            index = self.index
            self.index = open_index(
                self.corpus, self.index_dir, index.analyzer, index.params, workers=self.workers
            )
            log.info("reloaded the index: %d articles", len(self.index.articles))
            saved = self._saved_manifest()
        self._seen, self._segments = stamp, saved
        return True

    def _take_in(self, saved: Manifest) -> bool:
        """Read only what changed, when another process appended segments or removed
        articles; False when the index must be opened again."""
        known = self._segments
        if known is None or self.index_dir is None:
            return False
        count = len(known.segments)
        if not known.segments or saved.segments[:count] != known.segments:
            return False
        index, folder = self.index, self.index_dir
        try:
            for number, name in enumerate(known.segments):
                current = saved.deletions.get(name)
                if current != known.deletions.get(name) and current is not None:
                    segment = index.segments[number]
                    index.set_deleted(number, read_deletions(folder / current, name, segment))
            for name in saved.segments[count:]:
                index.add_segment(*load_segment(folder, name, saved.deletions))
        except (IndexDamagedError, OSError, ValueError, KeyError, TypeError) as exc:
            log.info("reopening the index: %s", exc)
            return False
        log.info("took in %d new index segments", len(saved.segments) - count)
        return True

    def _saved_manifest(self) -> Manifest | None:
        if self.index_dir is None:
            return None
        try:
            return Manifest.read(self.index_dir / MANIFEST)
        except (OSError, ValueError, KeyError, TypeError):
            return None

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
