"""Shown text: what an answer's excerpts already show, to tell what would only repeat it."""

from __future__ import annotations

from collections.abc import Iterable

from retrieval.text.sentences import sentence_spans

ELLIPSIS = "…"


class ShownText:
    """Excerpts already shown, to tell the sentences that would only repeat them."""

    def __init__(self, excerpts: Iterable[str] = ()) -> None:
        self._text = "\n".join(_flat(e) for e in excerpts)

    def __bool__(self) -> bool:
        return bool(self._text)

    def has(self, sentence: str) -> bool:
        flat = _flat(sentence)
        return bool(flat) and flat in self._text

    def covers(self, excerpt: str) -> bool:
        """Whether every sentence of an excerpt is shown already."""
        text = excerpt.replace(ELLIPSIS, " ")
        return all(self.has(text[start:end]) for start, end in sentence_spans(text))

    def plus(self, other: ShownText) -> ShownText:
        """The text shown here and the text shown there."""
        joined = ShownText()
        joined._text = "\n".join(t for t in (self._text, other._text) if t)
        return joined


def _flat(text: str) -> str:
    """Text with ellipses and line breaks as spaces: how it compares with shown text."""
    return " ".join(text.replace(ELLIPSIS, " ").split())
