"""Windows: the run of sentences of a paragraph that an excerpt shows.

A window is scored by the question's words it holds, a candidate answer of the
asked type, and how much of the question its best sentence holds alone. It is
filled to the target length, and past it, up to the limit, only with sentences
that hold some of the question's words; a run opening with a pronoun ("His role
is…") takes in the sentence before it first, or that sentence's end when it is too
long to take whole. Two sentences apart may be shown with
an ellipsis between them when no run within the limit holds what they hold
together; a sentence too long for any window is cut to its best words, up to the
limit, since it holds the question's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from math import fsum

from retrieval.answering.shown import ELLIPSIS, ShownText
from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import Asked, asked_candidates, holding_candidates
from retrieval.text.sentences import sentence_spans

# A run of sentences scores the question's words it holds, plus this share of what
# its best sentence holds alone: of runs holding the same words, the one that has
# them together in one sentence, where an answer is usually written.
SENTENCE_SHARE = 0.5
# A sentence that opens with a pronoun or a demonstrative ("His role is…", "This has
# given…"), or with one after a short opening phrase ("In particular, it has…"), names
# what it is about in the sentence before it.
_POINTS_BACK = re.compile(
    r"(?:[\w'’-]+(?: [\w'’-]+){0,3}, )?"
    r"[\"“'‘(]*(?:he|she|it|they|his|her|its|their|this|these|that|those|such)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Window:
    """The chosen span of a passage, and whether text was left out on either side.

    ``text`` is the span's text, or two sentences of it joined by an ellipsis where
    the text between them is left out.
    """

    start: int
    end: int
    cut_before: bool
    cut_after: bool
    text: str

    def render(self, passage_text: str) -> str:
        # Paragraph breaks inside an excerpt become single line breaks.
        body = re.sub(r"\n\s*\n", "\n", self.text)
        return (ELLIPSIS if self.cut_before else "") + body + (ELLIPSIS if self.cut_after else "")


def _naming(asked: Asked | None) -> re.Pattern[str] | None:
    """A sentence's opening that names what is asked for by the question's noun ("The
    company …" for "which company"), if the question has such a noun."""
    noun = (asked.noun or asked.frame) if asked is not None else None
    return re.compile(rf"[\"“'‘(]*the\s+{re.escape(noun)}\b", re.IGNORECASE) if noun else None


def _points_back(text: str, start: int, naming: re.Pattern[str] | None) -> bool:
    """Whether the sentence at ``start`` opens with a pronoun, or names what is asked for
    only by its noun (``_naming``): either way, the sentence before names it."""
    return bool(_POINTS_BACK.match(text, start) or (naming and naming.match(text, start)))


def choose_window(
    text: str,
    focus: tuple[int, int],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    target: int,
    limit: int,
    asked: Asked | None = None,
    shown: ShownText | None = None,
    anywhere: bool = True,
) -> Window:
    """The text whole if it fits, else the best run of sentences, else a cut sentence.

    The best run may lie anywhere in the text, as long as a run taking in some of
    ``focus`` (the passage within its paragraph) fits at all; without ``anywhere`` it
    must take some in. A sentence in ``shown`` adds nothing
    to a run; a run with a sentence not shown comes first.
    """
    shown = shown or ShownText()
    if len(text) <= target:
        return Window(0, len(text), False, False, text)
    spans = sentence_spans(text)
    fresh = [not shown.has(text[s:e]) for s, e in spans]
    terms = [
        {t.term for t in analyzer.tokens(text[s:e]) if weights.get(t.term, 0) > 0} if new else set()
        for (s, e), new in zip(spans, fresh, strict=True)
    ]
    inside = [s < focus[1] and e > focus[0] for s, e in spans]
    # A sentence that points back is about what the one before it names ("It has
    # remained a settlement since…"), and that one's answer is what it talks about
    # ("… Northgate Freight Lines. The company filed for bankruptcy"): each one's answer
    # counts as much as the two together are about the question.
    naming = _naming(asked)
    back = [k > 0 and _points_back(text, spans[k][0], naming) for k in range(len(spans))]
    about = [
        terms[k]
        | (terms[k - 1] if back[k] else set())
        | (terms[k + 1] if k + 1 < len(spans) and back[k + 1] else set())
        for k in range(len(spans))
    ]
    answers = _answer_weights(text, spans, about, weights, analyzer, asked)
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
        # A sentence too long for any window holds the question's words, and text with
        # them is taken up to the limit, as a run of sentences is filled past the target.
        return _cut_sentence(text, spans, terms, inside, weights, analyzer, limit, asked)
    i, j = best_run
    # A run opening with a sentence that points back takes in the one it points to first.
    if i > 0 and back[i] and _run_len(spans, i - 1, j) <= target:
        i -= 1
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
    run = range(i, j + 1)
    if anywhere and not shown:
        held = fsum(weights[t] for t in set().union(*(terms[k] for k in run)))
        score = held + max(answers[k] for k in run) + SENTENCE_SHARE * max(alone[k] for k in run)
        pair = _best_pair(spans, terms, answers, alone, weights, limit, score)
        if pair is not None:
            return _pair_body(text, spans, *pair)
    start, end = spans[i][0], spans[j][1]
    if i > 0 and back[i] and fresh[i - 1]:
        # Still opening by pointing back, the sentence before too long to take whole:
        # its end, where what the run points to was last named, as room allows.
        start = _tail(text, spans[i - 1], target - _run_len(spans, i, j) - 1) or start
    return Window(start, end, start > 0, j < len(spans) - 1, text[start:end])


def _tail(text: str, span: tuple[int, int], room: int) -> int | None:
    """Where the last whole words of a span that fit in ``room`` characters start."""
    begin, end = span
    if room <= 0:
        return None
    space = text.find(" ", max(begin, end - room - 1))
    return space + 1 if 0 <= space < end - 1 else None


def _best_pair(
    spans: list[tuple[int, int]],
    terms: list[set[str]],
    answers: list[float],
    alone: list[float],
    weights: Mapping[str, float],
    limit: int,
    beat: float,
) -> tuple[int, int] | None:
    """Two sentences apart that together score more than ``beat`` (a run's score), if any.

    The question's words are often split between a sentence that names its subject
    and one further on that answers it; when no run of sentences within the limit
    holds both, the two are shown with an ellipsis for what lies between.
    """
    best: tuple[float, int, int] | None = None
    for a in range(len(spans)):
        if not terms[a] and not answers[a]:
            continue
        for b in range(a + 2, len(spans)):
            if _pair_len(spans, a, b) > limit:
                continue
            held = fsum(weights[t] for t in terms[a] | terms[b])
            score = held + max(answers[a], answers[b]) + SENTENCE_SHARE * max(alone[a], alone[b])
            if score > beat and (best is None or score > best[0]):
                best = (score, a, b)
    return None if best is None else (best[1], best[2])


_GAP = f" {ELLIPSIS} "


def _pair_len(spans: list[tuple[int, int]], a: int, b: int) -> int:
    """The length of two sentences shown with the gap between them (and any cut outside)."""
    inner = spans[a][1] - spans[a][0] + len(_GAP) + spans[b][1] - spans[b][0]
    return inner + (1 if a > 0 else 0) + (1 if b < len(spans) - 1 else 0)


def _pair_body(text: str, spans: list[tuple[int, int]], a: int, b: int) -> Window:
    (start, first_end), (second_start, end) = spans[a], spans[b]
    joined = f"{text[start:first_end]}{_GAP}{text[second_start:end]}"
    return Window(start, end, a > 0, b < len(spans) - 1, joined)


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
) -> Window:
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
    # Each of the question's words where it first stands: a word said again adds
    # nothing to a window, so it does not pull the window towards it either.
    hits = sorted({t.term: t.start for t in reversed(tokens)}.values())
    answers = _answers_in(sentence, weights, analyzer, asked)
    total = fsum(weights.values())
    slot = total / len(weights) if weights else 0.0
    chosen: tuple[float, int, int] | None = None
    for mark in re.finditer(r"\w+", sentence):
        left = mark.start()
        piece = cut_words(sentence[left:], room)
        right = left + len(piece)
        held = {t.term for t in tokens if left <= t.start and t.end <= right}
        score = fsum(weights[t] for t in held)
        if any(left <= a and b <= right for a, b in answers):
            score += slot * score / total if total else 0.0
        # Centred on the question's words it holds, not on those it leaves out.
        inner = [h for h in hits if left <= h < right] or [left]
        key = (score, -abs(left + right - inner[0] - inner[-1]), -left)
        if chosen is None or key > chosen:
            chosen = key
    left = 0 if chosen is None else -chosen[2]
    piece = cut_words(sentence[left:], room)
    begin = start + left
    return Window(begin, begin + len(piece), begin > 0, begin + len(piece) < len(text), piece)


