"""Opening the saved index to answer from, and keeping a reader and a writer current.

A reader opens the saved index without the lock when it matches the corpus; else it
takes the lock, waiting at most ``wait`` seconds, to bring it up to date. When the index
folder can't be updated (read-only, full, not writable, locked too long) it answers
from the last saved index and warns once, naming the corpus files not indexed yet.

Every manifest carries a generation, and a ``Loaded`` index remembers the generation
and segments it was read from, taken from the very manifest it loaded: a change saved
after that is seen at the next check, whatever the timing. A writer, under the lock,
brings its index up to the saved state before it checks for copies or numbers files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.errors import CorpusError, IndexDamagedError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.progress import Progress
from retrieval.index.scoring import BM25Params
from retrieval.index.segment import Segment
from retrieval.storage.corpus import corpus_names
from retrieval.storage.deletions import load_segment, read_deletions
from retrieval.storage.locking import IndexUnwritable, index_lock
from retrieval.storage.store import (
    MANIFEST,
    Changed,
    Loaded,
    Manifest,
    build,
    corpus_stamps,
    load_if_current,
    open_index_locked,
    pipeline_digest,
    require_articles,
    saved_generation,
)
from retrieval.text.analysis import Analyzer

log = logging.getLogger(__name__)

# How long a reader waits for another process's update before it answers without it.
READ_WAIT = 5.0
# Reads without the lock that may each lose a segment to a writer's merge.
_ATTEMPTS = 5
# Corpus files a warning names before "…".
_NAMED = 3
_UNREADABLE = (IndexDamagedError, OSError, EOFError, ValueError, KeyError, TypeError)
# What another process changed: new deletions of known segments, and segments appended.
Changes = tuple[dict[int, frozenset[int]], list[tuple[Segment, frozenset[int]]]]


def open_serving(
    corpus: Path,
    index_dir: Path | None,
    analyzer: Analyzer,
    params: BM25Params,
    allow_empty: bool = False,
    workers: int = 1,
    wait: float = READ_WAIT,
    progress: Progress | None = None,
    warned: str | None = None,
) -> Loaded:
    """The saved index brought up to date with the corpus, else rebuilt, else the last saved.

    ``workers`` is how many processes may analyse articles for a rebuild;
    ``progress`` hears how a rebuild or a catch-up goes. A warning the same as
    ``warned`` (given at an earlier try) is only logged at info.
    """
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: corpus folder not found")
    if index_dir is None:
        loaded = Loaded(build(corpus, analyzer, params, workers, progress))
    else:
        found = _load_unlocked(corpus, index_dir, analyzer, params)
        if found is None:
            try:
                with index_lock(index_dir, wait):
                    found = open_index_locked(
                        corpus, index_dir, analyzer, params, True, workers, progress
                    )
            except IndexUnwritable as exc:
                found = _last_saved(corpus, index_dir, analyzer, params, exc.reason, workers)
                if found.warning is not None:
                    level = logging.INFO if found.warning == warned else logging.WARNING
                    log.log(level, found.warning)
        loaded = found
    if not allow_empty:
        require_articles(loaded.index, corpus)
    return loaded


def catch_up(
    loaded: Loaded, corpus: Path, index_dir: Path, workers: int = 1, wait: float = READ_WAIT
) -> Loaded | None:
    """What another process saved since ``loaded`` was read, taken in; None if nothing was.

    Appended segments and new deletions are read on their own; any other change opens
    the index again.
    """
    if saved_generation(index_dir) in (None, loaded.generation):
        return None
    for _ in range(_ATTEMPTS):
        try:
            manifest = Manifest.read(index_dir / MANIFEST)
            changes = _changes(loaded, manifest, index_dir)
        except Changed:
            continue
        except _UNREADABLE as exc:
            log.info("reopening the index: %s", exc)
            break
        if changes is None:
            break
        log.info("took in %d new index segments", len(changes[1]))
        return _apply(loaded, manifest, changes)
    index = loaded.index
    reopened = open_serving(
        corpus, index_dir, index.analyzer, index.params, workers=workers, wait=wait
    )
    log.info("reloaded the index: %d articles", len(reopened.index.articles))
    return reopened


def current_locked(
    loaded: Loaded | None,
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    workers: int = 1,
    progress: Progress | None = None,
) -> Loaded:
    """For a writer holding the lock: the index exactly as saved, from ``loaded`` if it can be.

    A process that loaded the index earlier may have missed adds made since: checking
    copies or numbering files against it would let an article land twice.
    """
    if loaded is not None and loaded.segments is not None:
        try:
            # Files a killed add left in the corpus folder are indexed by a full open.
            if saved_generation(index_dir) == loaded.generation:
                if loaded.files == len(corpus_names(corpus)):
                    return loaded
            else:
                manifest = Manifest.read(index_dir / MANIFEST)
                if manifest.pipeline == pipeline_digest(analyzer) and len(manifest.files) == len(
                    corpus_names(corpus)
                ):
                    changes = _changes(loaded, manifest, index_dir)
                    if changes is not None:
                        return _apply(loaded, manifest, changes)
        except (Changed, *_UNREADABLE):
            pass
    return open_index_locked(corpus, index_dir, analyzer, params, True, workers, progress)


def _changes(loaded: Loaded, manifest: Manifest, index_dir: Path) -> Changes | None:
    """What was saved since ``loaded``, read (not yet applied); None when it must be reopened."""
    known = loaded.segments
    if known is None or manifest.segments[: len(known)] != known:
        return None
    try:
        deleted = {}
        for number, name in enumerate(known):
            current = manifest.deletions.get(name)
            # Deletions only grow until the segment is rewritten, under another name.
            if current is not None and current != loaded.deletions.get(name):
                segment = loaded.index.segments[number]
                deleted[number] = read_deletions(index_dir / current, name, segment)
        added = manifest.segments[len(known) :]
        return deleted, [load_segment(index_dir, name, manifest.deletions) for name in added]
    except _UNREADABLE as exc:
        if saved_generation(index_dir) != manifest.generation:
            raise Changed(str(exc)) from None
        raise


def _apply(loaded: Loaded, manifest: Manifest, changes: Changes) -> Loaded:
    deleted, added = changes
    for number, numbers in deleted.items():
        loaded.index.set_deleted(number, numbers)
    for segment, removed in added:
        loaded.index.add_segment(segment, removed)
    return Loaded.of(loaded.index, manifest)


def _load_unlocked(
    corpus: Path, index_dir: Path, analyzer: Analyzer, params: BM25Params
) -> Loaded | None:
    for _ in range(_ATTEMPTS):
        try:
            return load_if_current(corpus, index_dir, analyzer, params)
        except Changed:
            continue
    return None


def _last_saved(
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    reason: str,
    workers: int,
) -> Loaded:
    """The index as last saved though the corpus moved on (with its warning, to be given);
    else one analysed in memory, warned about here."""
    generation = saved_generation(index_dir)
    try:
        manifest = Manifest.read(index_dir / MANIFEST)
        if manifest.pipeline != pipeline_digest(analyzer):
            raise ValueError("saved with other settings")
        index = CorpusIndex(analyzer, params)
        for name in manifest.segments:
            index.add_segment(*load_segment(index_dir, name, manifest.deletions))
    except _UNREADABLE as exc:
        log.warning(
            "the index can't be used (%s) or saved (%s): analysing the corpus for this run only",
            exc,
            reason,
        )
        return Loaded(build(corpus, analyzer, params, workers, None), generation)
    listed = set(manifest.files)
    behind = [stamp[0] for stamp in corpus_stamps(corpus) if stamp not in listed]
    loaded = Loaded.of(index, manifest)
    loaded.warning = behind_message(behind, reason)
    return loaded


def behind_message(names: list[str], reason: str) -> str:
    """The one warning of a reader answering from the last saved index."""
    if not names:
        return f"the index can't be updated: {reason}; answering from the last saved index"
    shown = ", ".join(names[:_NAMED]) + (", …" if len(names) > _NAMED else "")
    count = f"{len(names)} corpus files are" if len(names) > 1 else "1 corpus file is"
    return f"{count} not indexed yet ({shown}): {reason}; answering from the last saved index"
