"""Segments: a run of analysed articles as plain arrays, the unit that is saved and loaded.

A build makes one segment and every add appends one. A segment holds the
articles' metadata and text, their passages (spans, speakers, headings), a key
per passage that copies share, the written forms of the words, and the
passages' postings. In memory or mapped from a file, it is the same object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.errors import IndexDamagedError
from retrieval.index import arrayfile
from retrieval.index.postings import Int32Array, IntArray, PostingBlock
from retrieval.text.analysis import WORD, Analyzer, fold
from retrieval.text.article import Article
from retrieval.text.cleaning import clean_text
from retrieval.text.passages import Passage, split_article

FORMAT_VERSION = 4
_NO = -1
# Trailing segments of one size class are merged once there are this many.
MERGE_FACTOR = 10


def text_digest(text: str) -> str:
    """What makes two articles the same: their cleaned text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def copy_key(words: Sequence[str]) -> int:
    """A passage's words, hashed: passages with the same words (wire copy) share it."""
    joined = " ".join(words).casefold().encode("utf-8")
    return int.from_bytes(hashlib.blake2b(joined, digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Analyzed:
    """One article with everything the index needs from it."""

    article: Article
    file: str | None
    passages: list[Passage]
    terms: list[list[str]]
    keys: list[int]
    surfaces: set[str]
    digest: str


def analyze(
    article: Article, analyzer: Analyzer, file: str | None = None, as_stored: bool = False
) -> Analyzed:
    """Cut an article into passages and analyse them.

    ``as_stored``: the article was just written to its corpus file; index it as
    reading that file back gives it (cleaning is not always a no-op the second
    time: escaped markup becomes markup), so an add and a rebuild agree.
    """
    if as_stored:
        text = clean_text(article.text)
        article = article if text == article.text else replace(article, text=text)
    passages = split_article(article)
    text = article.text
    # Folding keeps every character's place, so passage spans apply to the folded text.
    folded = fold(text)
    terms = []
    keys = []
    for passage in passages:
        words = WORD.findall(folded, passage.start, passage.end)
        terms.append(passage_terms(analyzer, text, words, passage))
        keys.append(copy_key(words))
    surfaces = analyzer.word_surfaces(WORD.findall(folded))
    return Analyzed(article, file, passages, terms, keys, surfaces, text_digest(text))


def passage_terms(analyzer: Analyzer, text: str, words: list[str], passage: Passage) -> list[str]:
    """A passage's index terms: its own words (found in the folded text), then its context."""
    own = analyzer.word_terms(words)
    context = passage.context(text)
    return own + analyzer.terms(context) if context else own


def reanalyze(analyzer: Analyzer, text: str, passage: Passage) -> list[str]:
    """The terms of one passage of an article's text, exactly as ``analyze`` made them."""
    # Folding is one character for one, and WORD looks neither behind nor ahead:
    # the passage's own span, folded, gives the words the whole text gave.
    words = WORD.findall(fold(text[passage.start : passage.end]))
    return passage_terms(analyzer, text, words, passage)


@dataclass
class Segment:
    """Articles, passages and postings of one build or add, as arrays."""

    articles: list[dict[str, Any]]
    text: npt.NDArray[np.uint8]
    text_offsets: IntArray
    passage_offsets: IntArray
    starts: Int32Array
    ends: Int32Array
    speakers: Int32Array
    headings: Int32Array
    attributions: Int32Array
    strings: list[str]
    keys: npt.NDArray[np.uint64]
    surfaces: list[str]
    postings: PostingBlock
    problems: list[str]
    # The keys sorted, and where each was: made the first time copies are looked up.
    _by_key: tuple[npt.NDArray[np.uint64], IntArray] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def article_count(self) -> int:
        return len(self.articles)

    @property
    def passage_count(self) -> int:
        return len(self.starts)

    def article(self, number: int) -> Article:
        """The article at this position in the segment, with its text."""
        lo, hi = int(self.text_offsets[number]), int(self.text_offsets[number + 1])
        meta = {k: v for k, v in self.articles[number].items() if k not in ("file", "digest")}
        return Article(text=self.text[lo:hi].tobytes().decode("utf-8"), **meta)

    def passage(self, number: int, article_number: int, article_id: str) -> Passage:
        """The passage at this position in the segment."""
        speaker, heading = int(self.speakers[number]), int(self.headings[number])
        lo, hi = (int(n) for n in self.attributions[number])
        return Passage(
            article_id=article_id,
            ordinal=number - int(self.passage_offsets[article_number]),
            start=int(self.starts[number]),
            end=int(self.ends[number]),
            speaker=self.strings[speaker] if speaker != _NO else None,
            attribution=(lo, hi) if lo != _NO else None,
            heading=self.strings[heading] if heading != _NO else None,
        )

    def passages_with_key(self, key: np.uint64) -> IntArray:
        """The positions (in this segment) of the passages with this copy key."""
        if self._by_key is None:
            order = np.argsort(self.keys, kind="stable")
            self._by_key = (self.keys[order], order)
        keys, order = self._by_key
        lo, hi = np.searchsorted(keys, key, side="left"), np.searchsorted(keys, key, side="right")
        return order[int(lo) : int(hi)]

    def article_of_passage(self, number: int) -> int:
        return int(np.searchsorted(self.passage_offsets, number, side="right")) - 1

    @classmethod
    def build(cls, analyzed: Sequence[Analyzed], problems: Iterable[str] = ()) -> Segment:
        """A segment of analysed articles, in order."""
        strings: dict[str, int] = {}
        texts = [a.article.text.encode("utf-8") for a in analyzed]
        passages = [p for a in analyzed for p in a.passages]
        attributions = [p.attribution or (_NO, _NO) for p in passages]
        surfaces: set[str] = set()
        for a in analyzed:
            surfaces |= a.surfaces
        return cls(
            articles=[_metadata(a) for a in analyzed],
            text=np.frombuffer(b"".join(texts), dtype=np.uint8),
            text_offsets=_offsets(len(t) for t in texts),
            passage_offsets=_offsets(len(a.passages) for a in analyzed),
            starts=np.asarray([p.start for p in passages], dtype=np.int32),
            ends=np.asarray([p.end for p in passages], dtype=np.int32),
            speakers=_string_ids((p.speaker for p in passages), strings),
            headings=_string_ids((p.heading for p in passages), strings),
            attributions=np.asarray(attributions, dtype=np.int32).reshape(-1, 2),
            strings=list(strings),
            keys=np.asarray([k for a in analyzed for k in a.keys], dtype=np.uint64),
            surfaces=sorted(surfaces),
            postings=PostingBlock.build(t for a in analyzed for t in a.terms),
            problems=list(problems),
        )

    @classmethod
    def merge(cls, segments: Sequence[Segment]) -> Segment:
        """One segment for consecutive segments, in order: the same articles and passages."""
        strings: dict[str, int] = {}
        speakers, headings = [], []
        for segment in segments:
            renumber = np.asarray(
                [strings.setdefault(text, len(strings)) for text in segment.strings] + [_NO],
                dtype=np.int32,
            )
            # Index -1 (no speaker, no heading) picks the last entry: _NO.
            speakers.append(renumber[segment.speakers])
            headings.append(renumber[segment.headings])
        surfaces: set[str] = set()
        for segment in segments:
            surfaces.update(segment.surfaces)
        return cls(
            articles=[dict(meta) for segment in segments for meta in segment.articles],
            text=np.concatenate([segment.text for segment in segments]),
            text_offsets=_joined_offsets([segment.text_offsets for segment in segments]),
            passage_offsets=_joined_offsets([segment.passage_offsets for segment in segments]),
            starts=np.concatenate([segment.starts for segment in segments]),
            ends=np.concatenate([segment.ends for segment in segments]),
            speakers=np.concatenate(speakers),
            headings=np.concatenate(headings),
            attributions=np.concatenate([segment.attributions for segment in segments]),
            strings=list(strings),
            keys=np.concatenate([segment.keys for segment in segments]),
            surfaces=sorted(surfaces),
            postings=PostingBlock.merge([segment.postings for segment in segments]),
            problems=[problem for segment in segments for problem in segment.problems],
        )

    def save_parts(self) -> Iterable[bytes]:
        """The segment as a file's bytes, in pieces."""
        header = {
            "format_version": FORMAT_VERSION,
            "articles": self.articles,
            "strings": self.strings,
            "problems": self.problems,
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "text": self.text,
            "text_offsets": self.text_offsets,
            "passage_offsets": self.passage_offsets,
            "starts": self.starts,
            "ends": self.ends,
            "speakers": self.speakers,
            "headings": self.headings,
            "attributions": self.attributions,
            "keys": self.keys,
            "surfaces": _joined(self.surfaces),
            "terms": _joined(self.postings.terms),
            "posting_offsets": self.postings.offsets,
            "posting_ids": self.postings.ids,
            "posting_tfs": self.postings.tfs,
            "doc_len": self.postings.doc_len,
        }
        return arrayfile.encode(header, arrays)

    @classmethod
    def load(cls, path: Path, verify: bool = True) -> Segment:
        """A saved segment, mapped, its checksums verified.

        Whatever goes wrong reading it (a checksum, a truncated file, bytes that
        do not decode or do not fit together) is IndexDamagedError naming the file.
        """
        try:
            return cls._load(path, verify)
        except Exception as exc:
            raise IndexDamagedError(f"{path}: {arrayfile.reason(exc, path.name)}") from exc

    @classmethod
    def _load(cls, path: Path, verify: bool) -> Segment:
        header, arrays = arrayfile.read(path, verify)
        if header.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path.name}: format version {header.get('format_version')!r}")
        postings = PostingBlock(
            terms=_split(arrays["terms"]),
            offsets=arrays["posting_offsets"],
            ids=arrays["posting_ids"],
            tfs=arrays["posting_tfs"],
            doc_len=arrays["doc_len"],
        )
        segment = cls(
            articles=[dict(a) for a in header["articles"]],
            text=arrays["text"],
            text_offsets=arrays["text_offsets"],
            passage_offsets=arrays["passage_offsets"],
            starts=arrays["starts"],
            ends=arrays["ends"],
            speakers=arrays["speakers"],
            headings=arrays["headings"],
            attributions=arrays["attributions"],
            strings=[str(s) for s in header["strings"]],
            keys=arrays["keys"],
            surfaces=_split(arrays["surfaces"]),
            postings=postings,
            problems=[str(p) for p in header["problems"]],
        )
        segment.check()
        return segment

    def check(self) -> None:
        """Raise ValueError when the parts do not fit together (a damaged file)."""
        a, p = self.article_count, self.passage_count
        sizes = {
            "text_offsets": (len(self.text_offsets), a + 1),
            "passage_offsets": (len(self.passage_offsets), a + 1),
            "ends": (len(self.ends), p),
            "speakers": (len(self.speakers), p),
            "headings": (len(self.headings), p),
            "attributions": (len(self.attributions), p),
            "keys": (len(self.keys), p),
            "doc_len": (self.postings.size, p),
        }
        for name, (have, want) in sizes.items():
            if have != want:
                raise ValueError(f"segment: {name} has {have} entries, not {want}")
        if int(self.text_offsets[-1]) != len(self.text) or int(self.passage_offsets[-1]) != p:
            raise ValueError("segment: offsets do not match the text or the passages")
        self.postings.check()


def merge_start(sizes: Sequence[int]) -> int | None:
    """Where the trailing segments to merge begin (sizes in passages, in order), or None.

    A segment's size class is its number of digits. When MERGE_FACTOR segments
    of one class (or twice that of any mix of smaller ones) end the list,
    they and the smaller ones after them become one segment. Merging only ever
    joins neighbours, so passages keep their order; each passage is rewritten
    about once per size class, and the count of segments stays small (at most
    about 2 * MERGE_FACTOR per class).
    """
    classes = [len(str(max(n, 1))) for n in sizes]
    for level in sorted(set(classes)):
        run = 0
        same = 0
        for c in reversed(classes):
            if c > level:
                break
            run += 1
            same += c == level
        if run > 1 and (same >= MERGE_FACTOR or run >= 2 * MERGE_FACTOR):
            return len(sizes) - run
    return None


def _metadata(analyzed: Analyzed) -> dict[str, Any]:
    article = analyzed.article
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "label": article.label,
        "extra": article.extra,
        "file": analyzed.file,
        "digest": analyzed.digest,
    }


def _offsets(lengths: Iterable[int]) -> IntArray:
    sizes = np.fromiter(lengths, dtype=np.int64)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets


def _joined_offsets(parts: Sequence[IntArray]) -> IntArray:
    """Offsets of consecutive runs, each given from 0, as offsets into the whole."""
    joined = [np.zeros(1, dtype=np.int64)]
    base = 0
    for offsets in parts:
        joined.append(offsets[1:].astype(np.int64) + base)
        base += int(offsets[-1])
    return np.concatenate(joined)


def _string_ids(values: Iterable[str | None], strings: dict[str, int]) -> Int32Array:
    ids = [_NO if v is None else strings.setdefault(v, len(strings)) for v in values]
    return np.asarray(ids, dtype=np.int32)


def _joined(words: list[str]) -> npt.NDArray[np.uint8]:
    # Terms and word forms never hold a newline: they are runs of word characters.
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def _split(data: npt.NDArray[np.uint8]) -> list[str]:
    return data.tobytes().decode("utf-8").split("\n") if len(data) else []
