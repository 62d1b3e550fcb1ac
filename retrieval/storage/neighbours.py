"""An excerpt's context: the paragraph it was cut from, with the paragraphs around it.

An answer names each excerpt's passage by a ``PassageRef``: the article's id and the
passage's span of the article's text, with a checksum of that text. Positions in the
index change when articles are added or removed; the article's text does not, so a
reference made today still finds its paragraph after a restart or a rebuild, and an
article removed (or replaced under the same id) since is told, never shown wrongly.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

from retrieval.errors import PassageGone
from retrieval.index.corpus_index import CorpusIndex
from retrieval.text.article import Article, Source
from retrieval.text.passages import Passage, paragraph_spans

# The longest token a reference makes: a Discord custom id (100) holds it with a prefix.
TOKEN_CHARS = 80
# Ids longer than this are carried as a digest of the id (ids may be 128 characters).
_ID_CHARS = 48
_DIGEST = "~"
_ID = r"~[0-9a-f]{20}|[A-Za-z0-9][A-Za-z0-9_.-]{0,47}"
_TOKEN = re.compile(rf"(\d{{1,9}}):(\d{{1,9}}):([0-9a-f]{{8}}):({_ID})")


@dataclass(frozen=True)
class PassageRef:
    """A stable reference to a passage: article id, its span of the text, the text's checksum.

    ``article_id`` is the id itself, or ``~`` and a digest of it for a long id.
    """

    article_id: str
    start: int
    end: int
    checksum: str

    @classmethod
    def of(cls, article: Article, passage: Passage) -> PassageRef:
        return cls(article.id, passage.start, passage.end, text_checksum(article.text))

    def token(self) -> str:
        """The reference as at most TOKEN_CHARS characters: ``start:end:checksum:id``."""
        article = self.article_id
        if len(article) > _ID_CHARS:
            article = id_digest(article)
        return f"{self.start}:{self.end}:{self.checksum}:{article}"

    @classmethod
    def parse(cls, token: str) -> PassageRef | None:
        """The reference a token names, or None when it is not one."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        start, end = int(match[1]), int(match[2])
        if end <= start:
            return None
        return cls(match[4], start, end, match[3])

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article_id, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Context:
    """The paragraph an excerpt was cut from, with the paragraph before and after it.

    ``paragraphs[at]`` is the excerpt's paragraph (several, as the article has them,
    when its passage spans several); ``focus`` is the passage's span in it. ``earlier``
    and ``later`` say whether the article has more text before and after these.
    """

    source: Source
    paragraphs: tuple[str, ...]
    at: int
    focus: tuple[int, int]
    earlier: bool
    later: bool

    @property
    def paragraph(self) -> str:
        """The excerpt's paragraph."""
        return self.paragraphs[self.at]

    def to_dict(self) -> dict[str, Any]:
        return {
            "paragraphs": list(self.paragraphs),
            "at": self.at,
            "focus": list(self.focus),
            "earlier": self.earlier,
            "later": self.later,
            "source": self.source.to_dict(),
        }


def text_checksum(text: str) -> str:
    """CRC-32 of an article's text, as 8 hex digits."""
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def id_digest(article_id: str) -> str:
    """How a long article id is carried in a token."""
    return _DIGEST + hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:20]


def context_of(index: CorpusIndex, ref: PassageRef) -> Context:
    """The context of the referenced passage; PassageGone when its article is not there."""
    article = _article(index, ref.article_id)
    text = article.text
    if text_checksum(text) != ref.checksum or ref.end > len(text):
        raise PassageGone("that article has changed since this answer was given")
    spans = paragraph_spans(text)
    # The paragraphs the passage lies in (a quote passage may join two or more).
    inside = [n for n, (lo, hi) in enumerate(spans) if lo < ref.end and hi > ref.start]
    if not inside:
        raise PassageGone("that article has changed since this answer was given")
    first, last = inside[0], inside[-1]
    lo, hi = spans[first][0], spans[last][1]
    before = [text[slice(*spans[first - 1])]] if first > 0 else []
    after = [text[slice(*spans[last + 1])]] if last + 1 < len(spans) else []
    focus = (max(ref.start, lo) - lo, min(ref.end, hi) - lo)
    return Context(
        source=Source.of(article),
        paragraphs=(*before, text[lo:hi], *after),
        at=len(before),
        focus=focus,
        earlier=first > 1,
        later=last + 2 < len(spans),
    )


def _article(index: CorpusIndex, article_id: str) -> Article:
    if article_id.startswith(_DIGEST):
        for number in index.live_articles():
            found = index.source_at(number).id
            if id_digest(found) == article_id:
                return index.article(found)
    elif index.has_article(article_id):
        return index.article(article_id)
    raise PassageGone("that article was removed from the corpus")
