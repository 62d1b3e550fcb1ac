"""Excerpts: the part of a passage worth quoting, verbatim, trimmed with an ellipsis.

An excerpt is made of pieces of the article's own text. Where text is left
out, an ellipsis ("…") stands in its place; a quote whose speaker is named only
in the neighbouring text is preceded by the words that name them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import fsum

from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import Asked, asked_candidates, holding_candidates
from retrieval.text.passages import Passage
from retrieval.text.sentences import sentence_spans

ELLIPSIS = "…"
# A run of sentences scores the question's words it holds, plus this share of what
# its best sentence holds alone: of runs holding the same words, the one that has
# them together in one sentence, where an answer is usually written.
SENTENCE_SHARE = 0.5


@dataclass(frozen=True)
class Excerpt:
    """Quoted text and the spans in it of words that match the question."""

    text: str
    highlights: tuple[tuple[int, int], ...]
    new: bool = True  # shows a sentence not already shown
    # Of what is new, some matches the question (or is said by someone it names).
    relevant: bool = True


class ShownText:
    """Excerpts already shown, to tell the sentences that would only repeat them."""

    def __init__(self, excerpts: Iterable[str] = ()) -> None:
        self._text = "\n".join(_flat(e) for e in excerpts)

    def __bool__(self) -> bool:
        return bool(self._text)

    def has(self, sentence: str) -> bool:
        flat = _flat(sentence)
        return bool(flat) and flat in self._text


def _flat(text: str) -> str:
    """Text with ellipses and line breaks as spaces: how it compares with shown text."""
    return " ".join(text.replace(ELLIPSIS, " ").split())


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
) -> Excerpt:
    """The best part of a passage for a question: about target_chars, never over max_chars.

    The excerpt may be the best part of the passage's whole paragraph; with ``anywhere``
    false (the paragraph is already quoted from), it takes in some of the passage.

    With ``shown``, the sentences already shown count for nothing, so the excerpt moves
    on to the rest of the paragraph; ``Excerpt.new`` and ``Excerpt.relevant`` say what
    it shows besides.
    """
    shown = shown or ShownText()
    # The window may run on into the rest of the paragraph the passage was cut from.
    lo, hi = paragraph_around(article_text, passage.start, passage.end)
    text = article_text[lo:hi]
    focus = (passage.start - lo, passage.end - lo)
    body = _window(text, focus, weights, analyzer, target_chars, max_chars, asked, shown, anywhere)
    lead = ""
    if passage.speaker and _surname(passage.speaker) not in body.text:
        # Make room for the words that name the speaker, then choose again.
        room = _lead_room(max_chars)
        body = _window(
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


@dataclass(frozen=True)
class _Body:
    """The chosen span of a passage, and whether text was left out on either side."""

    start: int
    end: int
    cut_before: bool
    cut_after: bool
    text: str

    def render(self, passage_text: str) -> str:
        # Paragraph breaks inside an excerpt become single line breaks.
        body = re.sub(r"\n\s*\n", "\n", self.text)
        return (ELLIPSIS if self.cut_before else "") + body + (ELLIPSIS if self.cut_after else "")


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
        return prefix + _cut_words(piece, room - len(prefix) - 2) + ELLIPSIS
    return prefix + piece + (ELLIPSIS if gap else "")


def _name_at(sentence: str, name: str) -> int:
    """Where the speaker's name starts in a sentence: the full name, else the surname."""
    for form in (name, _surname(name) if name else ""):
        at = sentence.find(form) if form else -1
        if at >= 0:
            return at
    return 0


