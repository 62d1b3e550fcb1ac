"""Passages: the units that are scored, cut from an article along news paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from retrieval.articles import Article
from retrieval.sentences import sentence_spans
from retrieval.speakers import Attribution, context_speaker, named_speaker, needs_speaker

# A paragraph longer than this is cut into runs of whole sentences.
MAX_PASSAGE_CHARS = 500
TARGET_CHUNK_CHARS = 350
_HEADING_MAX_CHARS = 80


@dataclass(frozen=True)
class Passage:
    """A span of an article's text, with what its neighbours say about it.

    ``speaker`` is the person a quote is attributed to in the neighbouring text
    when the passage itself does not name them; ``attribution`` is the span of
    the article's text that names them; ``heading`` a subheading above it.
    """

    article_id: str
    ordinal: int
    start: int
    end: int
    speaker: str | None = None
    attribution: tuple[int, int] | None = None
    heading: str | None = None

    def text(self, article_text: str) -> str:
        return article_text[self.start : self.end]

    def context(self) -> str:
        """Words indexed with the passage though they stand outside it."""
        return " ".join(part for part in (self.speaker, self.heading) if part)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the blank-line-separated paragraphs of cleaned text."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]


def is_heading(paragraph: str) -> bool:
    """A short line with no sentence punctuation: a subheading, not prose."""
    return (
        "\n" not in paragraph
        and len(paragraph) <= _HEADING_MAX_CHARS
        and not re.search(r"[.!?…\"”]\s*$", paragraph)
    )


def split_article(article: Article) -> list[Passage]:
    """Every passage of an article, in reading order."""
    text = article.text
    paragraphs = paragraph_spans(text)
    passages: list[Passage] = []
    heading: str | None = None
    # The speaker a run-on quote inherits, and the span that named them.
    carried: tuple[str, tuple[int, int]] | None = None
    for index, (p_start, p_end) in enumerate(paragraphs):
        paragraph = text[p_start:p_end]
        if is_heading(paragraph) and index + 1 < len(paragraphs):
            heading = paragraph
            carried = None
            continue
        speaker: str | None = None
        attribution: tuple[int, int] | None = None
        if needs_speaker(paragraph) and index > 0:
            previous_start, previous_end = paragraphs[index - 1]
            previous = text[previous_start:previous_end]
            found = named_speaker(previous)
            if found is None and carried is not None:
                speaker, attribution = carried
            else:
                found = found or context_speaker(previous)
                if found is not None:
                    speaker = found.name
                    attribution = _sentence_around(text, previous_start, previous, found)
        own = named_speaker(paragraph)
        carried = (speaker, attribution) if speaker and attribution else None
        if own is not None:
            carried = (own.name, _sentence_around(text, p_start, paragraph, own))
        for start, end in _chunks(text, p_start, p_end):
            chunk_speaker = speaker
            if chunk_speaker is None and own is not None and own.name not in text[start:end]:
                chunk_speaker = own.name
            passages.append(
                Passage(
                    article_id=article.id,
                    ordinal=len(passages),
                    start=start,
                    end=end,
                    speaker=chunk_speaker,
                    attribution=attribution,
                    heading=heading,
                )
            )
        heading = None
    return passages


def _sentence_around(text: str, offset: int, paragraph: str, found: Attribution) -> tuple[int, int]:
    for start, end in sentence_spans(paragraph):
        if start <= found.start < end:
            return offset + start, offset + end
    return offset + found.start, offset + found.end


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The paragraph whole, or runs of its sentences when it is long."""
    if end - start <= MAX_PASSAGE_CHARS:
        yield start, end
        return
    run_start: int | None = None
    run_end = start
    for s_start, s_end in sentence_spans(text[start:end]):
        s_start, s_end = start + s_start, start + s_end
        if run_start is not None and s_end - run_start > TARGET_CHUNK_CHARS:
            yield run_start, run_end
            run_start = None
        if run_start is None:
            run_start = s_start
        run_end = s_end
    if run_start is not None:
        yield run_start, run_end
