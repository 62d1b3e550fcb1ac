"""Persistence: the analysed index as versioned array segments and a JSON manifest.

The corpus folder is the source of truth; the index folder holds what was
derived from it:

- ``seg-NNNNNN.seg``: the articles of one build or one add, with their
  passages and postings as plain arrays behind a JSON header (see
  ``segment`` and ``arrayfile``), mapped into memory rather than parsed, so
  loading neither re-analyses text nor builds an object per passage;
- ``manifest.json``: the format version, a digest of the analyzer and of the
  code that builds passages, the corpus files (name, size, modification time)
  the segments hold, and the segments in order, after a generation number
  that every write increases, so that a reader tells a change by reading a
  few bytes. It is written last: until it is replaced, readers see the old
  state whole.

Every file is written to a temporary file, fsynced and renamed. At load, a
manifest that matches the corpus is trusted; corpus files added after the
ones it lists (a killed add, a file copied in) are analysed and appended; any
other difference, or a damaged file, means a rebuild from the corpus, logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import CorpusError, IndexDamagedError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.progress import CATCH_UP, Progress
from retrieval.index.scoring import BM25Params
from retrieval.index.segment import FORMAT_VERSION, Segment, merge_start
from retrieval.storage.corpus import corpus_names, corpus_order, iter_corpus, read_corpus_file
from retrieval.storage.deletions import load_segment
from retrieval.storage.locking import store_error
from retrieval.text.analysis import Analyzer

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
# The generation is the manifest's first key, so reading its first bytes tells it.
_GENERATION = re.compile(rb'^\{"generation": (\d+)')

# The modules whose code decides what is indexed: a saved index made by other
# code is rebuilt rather than trusted. (The file format has FORMAT_VERSION.)
_PIPELINE = (
    "text/analysis", "text/article", "text/cleaning", "text/irregular", "text/passages",
    "text/sentences", "text/speakers", "text/stopwords", "storage/corpus", "index/segment",
)  # fmt: skip

FileStamp = tuple[str, int, int]


def pipeline_digest(analyzer: Analyzer) -> str:
    """A digest of the analyzer's settings and the code that turns articles into passages."""
    digest = hashlib.sha256(json.dumps(analyzer.describe(), sort_keys=True).encode())
    package = Path(__file__).resolve().parent.parent
    for name in _PIPELINE:
        digest.update((package / f"{name}.py").read_bytes())
    return digest.hexdigest()


def corpus_stamps(corpus: Path) -> list[FileStamp]:
    """The stamp of every article file of the corpus folder, in corpus order."""
    folder = os.fspath(corpus)
    stamps = []
    for name in sorted(corpus_names(corpus), key=corpus_order):
        info = os.stat(os.path.join(folder, name))
        stamps.append((name, info.st_size, info.st_mtime_ns))
    return stamps


def stamp(path: Path) -> FileStamp:
    """What tells a corpus file changed: its name, size and modification time."""
    info = os.stat(path)
    return (path.name, info.st_size, info.st_mtime_ns)


class OlderFormat(ValueError):
    """An index saved by an earlier storybot: rebuilt, but nothing is wrong with it."""


@dataclass
class Manifest:
    """What the index folder holds: the corpus files it reflects and its segments."""

    pipeline: str
    files: list[FileStamp]
    segments: list[str]
    format_version: int = FORMAT_VERSION
    # The deletion file in force for each segment with removed articles (see ``deletions``).
    deletions: dict[str, str] = field(default_factory=dict)
    generation: int = 0

    def to_json(self) -> str:
        # One line: json's C encoder, fast enough to rewrite after every one-article add.
        return json.dumps(
            {
                "generation": self.generation,
                "format_version": self.format_version,
                "pipeline": self.pipeline,
                "segments": self.segments,
                "files": self.files,
                "deletions": self.deletions,
            },
            ensure_ascii=False,
        )

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.get("format_version")
        if isinstance(version, int) and version < FORMAT_VERSION:
            raise OlderFormat(f"saved in format {version}, this storybot reads {FORMAT_VERSION}")
        if version != FORMAT_VERSION:
            raise ValueError(f"format version {version!r}")
        files = [(str(n), int(s), int(m)) for n, s, m in data["files"]]
        deletions = {str(k): str(v) for k, v in data.get("deletions", {}).items()}
        segments = [str(s) for s in data["segments"]]
        generation = int(data.get("generation", 0))
        return cls(
            str(data["pipeline"]), files, segments, deletions=deletions, generation=generation
        )


