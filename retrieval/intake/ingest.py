"""Adding and removing articles: the corpus folder first, then the index, in place.

An added article becomes a file with front matter in the corpus folder (the
source of truth), named after the next number in the corpus order so that a
rebuild reads the articles in the order they were added and gives the same
scores. The index is updated in place, a batch at a time: the new articles
are analysed, saved as a segment, and the manifest is replaced last. The whole
add holds the index lock, so two adds take turns and both land; copies are
checked, and files numbered, against the index as saved, read under the lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval import yamlfile
from retrieval.errors import ArticleError, CorpusError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.progress import ADD, REMOVE, Progress, ProgressStep
from retrieval.index.scoring import BM25Params
from retrieval.index.segment import Analyzed, text_digest
from retrieval.index.workers import Analysis
from retrieval.storage.corpus import JSONL_SUFFIXES, corpus_names, corpus_order
from retrieval.storage.locking import index_lock
from retrieval.storage.removal import remove_in_place
from retrieval.storage.serving import current_locked
from retrieval.storage.store import (
    MANIFEST,
    Loaded,
    Manifest,
    atomic_write,
    commit_segment,
    make_durable,
    remove_leftovers,
    stamp,
)
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article

log = logging.getLogger(__name__)

BATCH = 1000


@dataclass(frozen=True)
class Added:
    """An article now in the corpus and the index."""

    id: str
    title: str | None
    passages: int
    file: str


@dataclass(frozen=True)
class Already:
    """An article given to add that the corpus already holds (the same text)."""

    input: str
    id: str


@dataclass
class AddReport:
    """What an add did: the articles added, those already there, and what was refused."""

    added: list[Added] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    already: list[Already] = field(default_factory=list)
    # The index as it stands after the add, as saved (None when nothing was attempted).
    loaded: Loaded | None = None


def add_articles(
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    items: Iterable[Article | ArticleError],
    strict: bool = False,
    progress: Progress | None = None,
    current: Callable[[], Loaded | None] | None = None,
    workers: int = 1,
    wait: float | None = None,
) -> AddReport:
    """Store new articles in the corpus and the index; bad or duplicate ones are refused.

    With ``strict`` every item is checked first and nothing is added when one fails.
    ``current`` is asked, once the lock is held, for an index already in memory,
    which is brought up to the saved one rather than loaded again. A bulk add has
    ``workers`` processes analyse one batch while the next is read and stored.
    The lock is waited for at most ``wait`` seconds (None: without limit).
    """
    report = AddReport()
    if strict:
        items = list(items)
        first = next((i for i in items if isinstance(i, ArticleError)), None)
        if first is not None:
            report.refused.append(str(first))
            return report
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: corpus folder not found")
    with index_lock(index_dir, wait):
        _remove_leftovers(corpus)
        remove_leftovers(index_dir)
        loaded = current() if current is not None else None
        index = current_locked(loaded, corpus, index_dir, analyzer, params, workers).index
        with Analysis(analyzer, workers) as analysis:
            manifest = _add(corpus, index_dir, index, items, analysis, strict, progress, report)
        report.loaded = Loaded.of(index, manifest)
    return report


def _add(
    corpus: Path,
    index_dir: Path,
    index: CorpusIndex,
    items: Iterable[Article | ArticleError],
    analysis: Analysis,
    strict: bool,
    progress: Progress | None,
    report: AddReport,
) -> Manifest:
    manifest = Manifest.read(index_dir / MANIFEST)
    number = _next_number(corpus)
    batch: list[tuple[Path, Article]] = []
    pending: _Batch | None = None
    digests: dict[str, str] = {}
    ids: set[str] = set()
    for item in items:
        refusals = len(report.refused)
        article, digest = _admit(item, index, digests, ids, report)
        if article is None:
            if strict and len(report.refused) > refusals:
                break
        else:
            path = corpus / f"{number:03d}_{article.id}.md"
            # Made durable once per batch (see _finish), not one file at a time.
            atomic_write(path, article_file(article).encode("utf-8"), durable=False)
            digests[digest] = article.id
            ids.add(article.id)
            number += 1
            batch.append((path, article))
            if len(batch) >= BATCH:
                # The workers analyse this batch while the last one is saved.
                started = _start(batch, analysis)
                _finish(pending, index, corpus, index_dir, manifest, report)
                pending, batch = started, []
        if progress is not None:
            stored = len(batch) + (len(pending.articles) if pending else 0)
            _report(progress, report, stored)
    if batch:
        last = _start(batch, analysis)
        _finish(pending, index, corpus, index_dir, manifest, report)
        if progress is not None:
            _report(progress, report, len(batch))
        pending = last
    _finish(pending, index, corpus, index_dir, manifest, report)
    if progress is not None:
        _report(progress, report, 0)
    return manifest


def _report(progress: Progress, report: AddReport, waiting: int) -> None:
    """Tell ``progress`` how the add stands: ``waiting`` articles stored, not yet indexed."""
    done = len(report.added)
    progress(ProgressStep(ADD, done, stored=done + waiting, refused=len(report.refused)))


def remove_article(
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    article_id: str,
    current: Callable[[], Loaded | None] | None = None,
    progress: Progress | None = None,
    wait: float | None = None,
) -> tuple[Added, Loaded]:
    """Take an article out of the corpus and, in place, out of the index (see ``removal``).

    ``current`` and ``wait`` are as for ``add_articles``; the index as it stands after
    is returned.
    """
    with index_lock(index_dir, wait):
        loaded = current() if current is not None else None
        index = current_locked(loaded, corpus, index_dir, analyzer, params, 1, progress).index
        if not index.has_article(article_id):
            raise CorpusError(f"no article with id '{article_id}' in {corpus}")
        file = index.file_of(article_id)
        if file is None or file.endswith(JSONL_SUFFIXES):
            raise CorpusError(
                f"article '{article_id}' is one of several in {file}: edit that file instead"
            )
        article = index.article(article_id)
        passages = len(index.passages_of(article_id))
        if progress is not None:
            progress(ProgressStep(REMOVE, 0, 1))
        saved = remove_in_place(index, corpus, index_dir, article_id)
        if progress is not None:
            progress(ProgressStep(REMOVE, 1, 1))
        log.info("removed %s", file)
        after = Loaded.of(index, saved)
        return Added(article_id, article.title, passages, file), after


def article_file(article: Article) -> str:
    """An article as a corpus file: YAML front matter, then its text."""
    meta: dict[str, Any] = {"id": article.id}
    for key in ("title", "source", "url", "published", "label"):
        value = getattr(article, key)
        if value is not None:
            meta[key] = value
    meta.update(article.extra)
    front = yamlfile.dump(meta)
    return f"---\n{front}---\n{article.text}\n"


def _admit(
    item: Article | ArticleError,
    index: CorpusIndex,
    digests: dict[str, str],
    ids: set[str],
    report: AddReport,
) -> tuple[Article | None, str]:
    """The article and its digest if it is new; else None, once reported as refused or there."""
    if isinstance(item, ArticleError):
        report.refused.append(str(item))
        return None, ""
    digest = text_digest(item.text)
    same = _same_text(digest, index, digests)
    if same is not None:
        report.already.append(Already(item.where, same))
        return None, digest
    problem = _refusal(item, index, ids)
    if problem is not None:
        report.refused.append(problem)
        return None, digest
    return item, digest


def _same_text(digest: str, index: CorpusIndex, digests: dict[str, str]) -> str | None:
    """The id of the article already holding this text, if one does."""
    return index.article_with_text(digest) or digests.get(digest)


def _refusal(item: Article, index: CorpusIndex, ids: set[str]) -> str | None:
    """Why a new article can't be added (its id taken by other text), or None."""
    if index.has_article(item.id) or item.id in ids:
        return f"{item.where}: the id '{item.id}' is already used by another article"
    return None


