"""Excerpts: the part of a passage worth quoting, verbatim, trimmed with an ellipsis.

An excerpt is made of pieces of the article's own text. Where text is left
out, an ellipsis ("…") stands in its place; a quote whose speaker is named only
in the neighbouring text is preceded by the words that name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from retrieval.answering.windows import (
    ELLIPSIS,
    ShownText,
    Window,
    choose_window,
    cut_words,
    widen,
)
from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import Asked
from retrieval.text.passages import Passage
from retrieval.text.sentences import sentence_spans


@dataclass(frozen=True)
class Excerpt:
    """Quoted text and the spans in it of words that match the question."""

    text: str
    highlights: tuple[tuple[int, int], ...]
    new: bool = True  # shows a sentence not already shown
    # Of what is new, some matches the question (or is said by someone it names).
    relevant: bool = True


def make_excerpt(
    article_text: str,
    passage: Passage,
    weights: Mapping[str, float],
    analyzer: Analyzer,
    target_chars: int = 300,
    max_chars: int = 400,
    asked: Asked | None = None,
    shown: ShownText | None = None,
    anywhere: bool = True,
    beside: ShownText | None = None,
    spill: bool = True,
) -> Excerpt:
    """The best part of a passage for a question: about target_chars, never over max_chars.

    The excerpt may be the best part of the passage's whole paragraph; with ``anywhere``
    false (the paragraph is already quoted from), it takes in some of the passage.

    With ``shown``, the sentences already shown count for nothing, so the excerpt moves
    on to the rest of the paragraph; ``Excerpt.new`` and ``Excerpt.relevant`` say what
    it shows besides. With ``spill``, a short paragraph's window runs on into its
    neighbours, but not into a sentence ``shown`` or ``beside`` it (in the answer's
    other excerpts).
    """
    shown = shown or ShownText()
    # The window may run on into the rest of the paragraph the passage was cut from.
    lo, hi = paragraph_around(article_text, passage.start, passage.end)
    text = article_text[lo:hi]
    focus = (passage.start - lo, passage.end - lo)
    body = choose_window(
        text, focus, weights, analyzer, target_chars, max_chars, asked, shown, anywhere
    )
    lead = ""
    if passage.speaker and _surname(passage.speaker) not in body.text:
        # Make room for the words that name the speaker, then choose again.
        room = _lead_room(max_chars)
        body = choose_window(
            text,
            focus,
            weights,
            analyzer,
            target_chars - room,
            max_chars - room,
            asked,
            shown,
            anywhere,
        )
        lead = _attribution(article_text, passage, lo + body.start, room)
    if spill and body.text == text and not lead:
        # The whole paragraph is short: the window runs on into its neighbours.
        taken = shown.plus(beside) if beside else shown
        start, end = widen(
            article_text, (lo, hi), weights, analyzer, target_chars, max_chars, taken
        )
        body = Window(start, end, False, False, article_text[start:end])
        text = article_text
    quoted = body.render(text)
    excerpt = f"{lead}\n{quoted}" if lead else quoted
    highlights = tuple(
        (t.start, t.end) for t in analyzer.tokens(excerpt) if weights.get(t.term, 0) > 0
    )
    if not shown:
        return Excerpt(excerpt, highlights)
    new = [piece for piece in _sentences(body.text) if not shown.has(piece)]
    relevant = any(weights.get(t.term, 0) > 0 for piece in new for t in analyzer.tokens(piece))
    if new and passage.speaker:
        # "What else did Davis say?": her words are what is asked, named or not.
        relevant = relevant or any(
            weights.get(t.term, 0) > 0 for t in analyzer.tokens(passage.speaker)
        )
    return Excerpt(excerpt, highlights, bool(new), relevant)


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the paragraphs (blank-line separated) that a span of text lies in."""
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (0 if before < 0 else before + 2), (len(text) if after < 0 else after)


def _lead_room(max_chars: int) -> int:
    return min(120, max_chars // 3)


def _surname(name: str) -> str:
    return name.split()[-1]


def _attribution(article_text: str, passage: Passage, body_start: int, room: int) -> str:
    """The words naming the speaker, from the sentence that names them."""
    if not passage.attribution:
        return ""
    start, end = passage.attribution
    if start >= body_start:
        return ""
    sentence = article_text[start:end]
    at = _name_at(sentence, passage.speaker or "")
    piece = sentence[at:]
    prefix = ELLIPSIS if at > 0 else ""
    gap = bool(article_text[end:body_start].strip())
    if len(prefix) + len(piece) + 1 > room:
        return prefix + cut_words(piece, room - len(prefix) - 2) + ELLIPSIS
    return prefix + piece + (ELLIPSIS if gap else "")


def _name_at(sentence: str, name: str) -> int:
    """Where the speaker's name starts in a sentence: the full name, else the surname."""
    for form in (name, _surname(name) if name else ""):
        at = sentence.find(form) if form else -1
        if at >= 0:
            return at
    return 0
