"""The index: a corpus's segments (articles, passages, postings) and the BM25 scorer over them."""

from __future__ import annotations

import bisect
import logging
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, overload

import numpy as np
import numpy.typing as npt

from retrieval.errors import ArticleError
from retrieval.index.live import LiveSet, compact_segment, segment_terms
from retrieval.index.progress import REBUILD, Progress, ProgressStep
from retrieval.index.scoring import BM25Params, BM25Scorer
from retrieval.index.segment import Analyzed, Segment
from retrieval.index.workers import analyze_all
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article, Source
from retrieval.text.passages import Passage

log = logging.getLogger(__name__)

Item = tuple[str | None, Article | ArticleError]
T = TypeVar("T")
# Articles recently asked for, kept decoded (excerpts ask for the same few often).
_ARTICLE_CACHE = 256
# Titles' terms recently asked for: every question reads those of its best passages'
# articles, and the questions of a conversation keep to a few of them. About 470 bytes
# each (measured over 26,331 news titles).
_TITLE_CACHE = 16384


class CorpusIndex:
    """Everything a search needs, built from articles or loaded from disk, segment by segment."""

    def __init__(self, analyzer: Analyzer, params: BM25Params) -> None:
        self.analyzer = analyzer
        self.params = params
        # Decoded from the segments when asked for, never all held as objects. Articles
        # are the live ones, in order; passages are by position, removed ones included.
        self.articles: Sequence[Article] = _OnDemand(lambda: self._live_articles, self._live_at)
        self.passages: Sequence[Passage] = _OnDemand(lambda: self._passage_count, self.passage_at)
        self._clear()

    def _clear(self) -> None:
        self.segments: list[Segment] = []
        # The removed articles of each segment, by their position in it.
        self.deleted: list[frozenset[int]] = []
        self._live_articles = 0
        self._live_passages = 0
        self._live_list: list[int] | None = None
        self.scorer = BM25Scorer(self.params)
        self._article_base: list[int] = []
        self._passage_base: list[int] = []
        self._article_count = 0
        self._passage_count = 0
        self._article_pos: dict[str, int] = {}
        self._decoded: dict[int, Article] = {}
        self._title_terms: dict[int, tuple[str, ...]] = {}
        self._surfaces: set[str] | None = None
        self._longest_surface: int | None = None
        self._digests: dict[str, str] | None = None

    @classmethod
    def build(
        cls,
        items: Iterable[Item],
        analyzer: Analyzer,
        params: BM25Params,
        workers: int = 1,
        progress: Progress | None = None,
    ) -> CorpusIndex:
        """Analyse every (file name, article) in order; failures are recorded in ``problems``."""
        index = cls(analyzer, params)
        index.extend(items, workers, progress)
        return index

    def extend(
        self,
        items: Iterable[Item],
        workers: int = 1,
        progress: Progress | None = None,
        stage: str = REBUILD,
    ) -> Segment:
        """Analyse articles into a new segment and add it; unreadable ones become problems.

        ``progress`` hears of each chunk analysed, as soon as it is, in order.
        """
        problems: list[str] = []
        seen: set[str] = set()

        def accepted() -> Iterator[tuple[str | None, Article]]:
            for file, item in items:
                problem = self._refusal(item, seen)
                if problem is None:
                    yield file, typing.cast(Article, item)
                else:
                    problems.append(problem)
                    log.warning("skipped: %s", problem)

        def analysed(count: int) -> None:
            if progress is not None:
                progress(ProgressStep(stage, count, refused=len(problems)))

        analyzed = analyze_all(accepted(), self.analyzer, workers, analysed)
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

    def add_segment(self, segment: Segment, deleted: frozenset[int] = frozenset()) -> None:
        """Append a segment (built here or loaded) to the index, without its removed articles."""
        self._article_base.append(self._article_count)
        self._passage_base.append(self._passage_count)
        for number, meta in enumerate(segment.articles):
            if number not in deleted:
                self._article_pos.setdefault(str(meta["id"]), self._article_count + number)
        self._article_count += segment.article_count
        self._passage_count += segment.passage_count
        self.segments.append(segment)
        self.deleted.append(frozenset())
        self._live_list = None
        self._live_articles += segment.article_count
        self._live_passages += segment.passage_count
        self.scorer.add_block(segment.postings)
        # Kept up to date rather than rebuilt, so the question after an add stays fast.
        if self._surfaces is not None:
            self._surfaces.update(segment.surfaces)
        if self._longest_surface is not None:
            self._longest_surface = max(self._longest_surface, _longest(segment.surfaces))
        if self._digests is not None:
            for meta in segment.articles:
                self._digests.setdefault(str(meta["digest"]), str(meta["id"]))
        if deleted:
            self.set_deleted(len(self.segments) - 1, deleted)

    def set_deleted(self, number: int, deleted: frozenset[int]) -> None:
        """Mark these articles of segment ``number`` removed (the earlier ones stay removed)."""
        segment, before = self.segments[number], self.deleted[number]
        if not deleted >= before or max(deleted, default=0) >= max(segment.article_count, 1):
            raise ValueError(f"segment {number}: removals {sorted(deleted)} do not fit it")
        base = self._article_base[number]
        for local in deleted - before:
            article_id = str(segment.articles[local]["id"])
            if self._article_pos.get(article_id) == base + local:
                del self._article_pos[article_id]
        self.deleted[number] = deleted
        self._live_list = None
        mask = self.live_mask(number)
        self._live_articles -= len(deleted) - len(before)
        self._live_passages += int(mask.sum()) - self._live_count(number, before)
        self._digests = None
        self._decoded.clear()
        self.scorer.set_live(
            number,
            LiveSet(segment.postings, mask, segment_terms(segment, self.analyzer))
            if deleted
            else None,
        )

    def where(self, article_id: str) -> tuple[int, int]:
        """The segment an article is in, and its position there."""
        return self._where(article_id)

    def live_mask(self, number: int) -> npt.NDArray[np.bool_]:
        """Which passages of segment ``number`` belong to articles not removed."""
        segment = self.segments[number]
        live = np.ones(segment.article_count, dtype=np.bool_)
        live[list(self.deleted[number])] = False
        return np.repeat(live, np.diff(segment.passage_offsets))

    def live_passage_count(self, number: int) -> int:
        return self._live_count(number, self.deleted[number])

    def _live_count(self, number: int, deleted: frozenset[int]) -> int:
        offsets = self.segments[number].passage_offsets
        gone = sum(int(offsets[a + 1] - offsets[a]) for a in deleted)
        return self.segments[number].passage_count - gone

    @property
    def article_count(self) -> int:
        """Articles in the index, removed ones not counted."""
        return self._live_articles

    @property
    def passage_count(self) -> int:
        """Passages in the index, those of removed articles not counted."""
        return self._live_passages

    def _live_at(self, number: int) -> Article:
        """The ``number``-th article not removed."""
        if not any(self.deleted):
            return self.article_at(number)
        if self._live_list is None:
            self._live_list = list(self.live_articles())
        return self.article_at(self._live_list[number])

    def live_articles(self) -> Iterator[int]:
        """The positions of the articles not removed, in index order."""
        for segment, base, deleted in zip(
            self.segments, self._article_base, self.deleted, strict=True
        ):
            yield from (base + n for n in range(segment.article_count) if n not in deleted)

    def compacted(self, start: int, stop: int) -> list[Segment]:
        """Segments ``start:stop`` without their removed articles (to be merged)."""
        return [
            compact_segment(self.segments[n], self.deleted[n], self.analyzer)
            if self.deleted[n]
            else self.segments[n]
            for n in range(start, stop)
        ]

    def replace(self, start: int, stop: int, segment: Segment) -> None:
        """Put one segment (a merge of them, without removals) in place of ``start:stop``."""
        parts = [*self.segments[:start], segment, *self.segments[stop:]]
        removals = [*self.deleted[:start], frozenset(), *self.deleted[stop:]]
        self._clear()
        for part, deleted in zip(parts, removals, strict=True):
            self.add_segment(part, deleted)

    def replace_from(self, start: int, segment: Segment) -> None:
        """Put one segment (a merge of them) in place of the segments from ``start`` on."""
        self.replace(start, len(self.segments), segment)

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
            meta.get("published"), meta.get("label"),
        )  # fmt: skip

    def title_terms(self, passage: int) -> tuple[str, ...]:
        """The index terms of the title of the passage's article, each once, in order."""
        s, local = self._passage_slot(passage)
        article = self.segments[s].article_of_passage(local)
        number = self._article_base[s] + article
        terms = self._title_terms.get(number)
        if terms is None:
            title = self.segments[s].articles[article].get("title")
            words = self.analyzer.terms(str(title)) if title else []
            terms = tuple(dict.fromkeys(sys.intern(word) for word in words))
            if len(self._title_terms) >= _TITLE_CACHE:
                self._title_terms.pop(next(iter(self._title_terms)))
            self._title_terms[number] = terms
        return terms

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
            for segment, deleted in zip(self.segments, self.deleted, strict=True):
                for number, meta in enumerate(segment.articles):
                    if number not in deleted:
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
        for number, segment in enumerate(self.segments):
            base = self._passage_base[number]
            same = segment.passages_with_key(key)
            if self.deleted[number]:
                same = same[self.live_mask(number)[same]]
            found.extend(base + int(n) for n in same)
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
