"""The index: a corpus's segments (articles, passages, postings) and the BM25 scorer over them."""

from __future__ import annotations

import bisect
import logging
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar, overload

import numpy as np

from retrieval.errors import ArticleError
from retrieval.index.scoring import BM25Params, BM25Scorer
from retrieval.index.segment import Analyzed, Segment
from retrieval.index.workers import PARALLEL_MIN, Analysis
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article, Source
from retrieval.text.passages import Passage

log = logging.getLogger(__name__)

Item = tuple[str | None, Article | ArticleError]
T = TypeVar("T")
# Articles recently asked for, kept decoded (excerpts ask for the same few often).
_ARTICLE_CACHE = 256


class CorpusIndex:
    """Everything a search needs, built from articles or loaded from disk, segment by segment."""

    def __init__(self, analyzer: Analyzer, params: BM25Params) -> None:
        self.analyzer = analyzer
        self.params = params
        # Decoded from the segments when asked for, never all held as objects.
        self.articles: Sequence[Article] = _OnDemand(lambda: self._article_count, self.article_at)
        self.passages: Sequence[Passage] = _OnDemand(lambda: self._passage_count, self.passage_at)
        self._clear()

    def _clear(self) -> None:
        self.segments: list[Segment] = []
        self.scorer = BM25Scorer(self.params)
        self._article_base: list[int] = []
        self._passage_base: list[int] = []
        self._article_count = 0
        self._passage_count = 0
        self._article_pos: dict[str, int] = {}
        self._decoded: dict[int, Article] = {}
        self._surfaces: set[str] | None = None
        self._longest_surface: int | None = None
        self._digests: dict[str, str] | None = None

    @classmethod
    def build(
        cls, items: Iterable[Item], analyzer: Analyzer, params: BM25Params, workers: int = 1
    ) -> CorpusIndex:
        """Analyse every (file name, article) in order; failures are recorded in ``problems``."""
        index = cls(analyzer, params)
        index.extend(items, workers)
        return index

    def extend(self, items: Iterable[Item], workers: int = 1) -> Segment:
        """Analyse articles into a new segment and add it; unreadable ones become problems.

        Articles are handed to the workers in chunks as they are read, so reading
        the corpus and analysing it overlap.
        """
        problems: list[str] = []
        seen: set[str] = set()
        chunk: list[tuple[str | None, Article]] = []
        with Analysis(self.analyzer, workers) as analysis:
            waiting = []
            for file, item in items:
                problem = self._refusal(item, seen)
                if problem is not None:
                    problems.append(problem)
                    log.warning("skipped: %s", problem)
                    continue
                chunk.append((file, typing.cast(Article, item)))
                if len(chunk) >= PARALLEL_MIN:
                    waiting.append(analysis.submit(chunk))
                    chunk = []
            waiting.append(analysis.submit(chunk))
            analyzed = [a for wait in waiting for a in wait()]
        return self.add_analyzed(analyzed, problems)

    def _refusal(self, item: Article | ArticleError, seen: set[str]) -> str | None:
        """Why an item read from the corpus can't join the index, or None."""
        if isinstance(item, ArticleError):
            return str(item)
        if item.id in self._article_pos or item.id in seen:
            return f"{item.id}: duplicate article id, later copy skipped"
        seen.add(item.id)
        return None

    def add_analyzed(self, analyzed: Sequence[Analyzed], problems: Iterable[str] = ()) -> Segment:
        """Make analysed articles a new segment of the index."""
        segment = Segment.build(analyzed, problems)
        self.add_segment(segment)
        return segment

    def add_segment(self, segment: Segment) -> None:
        """Append a segment (built here or loaded) to the index."""
        self._article_base.append(self._article_count)
        self._passage_base.append(self._passage_count)
        for number, meta in enumerate(segment.articles, start=self._article_count):
            self._article_pos.setdefault(str(meta["id"]), number)
        self._article_count += segment.article_count
        self._passage_count += segment.passage_count
        self.segments.append(segment)
        self.scorer.add_block(segment.postings)
        # Kept up to date rather than rebuilt, so the question after an add stays fast.
        if self._surfaces is not None:
            self._surfaces.update(segment.surfaces)
        if self._longest_surface is not None:
            self._longest_surface = max(self._longest_surface, _longest(segment.surfaces))
        if self._digests is not None:
            for meta in segment.articles:
                self._digests.setdefault(str(meta["digest"]), str(meta["id"]))

    def replace_from(self, start: int, segment: Segment) -> None:
        """Put one segment (a merge of them) in place of the segments from ``start`` on."""
        kept = self.segments[:start]
        self._clear()
        for part in [*kept, segment]:
            self.add_segment(part)

    @property
    def problems(self) -> list[str]:
        """Articles that could not be read, across every build and add."""
        return [p for segment in self.segments for p in segment.problems]

    @property
    def surfaces(self) -> set[str]:
        """Every word as written in the corpus, to tell names from their stems."""
        if self._surfaces is None:
            found: set[str] = set()
            for segment in self.segments:
                found.update(segment.surfaces)
            self._surfaces = found
        return self._surfaces

    @property
    def longest_surface(self) -> int:
        """The length of the longest word in the corpus, which bounds spelling correction."""
        if self._longest_surface is None:
            self._longest_surface = _longest(self.surfaces)
        return self._longest_surface

    def has_article(self, article_id: str) -> bool:
        return article_id in self._article_pos

    def article(self, article_id: str) -> Article:
        return self.article_at(self._article_pos[article_id])

    def article_at(self, number: int) -> Article:
        """The article at this position in the index."""
        cached = self._decoded.get(number)
        if cached is None:
            s, local = self._article_slot(number)
            cached = self.segments[s].article(local)
            if len(self._decoded) >= _ARTICLE_CACHE:
                self._decoded.pop(next(iter(self._decoded)))
            self._decoded[number] = cached
        return cached

    def passage_at(self, number: int) -> Passage:
        """The passage at this position in the index."""
        s, local = self._passage_slot(number)
        segment = self.segments[s]
        article = segment.article_of_passage(local)
        return segment.passage(local, article, str(segment.articles[article]["id"]))

    def source_at(self, number: int) -> Source:
        """Where the article at this position comes from (its text is not decoded)."""
        s, local = self._article_slot(number)
        meta = self.segments[s].articles[local]
        return Source(
            str(meta["id"]), meta.get("title"), meta.get("source"), meta.get("url"),
            meta.get("published"),
        )  # fmt: skip

    def source_of(self, passage: int) -> Source:
        """Where the passage at this position comes from."""
        s, local = self._passage_slot(passage)
        return self.source_at(self._article_base[s] + self.segments[s].article_of_passage(local))

    def file_of(self, article_id: str) -> str | None:
        """The corpus file the article was read from."""
        s, local = self._where(article_id)
        file = self.segments[s].articles[local].get("file")
        return str(file) if file is not None else None

    def article_with_text(self, digest: str) -> str | None:
        """The id of the article whose cleaned text has this digest, if any."""
        if self._digests is None:
            digests: dict[str, str] = {}
            for segment in self.segments:
                for meta in segment.articles:
                    digests.setdefault(str(meta["digest"]), str(meta["id"]))
            self._digests = digests
        return self._digests.get(digest)

    def passages_of(self, article_id: str) -> range:
        """The positions of an article's passages."""
        s, local = self._where(article_id)
        offsets, base = self.segments[s].passage_offsets, self._passage_base[s]
        return range(base + int(offsets[local]), base + int(offsets[local + 1]))

    def article_of(self, passage: int) -> Article:
        return self.article(self.passages[passage].article_id)

    def passage_text(self, passage: int) -> str:
        p = self.passages[passage]
        return self.article(p.article_id).text[p.start : p.end]

    def same_passages(self, passage: int) -> list[int]:
        """Every passage with the same words as this one, this one included."""
        key = self._key(passage)
        found: list[int] = []
        for segment, base in zip(self.segments, self._passage_base, strict=True):
            found.extend(base + int(n) for n in segment.passages_with_key(key))
        return sorted(found)

    def _key(self, passage: int) -> np.uint64:
        s, local = self._passage_slot(passage)
        key: np.uint64 = self.segments[s].keys[local]
        return key

    def _where(self, article_id: str) -> tuple[int, int]:
        return self._article_slot(self._article_pos[article_id])

    def _article_slot(self, number: int) -> tuple[int, int]:
        """The segment an article position falls in, and its position there."""
        s = bisect.bisect_right(self._article_base, number) - 1
        return s, number - self._article_base[s]

    def _passage_slot(self, number: int) -> tuple[int, int]:
        """The segment a passage position falls in, and its position there."""
        s = bisect.bisect_right(self._passage_base, number) - 1
        return s, number - self._passage_base[s]


class _OnDemand(Sequence[T]):
    """A read-only sequence whose items are made when asked for (articles, passages)."""

    def __init__(self, length: Callable[[], int], item: Callable[[int], T]) -> None:
        self._length = length
        self._item = item

    def __len__(self) -> int:
        return self._length()

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self._item(n) for n in range(len(self))[i]]
        return self._item(range(len(self))[i])


def _longest(words: Iterable[str]) -> int:
    return max(map(len, words), default=0)
