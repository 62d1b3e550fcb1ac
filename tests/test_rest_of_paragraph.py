"""The rest of the best paragraph: what the first excerpt leaves out, ranked by its worth."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answering.excerpts import ELLIPSIS, rest_of_paragraph
from retrieval.text.analysis import Analyzer
from retrieval.text.sentences import sentence_spans
from tests.corpora import retriever_over

TERMINAL = (
    "The harbour commission met on Tuesday to discuss the ferry terminal and its roof. "
    "Members argued for two hours about the cost of repairing the ferry terminal roof. "
    "Several residents spoke about the leaking roof of the ferry terminal in winter. "
    "The chair reminded everyone that the building is more than sixty years old. "
    "In the end the commission voted to close it for a year. "
    "Boats will dock at the old fishing pier in the meantime, and the ferry office "
    "moves to the library, the harbour master said."
)
ARTICLES = {
    "terminal": TERMINAL,
    "bakery": "A new bakery opened on the main street, selling bread and pastries.",
    "pier": "The fishing pier was painted blue last spring by volunteers.",
}
ANALYZER = Analyzer()


def sentences(excerpt: str) -> set[str]:
    text = excerpt.replace(ELLIPSIS, " ")
    return {text[s:e].strip() for s, e in sentence_spans(text)}


def test_the_rest_of_the_best_paragraph_shows_what_its_first_excerpt_left_out(
    tmp_path: Path,
) -> None:
    answer = retriever_over(tmp_path, ARTICLES).ask(
        "What did the commission decide about the ferry terminal roof?", top_k=5
    )
    first, rest = (r.excerpt for r in answer.results[:2])
    assert "voted to close it" not in first
    assert "voted to close it" in rest
    assert rest.startswith(ELLIPSIS) and rest.endswith("the harbour master said.")
    assert not sentences(first) & sentences(rest)
    assert rest.strip(ELLIPSIS) in TERMINAL and len(rest) <= 400
    assert answer.results[1].sources == answer.results[0].sources
    # It is worth less than the excerpt it completes.
    assert answer.results[1].score < answer.results[0].score


def test_a_rest_with_none_of_the_questions_words_is_not_shown(tmp_path: Path) -> None:
    answer = retriever_over(tmp_path, ARTICLES).ask(
        "How many hours did members argue about the cost?", top_k=5
    )
    assert [r.sources[0].title for r in answer.results] == ["terminal"]


def test_one_excerpt_asked_for_is_the_best_alone(tmp_path: Path) -> None:
    answer = retriever_over(tmp_path, ARTICLES).ask(
        "What did the commission decide about the ferry terminal roof?", top_k=1
    )
    assert len(answer.results) == 1 and "harbour commission met" in answer.results[0].excerpt


@pytest.mark.parametrize(
    ("shown", "question", "expected"),
    [
        # After the span and before it, the side holding more of the question is taken.
        ("Several residents", "Where will boats dock?", "Boats will dock"),
        ("Several residents", "When did the harbour commission meet?", "The harbour commission"),
        # Neither side holds any of the question's words: nothing.
        ("Several residents", "What colour is the bakery?", None),
    ],
)
def test_rest_of_paragraph_takes_the_side_holding_more_of_the_question(
    shown: str, question: str, expected: str | None
) -> None:
    start = TERMINAL.index(shown)
    end = TERMINAL.index(".", start) + 1
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    rest = rest_of_paragraph(TERMINAL, (start, end), weights, ANALYZER, 120, 200)
    if expected is None:
        assert rest is None
        return
    assert rest is not None and expected in rest.text
    assert TERMINAL[start:end] not in rest.text and len(rest.text) <= 200
    assert rest.text.strip(ELLIPSIS) == TERMINAL[rest.span[0] : rest.span[1]]
