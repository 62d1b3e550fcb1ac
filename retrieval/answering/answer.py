"""The answer: plain data that the CLI and the bot both render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrieval.storage.neighbours import PassageRef
from retrieval.text.article import Source
from retrieval.text.filters import Filters


@dataclass(frozen=True)
class Result:
    """One excerpt, quoted verbatim, with its score and every source that carries it.

    ``highlights`` are character spans of the excerpt whose words match the
    question's terms; ``ref`` names the passage it was cut from, for its context.
    """

    excerpt: str
    score: float
    sources: tuple[Source, ...]
    highlights: tuple[tuple[int, int], ...] = ()
    speaker: str | None = None
    ref: PassageRef | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "excerpt": self.excerpt,
            "score": self.score,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Answer:
    """The best excerpts for a question, best first; empty when the articles don't answer it.

    ``understood`` is the question as a conversation read it, when that differs from
    ``query`` (a follow-up's pronoun resolved, an ellipsis filled in).
    """

    query: str
    results: tuple[Result, ...] = ()
    articles_searched: int = 0
    passages_searched: int = 0
    terms: tuple[str, ...] = field(default=())
    understood: str | None = None
    # The filters the articles were chosen by (the counts above are of those chosen).
    filters: Filters | None = None
    # Whether the message talks to the bot or asks it to make something, rather than
    # asking about the articles (it then has no results).
    chat: bool = False

    @property
    def found(self) -> bool:
        return bool(self.results)

    @property
    def nothing_matches(self) -> bool:
        """Whether filters left no article to answer from."""
        return self.filters is not None and self.articles_searched == 0

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"query": self.query}
        if self.understood:
            found["understood"] = self.understood
        if self.filters is not None:
            found["filters"] = self.filters.to_dict()
            found["articles_matched"] = self.articles_searched
        if self.chat:
            found["chat"] = True
        return {**found, "results": [r.to_dict() for r in self.results]}
