"""Passages: the units that are scored, cut from an article along news paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from retrieval.text.article import Article
from retrieval.text.sentences import sentence_spans
from retrieval.text.speakers import (
    Attribution,
    agrees,
    attributed_pronoun,
    context_speaker,
    full_names,
    is_quote,
    named_speaker,
    pronoun_attributed,
    speaker_genders,
)

# A paragraph longer than this is cut into runs of whole sentences.
MAX_PASSAGE_CHARS = 500
TARGET_CHUNK_CHARS = 350
_HEADING_MAX_CHARS = 80


@dataclass(frozen=True)
class Passage:
    """A span of an article's text, with what its neighbours say about it.

    ``speaker`` is the person the passage's quote is attributed to and
    ``attribution`` the span of the article's text that names them, which may
    lie inside the passage or in the paragraph before it; ``heading`` is a
    subheading above it.
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

    def context(self, article_text: str) -> str:
        """Words indexed with the passage though they stand outside it.

        The words of the speaker's full name that the passage lacks are added,
        so "According to Janet Davis, ..." finds a quote that says only "Davis".
        """
        text = self.text(article_text)
        words = self.speaker.split() if self.speaker else []
        missing = [w for w in words if w not in text]
        return " ".join(part for part in (" ".join(missing), self.heading) if part)


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


@dataclass
class _Group:
    """Consecutive paragraphs that become one passage (before long ones are cut)."""

    start: int
    end: int
    speaker: str | None = None
    attribution: tuple[int, int] | None = None
    heading: str | None = None
    # Its quote is signed after it ("…” -- Ford says): nothing runs on from it.
    closed: bool = False


def split_article(article: Article) -> list[Passage]:
    """Every passage of an article, in reading order.

    A passage is a paragraph, joined by the quote paragraphs that follow it
    without naming their speaker (so a quote stays with whoever says it),
    up to MAX_PASSAGE_CHARS; a longer paragraph is cut into runs of sentences.
    """
    text = article.text
    paragraphs = paragraph_spans(text)
    groups: list[_Group] = []
    heading: str | None = None
    genders = speaker_genders(text) if pronoun_attributed(text) else {}
    for index, (p_start, p_end) in enumerate(paragraphs):
        paragraph = text[p_start:p_end]
        if is_heading(paragraph) and index + 1 < len(paragraphs):
            heading = paragraph
            continue
        own = named_speaker(paragraph)
        last = groups[-1] if groups and heading is None else None
        # (needs_speaker, without naming the speaker a second time)
        needs = own is None and (is_quote(paragraph) or pronoun_attributed(paragraph))
        pronoun = attributed_pronoun(paragraph) if needs else None
        # "…," she said after a man's words: not his, so not run on from them either.
        other = last is not None and last.speaker and not agrees(last.speaker, pronoun, genders)
        if needs and last is not None and not last.closed and not other:
            if last.speaker is None:
                _attribute(last, text, paragraphs[index - 1], pronoun, genders)
            if last.speaker is not None and p_end - last.start <= MAX_PASSAGE_CHARS:
                last.end = p_end
                continue
            group = _Group(p_start, p_end, heading=heading)
            if last.speaker is not None:
                group.speaker, group.attribution = last.speaker, last.attribution
            else:
                _attribute(group, text, paragraphs[index - 1], pronoun, genders)
        else:
            group = _Group(p_start, p_end, heading=heading)
            if own is not None:
                group.speaker = own.name
                group.attribution = _sentence_around(text, p_start, paragraph, own)
                group.closed = own.signed
            elif other:
                _attribute(group, text, paragraphs[index - 1], pronoun, genders)
        groups.append(group)
        heading = None
    passages: list[Passage] = []
    names = full_names(text) if any(g.speaker for g in groups) else {}
    for group in groups:
        if group.speaker and " " not in group.speaker:
            group.speaker = names.get(group.speaker, group.speaker)
        for start, end in _chunks(text, group.start, group.end):
            passages.append(
                Passage(
                    article_id=article.id,
                    ordinal=len(passages),
                    start=start,
                    end=end,
                    speaker=group.speaker,
                    attribution=group.attribution,
                    heading=group.heading,
                )
            )
    return passages


def _attribute(
    group: _Group,
    text: str,
    previous_span: tuple[int, int],
    pronoun: str | None = None,
    genders: dict[str, str] | None = None,
) -> None:
    """Name the group's speaker from the paragraph before it, where that names one."""
    start, end = previous_span
    previous = text[start:end]
    found = context_speaker(previous, pronoun, genders)
    if found is not None:
        group.speaker = found.name
        group.attribution = _sentence_around(text, start, previous, found)


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
