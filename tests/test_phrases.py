"""Phrases: a passage holding the question's neighbouring words side by side ranks higher."""

from __future__ import annotations

from pathlib import Path

import pytest

import retrieval.answering.ranking.ranker as ranking
import retrieval.answering.ranking.rerank as rerank
from retrieval.answering.query import analyze_query
from retrieval.retriever import Retriever
from tests.corpora import retriever_over

ARTICLES = {
    "together": "The harbour board said on Monday that the winter ferry schedule will change.",
    "apart": "In winter the board will change the schedule and the ferry.",
    "bakery": "A new bakery opened on the main street, selling bread and pastries.",
    "library": "The library reopened with a new reading room and a garden for children.",
    "boats": "Fishing boats returned to the harbour early because of the storm warning.",
}


def retriever(tmp_path: Path) -> Retriever:
    return retriever_over(tmp_path, ARTICLES)


@pytest.mark.parametrize(
    ("phrase_weight", "order"),
    [
        (rerank.PHRASE_WEIGHT, ["together", "apart"]),
        # As a bag of words, the shorter passage wins.
        (0.0, ["apart", "together"]),
    ],
)
def test_the_questions_phrase_kept_whole_ranks_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, phrase_weight: float, order: list[str]
) -> None:
    monkeypatch.setattr(ranking, "PHRASE_WEIGHT", phrase_weight)
    found = retriever(tmp_path).ask("Will the winter ferry schedule change?").results
    assert [r.sources[0].title for r in found[:2]] == order


@pytest.mark.parametrize(
    ("question", "pairs"),
    [
        (
            "Will the winter ferry schedule change?",
            [
                ("will", "winter"),
                ("winter", "ferry"),
                ("ferry", "schedule"),
                ("schedule", "change"),
            ],
        ),
        # Stop words are passed over.
        ("Did the board of the harbour meet?", [("board", "harbour"), ("harbour", "meet")]),
        # A name's own words are scored whole, not as a pair.
        ("When did Harbour Board ferries sail?", [("Board", "ferries"), ("ferries", "sail")]),
    ],
)
def test_a_question_keeps_its_neighbouring_terms(
    tmp_path: Path, question: str, pairs: list[tuple[str, str]]
) -> None:
    index = retriever(tmp_path).index
    query = analyze_query(question, index.analyzer, index.scorer, fuzzy=False)
    term = index.analyzer.term
    assert list(query.pairs) == [(term(a), term(b)) for a, b in pairs]


IDIOM_ARTICLES = {
    "held": "The county fair was held in Brandon in June 2019, organisers said.",
    "place": "The fair is a good place to take the children, organisers said.",
    "happen": "Organisers said fun things happen at the fair when children come along.",
    "bakery": ARTICLES["bakery"],
    "library": ARTICLES["library"],
}


@pytest.mark.parametrize(
    "question",
    [
        "Where did the fair take place?",
        "Where is the fair taking place?",
        # "Happen" and "occur" say the same: that something happened.
        "When did the fair happen?",
        "When did the fair occur?",
    ],
)
def test_take_place_and_happen_say_only_that_something_happened(
    tmp_path: Path, question: str
) -> None:
    found = retriever_over(tmp_path, IDIOM_ARTICLES).ask(question).results
    assert found[0].sources[0].title == "held"


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Where did the fair take place?", ["fair"]),
        ("Where does the fair take children?", ["fair", "take", "children"]),
        ("Which place did the fair take?", ["place", "fair", "take"]),
        ("When did the fair happen?", ["fair"]),
        ("Where has it occurred?", []),
        # "What kind of" frames the question; a kind named otherwise is a word of it.
        ("What kind of fair was it?", ["fair"]),
        ("Which type of children does the fair take?", ["children", "fair", "take"]),
        ("Was the fair kind to children?", ["fair", "kind", "children"]),
    ],
)
def test_take_place_happen_and_what_kind_of_are_left_out(
    tmp_path: Path, question: str, words: list[str]
) -> None:
    index = retriever_over(tmp_path, IDIOM_ARTICLES).index
    query = analyze_query(question, index.analyzer, index.scorer, fuzzy=False)
    assert list(query.terms) == [index.analyzer.term(w) for w in words]
