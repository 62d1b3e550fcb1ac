"""Checking a saved index in full, as ``git fsck`` or Lucene's CheckIndex do: it repairs nothing.

The manifest, every segment it names (each array's checksum, the header, the
parts inside: see ``index.integrity``), every deletion file, and the corpus
folder against both: every file the manifest lists is there unchanged, every
corpus file is indexed, every live article's file is listed. Each problem is one
line naming the file. Nothing is locked or written: if the manifest changes
while the check runs (another process added or removed), it starts again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import IndexDamagedError
from retrieval.index import arrayfile
from retrieval.index.integrity import segment_problems
from retrieval.index.segment import Segment
from retrieval.settings import Settings
from retrieval.storage.deletions import read_deletions
from retrieval.storage.store import (
    MANIFEST,
    FileStamp,
    Manifest,
    OlderFormat,
    corpus_stamps,
    pipeline_digest,
)
from retrieval.text.analysis import Analyzer

# Checks started again at most this often when other processes keep changing the index.
_ATTEMPTS = 3


@dataclass
class IndexCheck:
    """What ``check_index`` found: counts of what it read, and the problems, one line each."""

    index: Path
    corpus: Path
    segments: int = 0
    articles: int = 0
    passages: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(settings: Settings) -> IndexCheck:
    """Verify the saved index of these settings fully against its files and the corpus."""
    analyzer = Analyzer(stemmer=settings.analysis.stemmer, stopwords=settings.analysis.stopwords)
    result = IndexCheck(settings.index, settings.corpus)
    for _ in range(_ATTEMPTS):
        before = _stamp(settings.index / MANIFEST)
        result = IndexCheck(settings.index, settings.corpus)
        _check(result, analyzer)
        if _stamp(settings.index / MANIFEST) == before:
            break
    return result


def _check(result: IndexCheck, analyzer: Analyzer) -> None:
    index_dir, corpus = result.index, result.corpus
    if not corpus.is_dir():
        result.problems.append(f"{corpus}: corpus folder not found")
        return
    if not (index_dir / MANIFEST).is_file():
        result.problems.append(f"{index_dir / MANIFEST}: missing (no index saved yet)")
        return
    try:
        manifest = Manifest.read(index_dir / MANIFEST)
    except OlderFormat as exc:
        result.problems.append(f"{index_dir / MANIFEST}: {exc}")
        return
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{index_dir / MANIFEST}: unreadable ({arrayfile.reason(exc, '')})")
        return
    if manifest.pipeline != pipeline_digest(analyzer):
        result.problems.append(
            f"{index_dir / MANIFEST}: built by other code or analysis settings than these"
        )
    files = {name for name, _, _ in manifest.files}
    for name in manifest.segments:
        result.problems += _check_segment(result, index_dir, name, manifest, files)
    result.problems += _check_corpus(corpus, manifest.files)


def _check_segment(
    result: IndexCheck, index_dir: Path, name: str, manifest: Manifest, files: set[str]
) -> Iterator[str]:
    """The problems of one segment, its deletion file, and its articles' corpus files."""
    path = index_dir / name
    try:
        failed = arrayfile.failed_checksums(path)
    except FileNotFoundError:
        yield f"{path}: missing (the manifest lists it)"
        return
    except (OSError, ValueError) as exc:
        yield f"{path}: {arrayfile.reason(exc, name)}"
        return
    if failed:
        yield from (f"{path}: array '{array}' does not match its checksum" for array in failed)
        return
    try:
        segment = Segment.load(path, verify=False)
        problems = segment_problems(segment)
    except IndexDamagedError as exc:
        yield str(exc)
        return
    except Exception as exc:
        yield f"{path}: cannot be checked ({arrayfile.reason(exc, name)})"
        return
    yield from (f"{path}: {problem}" for problem in problems)
    result.segments += 1
    deleted: frozenset[int] = frozenset()
    if name in manifest.deletions:
        current = index_dir / manifest.deletions[name]
        try:
            deleted = read_deletions(current, name, segment)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            yield f"{current}: {arrayfile.reason(exc, current.name)}"
    live = [n for n in range(segment.article_count) if n not in deleted]
    result.articles += len(live)
    result.passages += sum(
        int(segment.passage_offsets[n + 1] - segment.passage_offsets[n]) for n in live
    )
    for number in live:
        file = segment.articles[number].get("file")
        if file is not None and file not in files:
            article = segment.articles[number].get("id")
            yield f"{path}: article '{article}' comes from {file}, which the manifest does not list"


def _check_corpus(corpus: Path, listed: list[FileStamp]) -> Iterator[str]:
    """Corpus files missing, changed since they were indexed, or never indexed."""
    present = {name: (name, size, mtime) for name, size, mtime in corpus_stamps(corpus)}
    for name, size, mtime in listed:
        now = present.pop(name, None)
        if now is None:
            yield f"{corpus / name}: indexed, but no longer in the corpus folder"
        elif now != (name, size, mtime):
            yield f"{corpus / name}: changed since it was indexed"
    for name in present:
        yield f"{corpus / name}: in the corpus folder, but not indexed"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)