def _window(
    text: str,
    focus: tuple[int, int],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    target: int,
    limit: int,
    asked: Asked | None = None,
    shown: ShownText | None = None,
    anywhere: bool = True,
) -> _Body:
    """The text whole if it fits, else the best run of sentences, else a cut sentence.

    The best run may lie anywhere in the text, as long as a run taking in some of
    ``focus`` (the passage within its paragraph) fits at all; without ``anywhere`` it
    must take some in. A sentence in ``shown`` adds nothing
    to a run; a run with a sentence not shown comes first.
    """
    shown = shown or ShownText()
    if len(text) <= target:
        return _Body(0, len(text), False, False, text)
    spans = sentence_spans(text)
    fresh = [not shown.has(text[s:e]) for s, e in spans]
    terms = [
        {t.term for t in analyzer.tokens(text[s:e]) if weights.get(t.term, 0) > 0} if new else set()
        for (s, e), new in zip(spans, fresh, strict=True)
    ]
    inside = [s < focus[1] and e > focus[0] for s, e in spans]
    answers = _answer_weights(text, spans, terms, weights, analyzer, asked)
    answers = [a if new else 0.0 for a, new in zip(answers, fresh, strict=True)]
    alone = [fsum(weights[t] for t in found) + a for found, a in zip(terms, answers, strict=True)]
    best: tuple[bool, float, int, int] | None = None
    best_run = (0, 0)
    focus_fits = False
    for i in range(len(spans)):
        seen: set[str] = set()
        touches = False
        anew = False
        answer = top = 0.0
        for j in range(i, len(spans)):
            if _run_len(spans, i, j) > limit:
                break
            seen |= terms[j]
            touches = touches or inside[j]
            anew = anew or fresh[j]
            answer = max(answer, answers[j])
            top = max(top, alone[j])
            score = fsum(weights[t] for t in seen) + answer + SENTENCE_SHARE * top
            key = (anew, score, -(j - i), -i)
            focus_fits = focus_fits or touches
            if (touches or anywhere) and (best is None or key > best):
                best, best_run = key, (i, j)
    if not focus_fits:
        return _cut_sentence(text, spans, terms, inside, weights, analyzer, target, asked)
    i, j = best_run
    # Fill what room is left up to the target with following, then preceding, sentences.
    while j + 1 < len(spans) and _run_len(spans, i, j + 1) <= target:
        j += 1
    while i > 0 and _run_len(spans, i - 1, j) <= target:
        i -= 1
    # Past the target, up to the limit, only a sentence with some of the question's words.
    while True:
        if j + 1 < len(spans) and terms[j + 1] and _run_len(spans, i, j + 1) <= limit:
            j += 1
        elif i > 0 and terms[i - 1] and _run_len(spans, i - 1, j) <= limit:
            i -= 1
        else:
            break
    start, end = spans[i][0], spans[j][1]
    return _Body(start, end, i > 0, j < len(spans) - 1, text[start:end])


def _answer_weights(
    text: str,
    spans: list[tuple[int, int]],
    terms: list[set[str]],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    asked: Asked | None,
) -> list[float]:
    """What holding each sentence's candidate answer adds to a run that takes it in.

    As in ranking, the answer counts as one more term of the question, of
    average weight, filled as much as its sentence is about the question.
    """
    total = fsum(weights.values())
    if asked is None or not total:
        return [0.0] * len(spans)
    found = asked_candidates(text, asked, analyzer, weights)
    holding = holding_candidates(spans, found)
    slot = total / len(weights)
    return [
        slot * fsum(weights[t] for t in found) / total if held else 0.0
        for found, held in zip(terms, holding, strict=True)
    ]


def _run_len(spans: list[tuple[int, int]], i: int, j: int) -> int:
    return spans[j][1] - spans[i][0] + (1 if i > 0 else 0) + (1 if j < len(spans) - 1 else 0)


def _cut_sentence(
    text: str,
    spans: list[tuple[int, int]],
    terms: list[set[str]],
    inside: list[bool],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    budget: int,
    asked: Asked | None = None,
) -> _Body:
    """A window of words from the best sentence of the passage.

    The window is scored as a run of sentences is: the question's words it holds, and a
    candidate answer of the asked type. Of equal windows, the one centred on the
    question's words is taken.
    """
    scores = [fsum(weights[t] for t in found) for found in terms]
    candidates = [n for n in range(len(spans)) if inside[n]] or list(range(len(spans)))
    best = max(candidates, key=lambda n: scores[n]) if spans else 0
    start, end = spans[best] if spans else (0, len(text))
    sentence = text[start:end]
    room = budget - 2
    tokens = [t for t in analyzer.tokens(sentence) if weights.get(t.term, 0) > 0]
    hits = [t.start for t in tokens]
    centre = (hits[0] + hits[-1]) // 2 if hits else 0
    centred = max(0, min(centre - room // 2, len(sentence) - room))
    answers = _answers_in(sentence, weights, analyzer, asked)
    total = fsum(weights.values())
    slot = total / len(weights) if weights else 0.0
    chosen: tuple[float, int, int] | None = None
    for mark in re.finditer(r"\w+", sentence):
        left = mark.start()
        piece = _cut_words(sentence[left:], room)
        right = left + len(piece)
        held = {t.term for t in tokens if left <= t.start and t.end <= right}
        score = fsum(weights[t] for t in held)
        if any(left <= a and b <= right for a, b in answers):
            score += slot * score / total if total else 0.0
        key = (score, -abs(left - centred), -left)
        if chosen is None or key > chosen:
            chosen = key
    left = 0 if chosen is None else -chosen[2]
    piece = _cut_words(sentence[left:], room)
    begin = start + left
    return _Body(begin, begin + len(piece), begin > 0, begin + len(piece) < len(text), piece)


def _answers_in(
    sentence: str, weights: Mapping[str, float], analyzer: Analyzer, asked: Asked | None
) -> list[tuple[int, int]]:
    """Spans of candidate answers of the asked type in a sentence."""
    if asked is None:
        return []
    return asked_candidates(sentence, asked, analyzer, weights)


def _cut_words(text: str, limit: int) -> str:
    """At most ``limit`` characters of text, ending at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—")
