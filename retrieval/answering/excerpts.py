"""Excerpts: the part of a passage worth quoting, verbatim, trimmed with an ellipsis.

An excerpt is made of pieces of the article's own text. Where text is left
out, an ellipsis ("…") stands in its place; a quote whose speaker is named only
in the neighbouring text is preceded by the words that name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from math import fsum

from retrieval.answering.shown import ELLIPSIS, ShownText
from retrieval.answering.windows import (
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
    # The span of the article's text it was cut from (first to last character shown).
    span: tuple[int, int] = (0, 0)


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
            article_text, (lo, hi), weights, analyzer, target_chars, max_chars, taken, asked
        )
        body = Window(start, end, False, False, article_text[start:end])
        text = article_text
    quoted = body.render(text)
    excerpt = f"{lead}\n{quoted}" if lead else quoted
    highlights = _highlights(excerpt, weights, analyzer)
    offset = 0 if text is article_text else lo
    span = (offset + body.start, offset + body.end)
    if not shown:
        return Excerpt(excerpt, highlights, span=span)
    new = [piece for piece in _sentences(body.text) if not shown.has(piece)]
    relevant = any(weights.get(t.term, 0) > 0 for piece in new for t in analyzer.tokens(piece))
    if new and passage.speaker:
        # "What else did Davis say?": her words are what is asked, named or not.
        relevant = relevant or any(
            weights.get(t.term, 0) > 0 for t in analyzer.tokens(passage.speaker)
        )
    return Excerpt(excerpt, highlights, bool(new), relevant, span)


def rest_of_paragraph(
    article_text: str,
    shown: tuple[int, int],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    target_chars: int = 300,
    max_chars: int = 400,
    asked: Asked | None = None,
) -> Excerpt | None:
    """The best excerpt of what a paragraph holds before or after the span ``shown`` of it.

    Of the two sides, the window holding more of the question's weight is taken (after
    the span, of equals); None when neither holds any of it.
    """
    lo, hi = paragraph_around(article_text, shown[0], shown[1])
    best: tuple[float, bool, Window, int] | None = None
    for start, end, after in ((shown[1], hi, True), (lo, shown[0], False)):
        text = article_text[start:end]
        if not text.strip():
            continue
        start += len(text) - len(text.lstrip())
        text = text.strip()
        # One character of the limit goes to the ellipsis on the shown excerpt's side.
        window = choose_window(
            text, (0, len(text)), weights, analyzer, target_chars - 1, max_chars - 1, asked
        )
        held = held_weight(window.text, weights, analyzer)
        if held and (best is None or held > best[0]):
            best = (held, after, window, start)
    if best is None:
        return None
    _, after, window, start = best
    # The excerpt shown already stands on one side of it: text is left out there.
    window = replace(window, cut_before=window.cut_before or after)
    window = replace(window, cut_after=window.cut_after or not after)
    text = window.render(article_text[start:])
    span = (start + window.start, start + window.end)
    return Excerpt(text, _highlights(text, weights, analyzer), span=span)


def held_weight(text: str, weights: Mapping[str, float], analyzer: Analyzer) -> float:
    """The weight of the question's terms that a text holds."""
    return fsum(
        weights[t] for t in {token.term for token in analyzer.tokens(text)} & weights.keys()
    )


def _highlights(
    text: str, weights: Mapping[str, float], analyzer: Analyzer
) -> tuple[tuple[int, int], ...]:
    return tuple((t.start, t.end) for t in analyzer.tokens(text) if weights.get(t.term, 0) > 0)


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
