"""Removing an article in place: a deletion file beside its segment, then the manifest.

The segment is not rewritten: the article's passages are marked deleted (see
``index.live``), so removing one costs about what adding one does. A segment
left with half its passages or fewer live is rewritten without them, so space
and work spent on deleted passages stay bounded.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from retrieval.errors import IndexStoreError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.storage.deletions import deletions_name, encode
from retrieval.storage.store import (
    MANIFEST,
    Manifest,
    atomic_write,
    merge_trailing,
    replace_segments,
    write_manifest,
    write_segment,
)

log = logging.getLogger(__name__)


def remove_in_place(index: CorpusIndex, corpus: Path, index_dir: Path, article_id: str) -> Manifest:
    """Take an article out of the corpus folder and the saved index; return the manifest saved.

    The new deletion file is written first (nothing names it yet), then the
    corpus file goes, then the manifest names the deletion file: a process
    killed in between leaves a corpus the manifest no longer matches, which is
    rebuilt from the corpus, without the article.
    """
    manifest = Manifest.read(index_dir / MANIFEST)
    number, local = index.where(article_id)
    file = index.file_of(article_id)
    name = manifest.segments[number]
    if file is None:
        raise IndexStoreError(f"{index_dir}: the index does not say where '{article_id}' is")
    deleted = index.deleted[number] | {local}
    previous = manifest.deletions.get(name)
    current = deletions_name(name, previous)
    atomic_write(index_dir / current, encode(name, index.segments[number], deleted))
    try:
        (corpus / file).unlink()
    except OSError as exc:
        (index_dir / current).unlink(missing_ok=True)
        raise IndexStoreError(f"{corpus / file}: cannot remove ({exc.strerror or exc})") from None
    _sync_folder(corpus)
    manifest.files = [stamp for stamp in manifest.files if stamp[0] != file]
    manifest.deletions[name] = current
    write_manifest(index_dir, manifest)
    index.set_deleted(number, deleted)
    # The one replaced, and any a killed remove left behind unnamed.
    for older in index_dir.glob(f"{Path(name).stem}.*.del"):
        if older.name != current:
            older.unlink(missing_ok=True)
    compact_if_mostly_deleted(index, index_dir, manifest, number)
    merge_trailing(index, index_dir, manifest)
    return manifest


def compact_if_mostly_deleted(
    index: CorpusIndex, index_dir: Path, manifest: Manifest, number: int
) -> None:
    """Rewrite segment ``number`` without its deleted passages once they are half of it."""
    if index.live_passage_count(number) * 2 > index.segments[number].passage_count:
        return
    log.info("rewriting %s without its removed articles", manifest.segments[number])
    merged = write_segment(index_dir, index.compacted(number, number + 1)[0])
    replace_segments(index, index_dir, manifest, number, number + 1, merged)


def _sync_folder(folder: Path) -> None:
    """Put a folder's entries (a file gone) on disk: one fsync, not a flush of every disk."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise IndexStoreError(f"{folder}: cannot sync ({exc.strerror or exc})") from None
