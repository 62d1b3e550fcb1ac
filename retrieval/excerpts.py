"""Excerpts: the part of a passage worth quoting, verbatim, trimmed with an ellipsis.

An excerpt is made of pieces of the article's own text. Where text is left
out, an ellipsis ("…") stands in its place; a quote whose speaker is named only
in the neighbouring text is preceded by the words that name them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from retrieval.analysis import Analyzer
from retrieval.passages import Passage
from retrieval.sentences import sentence_spans

ELLIPSIS = "…"


@dataclass(frozen=True)
class Excerpt:
    """Quoted text and the spans in it of words that match the question."""

    text: str
    highlights: tuple[tuple[int, int], ...]


def make_excerpt(
    article_text: str,
    passage: Passage,
    weights: Mapping[str, float],
    analyzer: Analyzer,
    max_chars: int,
) -> Excerpt:
    """The best part of a passage for a question, at most ``max_chars`` characters."""
    lead = _attribution(article_text, passage, max_chars // 2)
    budget = max_chars - (len(lead) + 1 if lead else 0)
    text = article_text[passage.start : passage.end]
    body = _window(text, weights, analyzer, budget)
    if lead and passage.speaker and _surname(passage.speaker) in body:
        lead = ""
    excerpt = f"{lead}\n{body}" if lead else body
    highlights = tuple(
        (t.start, t.end) for t in analyzer.tokens(excerpt) if weights.get(t.term, 0) > 0
    )
    return Excerpt(excerpt, highlights)


def _surname(name: str) -> str:
    return name.split()[-1]


def _attribution(article_text: str, passage: Passage, limit: int) -> str:
    """The words naming the speaker, when they stand outside the passage."""
    if not passage.speaker or not passage.attribution:
        return ""
    start, end = passage.attribution
    if passage.start <= start and end <= passage.end:
        return ""
    sentence = article_text[start:end]
    at = sentence.find(passage.speaker.split()[0])
    if at < 0:
        at = sentence.find(_surname(passage.speaker))
    at = max(at, 0)
    piece = sentence[at:]
    prefix = ELLIPSIS if at > 0 else ""
    suffix = ELLIPSIS if end < passage.start and not _adjacent(article_text, end, passage.start) else ""
    room = limit - len(prefix) - len(suffix)
    if len(piece) > room:
        piece = _cut_words(piece, room - 1) + ELLIPSIS
        suffix = ""
    return f"{prefix}{piece}{suffix}"


def _adjacent(article_text: str, end: int, next_start: int) -> bool:
    """Whether only white space lies between two spans."""
    return not article_text[end:next_start].strip()


def _window(text: str, weights: Mapping[str, float], analyzer: Analyzer, budget: int) -> str:
    """The passage whole if it fits, else the best run of sentences, else a cut sentence."""
    if len(text) <= budget:
        return text
    spans = sentence_spans(text)
    terms = [
        {t.term for t in analyzer.tokens(text[s:e]) if weights.get(t.term, 0) > 0} for s, e in spans
    ]
    best: tuple[float, int, int] | None = None
    best_run = (0, 0)
    for i in range(len(spans)):
        seen: set[str] = set()
        for j in range(i, len(spans)):
            length = spans[j][1] - spans[i][0] + (1 if i > 0 else 0) + (1 if j < len(spans) - 1 else 0)
            if length > budget:
                break
            seen |= terms[j]
            key = (sum(weights[t] for t in seen), -(j - i), -i)
            if best is None or key > best:
                best, best_run = key, (i, j)
    if best is None:
        return _cut_sentence(text, spans, terms, weights, analyzer, budget)
    i, j = best_run
    # Fill the remaining room with following, then preceding, whole sentences.
    while j + 1 < len(spans) and _run_len(spans, i, j + 1) <= budget:
        j += 1
    while i > 0 and _run_len(spans, i - 1, j) <= budget:
        i -= 1
    return _run_text(text, spans, i, j)


def _run_len(spans: list[tuple[int, int]], i: int, j: int) -> int:
    return spans[j][1] - spans[i][0] + (1 if i > 0 else 0) + (1 if j < len(spans) - 1 else 0)


def _run_text(text: str, spans: list[tuple[int, int]], i: int, j: int) -> str:
    body = text[spans[i][0] : spans[j][1]]
    return (ELLIPSIS if i > 0 else "") + body + (ELLIPSIS if j < len(spans) - 1 else "")


def _cut_sentence(
    text: str,
    spans: list[tuple[int, int]],
    terms: list[set[str]],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    budget: int,
) -> str:
    """A window of words from the best sentence, centred on its matching words."""
    scores = [sum(weights[t] for t in found) for found in terms]
    best = max(range(len(spans)), key=lambda n: scores[n]) if spans else 0
    start, end = spans[best] if spans else (0, len(text))
    sentence = text[start:end]
    marks = [m.start() for m in re.finditer(r"\w+", sentence)]
    room = budget - 2
    hits = [t.start for t in analyzer.tokens(sentence) if weights.get(t.term, 0) > 0]
    centre = (hits[0] + hits[-1]) // 2 if hits else 0
    left = max(0, min(centre - room // 2, len(sentence) - room))
    left = max((m for m in marks if m <= left), default=0)
    piece = _cut_words(sentence[left:], room)
    prefix = ELLIPSIS if start + left > 0 else ""
    suffix = ELLIPSIS if start + left + len(piece) < len(text) else ""
    return f"{prefix}{piece}{suffix}"


def _cut_words(text: str, limit: int) -> str:
    """At most ``limit`` characters of text, ending at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—")