@dataclass
class Loaded:
    """An index in memory and the saved state it reflects, from the manifest it was read from."""

    index: CorpusIndex
    generation: int | None = None
    # None when the index was analysed in memory rather than read from saved segments.
    segments: list[str] | None = None
    deletions: dict[str, str] = field(default_factory=dict)
    files: int = 0
    # The warning given when it could not be brought up to date (it is tried again later).
    warning: str | None = None

    @classmethod
    def of(cls, index: CorpusIndex, manifest: Manifest) -> Loaded:
        saved = list(manifest.segments)
        return cls(index, manifest.generation, saved, dict(manifest.deletions), len(manifest.files))


class Changed(Exception):
    """A file went away while a reader without the lock read the index: read it again."""


def saved_generation(index_dir: Path) -> int | None:
    """The saved manifest's generation (0 for one written before generations), or None."""
    try:
        with open(index_dir / MANIFEST, "rb") as file:
            head = file.read(64)
    except OSError:
        return None
    match = _GENERATION.match(head)
    return int(match[1]) if match else 0


def open_index_locked(
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    allow_empty: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> Loaded:
    """The index for a caller that holds the index lock: repaired, or rebuilt and saved."""
    # Another process may have brought it up to date while we waited for the lock.
    loaded = load_if_current(corpus, index_dir, analyzer, params, True, workers, progress)
    if loaded is None:
        index = build(corpus, analyzer, params, workers, progress)
        loaded = Loaded.of(index, save_all(index, corpus, index_dir))
    if not allow_empty:
        require_articles(loaded.index, corpus)
    return loaded


def load_if_current(
    corpus: Path,
    index_dir: Path,
    analyzer: Analyzer,
    params: BM25Params,
    repair: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> Loaded | None:
    """The saved index if it matches the corpus (with ``repair``, once new files are added).

    Without ``repair`` (and the lock) a file that vanishes as it is read because
    a writer replaced it raises ``Changed``.
    """
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    manifest = None
    try:
        manifest = Manifest.read(path)
        if manifest.pipeline != pipeline_digest(analyzer):
            log.info("index %s was built by other code or settings: rebuilding", index_dir)
            return None
        current = corpus_stamps(corpus)
        known = len(manifest.files)
        if current[:known] != manifest.files:
            log.info("index %s no longer matches the corpus: rebuilding", index_dir)
            return None
        if known < len(current) and not repair:
            return None
        index = CorpusIndex(analyzer, params)
        for segment in manifest.segments:
            index.add_segment(*load_segment(index_dir, segment, manifest.deletions))
        if known < len(current):
            log.info("indexing %d corpus files added since the last save", len(current) - known)
            new_files = [corpus / name for name, _, _ in current[known:]]
            append_files(index, new_files, index_dir, manifest, workers, progress)
        return Loaded.of(index, manifest)
    except OlderFormat as exc:
        log.info("index %s was %s: rebuilding", index_dir, exc)
        return None
    except (IndexDamagedError, OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        if manifest is not None and saved_generation(index_dir) != manifest.generation:
            raise Changed(str(exc)) from None
        where = exc if isinstance(exc, IndexDamagedError) else f"{index_dir} ({exc})"
        # Without the lock this is a first look: the caller looks again with it, and warns.
        level = logging.WARNING if repair else logging.INFO
        log.log(level, "damaged index: %s; rebuilding from the corpus", where)
        return None


def build(
    corpus: Path, analyzer: Analyzer, params: BM25Params, workers: int, progress: Progress | None
) -> CorpusIndex:
    """An index of the whole corpus, analysed afresh (not saved)."""
    return CorpusIndex.build(iter_corpus(corpus), analyzer, params, workers, progress)


def require_articles(index: CorpusIndex, corpus: Path) -> CorpusIndex:
    if not index.articles:
        raise CorpusError(f"{corpus}: no readable article in the corpus folder")
    return index


def save_all(index: CorpusIndex, corpus: Path, index_dir: Path) -> Manifest:
    """Write every segment of the index, then the manifest; drop older segments."""
    files = corpus_stamps(corpus)
    old = _listed_segments(index_dir)
    names = [write_segment(index_dir, segment) for segment in index.segments]
    generation = saved_generation(index_dir) or 0
    manifest = Manifest(pipeline_digest(index.analyzer), files, names, generation=generation)
    write_manifest(index_dir, manifest)
    for name in old - set(names):
        (index_dir / name).unlink(missing_ok=True)
    for path in index_dir.glob("seg-*.del"):
        path.unlink(missing_ok=True)
    return manifest


def append_files(
    index: CorpusIndex,
    paths: Iterable[Path],
    index_dir: Path,
    manifest: Manifest,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[str]:
    """Analyse corpus files into the index, save them as a segment, update the manifest."""
    ordered = sorted(paths, key=lambda p: corpus_order(p.name))
    stamps = [stamp(path) for path in ordered]
    items = ((path.name, item) for path in ordered for item in read_corpus_file(path))
    segment = index.extend(items, workers, progress, CATCH_UP)
    commit_segment(index, index_dir, manifest, segment, stamps)
    return segment.problems


def commit_segment(
    index: CorpusIndex,
    index_dir: Path,
    manifest: Manifest,
    segment: Segment,
    stamps: list[FileStamp],
) -> None:
    """Save the index's newest segment, made from these corpus files, then the manifest.

    Small trailing segments are then merged (see ``segment.merge_start``), so
    that years of one-article adds do not leave thousands of segments to load.
    """
    manifest.segments.append(write_segment(index_dir, segment))
    manifest.files.extend(stamps)
    write_manifest(index_dir, manifest)
    merge_trailing(index, index_dir, manifest)


def merge_trailing(index: CorpusIndex, index_dir: Path, manifest: Manifest) -> None:
    """Merge trailing segments while the policy asks for it: new file, manifest, old files out."""
    sizes = index.live_passage_count
    while (start := merge_start([sizes(n) for n in range(len(index.segments))])) is not None:
        stop = len(index.segments)
        merged = write_segment(index_dir, Segment.merge(index.compacted(start, stop)))
        replace_segments(index, index_dir, manifest, start, stop, merged)


def replace_segments(
    index: CorpusIndex, index_dir: Path, manifest: Manifest, start: int, stop: int, merged: str
) -> None:
    """Put a saved segment in place of segments ``start:stop``: manifest, then old files out."""
    old = manifest.segments[start:stop]
    gone = [manifest.deletions.pop(name) for name in old if name in manifest.deletions]
    manifest.segments[start:stop] = [merged]
    write_manifest(index_dir, manifest)
    # Mapped from the file like any loaded segment, not held in memory.
    index.replace(start, stop, read_segment(index_dir / merged))
    for name in old + gone:
        (index_dir / name).unlink(missing_ok=True)
    log.info("merged %d index segments into %s", len(old), merged)


def write_segment(index_dir: Path, segment: Segment) -> str:
    """Save a segment as a new file; return its name."""
    name = f"seg-{_next_number(index_dir):06d}.seg"
    atomic_write(index_dir / name, segment.save_parts())
    return name


def read_segment(path: Path) -> Segment:
    """A saved segment, mapped into memory, its checksums verified (else IndexDamagedError)."""
    return Segment.load(path)


def remove_leftovers(index_dir: Path) -> None:
    """Temporary files of a write that was killed before it could rename them."""
    for path in index_dir.glob(".seg-*"):
        path.unlink(missing_ok=True)


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Replace the saved manifest with this one, a generation on."""
    manifest.generation += 1
    atomic_write(index_dir / MANIFEST, manifest.to_json().encode("utf-8"))


def atomic_write(path: Path, data: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write a file so that readers see the old content or the new, never a part.

    With ``durable`` it is on disk when this returns; without, the caller makes
    many files durable at once with ``make_durable``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as tmp:
            try:
                for part in [data] if isinstance(data, bytes) else data:
                    tmp.write(part)
                tmp.flush()
                if durable:
                    os.fsync(tmp.fileno())
            except BaseException:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, path)
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise store_error(path, exc) from None


def make_durable(folder: Path) -> None:
    """Put on disk the files written into a folder with ``durable=False``, and their names."""
    try:
        # One flush of everything written is far cheaper than a flush per file.
        os.sync()
        _fsync_dir(folder)
    except OSError as exc:
        raise store_error(folder, exc, "cannot sync") from None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _listed_segments(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("seg-*.seg")}


def _next_number(index_dir: Path) -> int:
    numbers = [int(n[4:10]) for n in _listed_segments(index_dir) if n[4:10].isdigit()]
    return max(numbers, default=0) + 1