def _answers_in(
    sentence: str, weights: Mapping[str, float], analyzer: Analyzer, asked: Asked | None
) -> list[tuple[int, int]]:
    """Spans of candidate answers of the asked type in a sentence."""
    if asked is None:
        return []
    return asked_candidates(sentence, asked, analyzer, weights)


def cut_words(text: str, limit: int) -> str:
    """At most ``limit`` characters of text, ending at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—")


def widen(
    text: str,
    span: tuple[int, int],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    target: int,
    limit: int,
    taken: ShownText | None = None,
    asked: Asked | None = None,
) -> tuple[int, int]:
    """A whole paragraph's span (or several) widened into the paragraphs around it.

    News paragraphs are a sentence or two, and the answer to a question is often the
    next one's ("… a ballot box was set on fire." / "… at a transit center in
    Vancouver"): up to ``target``, the following sentences and then the preceding
    ones are taken in (the one before first, when the span opens by pointing back:
    ``_points_back``); past it, up to ``limit``, only those with some of the question's
    words. It stops at a sentence ``taken`` (shown already).
    """
    taken = taken or ShownText()
    start, end = span
    if end - start >= target:
        return span
    lo, hi = max(0, start - limit), min(len(text), end + limit)
    spans = [(lo + s, lo + e) for s, e in sentence_spans(text[lo:hi])]
    before = [sp for sp in spans if sp[1] <= start][::-1]
    after = [sp for sp in spans if sp[0] >= end]
    # A sentence at the region's edge may be cut by it: not taken.
    if lo > 0:
        before = before[:-1]
    if hi < len(text):
        after = after[:-1]

    def holds(sp: tuple[int, int]) -> bool:
        return any(weights.get(t.term, 0) > 0 for t in analyzer.tokens(text[sp[0] : sp[1]]))

    # A span opening with a sentence that points back takes in the one before it first.
    if before and _points_back(text, start, _naming(asked)):
        s, e = before[0]
        if end - s <= target and not taken.has(text[s:e]):
            start = s
            before.pop(0)
    for side, cap, needs in ((after, target, False), (before, target, False),
                             (after, limit, True), (before, limit, True)):  # fmt: skip
        while side:
            s, e = side[0]
            if max(end, e) - min(start, s) > cap or (needs and not holds(side[0])):
                break
            if taken.has(text[s:e]):
                break
            start, end = min(start, s), max(end, e)
            side.pop(0)
    return start, end