@dataclass
class _Batch:
    """Articles written to the corpus folder, being analysed."""

    articles: list[tuple[Path, Article]]
    analyzed: Callable[[], list[Analyzed]]


def _start(batch: list[tuple[Path, Article]], analysis: Analysis) -> _Batch:
    jobs = [(path.name, article) for path, article in batch]
    return _Batch(batch, analysis.submit(jobs, as_stored=True))


def _finish(
    batch: _Batch | None,
    index: CorpusIndex,
    corpus: Path,
    index_dir: Path,
    manifest: Manifest,
    report: AddReport,
) -> None:
    """Put an analysed batch in the index, saved: its files first, then its segment."""
    if batch is None:
        return
    segment = index.add_analyzed(batch.analyzed())
    # The batch's files reach the disk together, before the manifest that lists them.
    make_durable(corpus)
    stamps = [stamp(path) for path, _ in batch.articles]
    commit_segment(index, index_dir, manifest, segment, stamps)
    for path, article in batch.articles:
        passages = len(index.passages_of(article.id))
        report.added.append(Added(article.id, article.title, passages, path.name))


def _remove_leftovers(corpus: Path) -> None:
    """Temporary files of an add that was killed before it could rename them."""
    for path in corpus.glob(".*.md.*"):
        path.unlink(missing_ok=True)


def _next_number(corpus: Path) -> int:
    return max((corpus_order(name)[0] for name in corpus_names(corpus)), default=-1) + 1
