"""Excerpts already shown: "what else?" moves on to the words not yet shown."""

from __future__ import annotations

import pytest

from retrieval.answering.conversation import Conversation
from retrieval.answering.excerpts import make_excerpt
from retrieval.answering.shown import ShownText
from retrieval.retriever import Retriever
from retrieval.text.analysis import Analyzer
from retrieval.text.passages import Passage

PARAGRAPH = (
    "The harbour board met on Monday to discuss the ferry schedule for the winter. "
    "Members said the ferry would stop at the island twice a day. "
    "The chair said the ferry fares would rise by ten percent in January. "
    "Residents of the island said the fares were already too high for families. "
    "The board will vote on the ferry budget at its next meeting in December."
)
ANALYZER = Analyzer()


def excerpt_for(question: str, shown: tuple[str, ...] = ()) -> tuple[str, bool, bool]:
    weights = {t.term: 1.0 for t in ANALYZER.tokens(question)}
    passage = Passage("a1", 0, 0, len(PARAGRAPH))
    excerpt = make_excerpt(
        PARAGRAPH, passage, weights, ANALYZER, 120, 160, shown=ShownText(shown) if shown else None
    )
    return excerpt.text, excerpt.new, excerpt.relevant


def test_nothing_shown_changes_nothing() -> None:
    text, new, relevant = excerpt_for("ferry fares")
    assert "fares would rise" in text and new and relevant


@pytest.mark.parametrize(
    ("shown", "holds", "relevant"),
    [
        # the best sentence was shown: the next best one about the fares
        (
            ("…The chair said the ferry fares would rise by ten percent in January.…",),
            "too high",
            True,
        ),
        # shown as rendered, with its line breaks and ellipses, it still counts as shown
        (
            (
                "The chair said the ferry fares would rise\nby ten percent in January.",
                "Residents of the island said the fares were already too high for families.",
            ),
            "ferry",
            True,
        ),
    ],
)
def test_the_excerpt_moves_past_what_was_shown(
    shown: tuple[str, ...], holds: str, relevant: bool
) -> None:
    text, new, is_relevant = excerpt_for("ferry fares", shown)
    assert holds in text and new and is_relevant == relevant
    for earlier in shown:
        assert " ".join(earlier.replace("…", " ").split()) not in " ".join(text.split())


def test_a_paragraph_shown_whole_has_nothing_new() -> None:
    sentences = PARAGRAPH.split(". ")
    halves = (". ".join(sentences[:3]) + ".", ". ".join(sentences[3:]))
    _, new, _ = excerpt_for("ferry fares", halves)
    assert not new


def test_what_is_new_but_not_asked_for_is_not_relevant() -> None:
    shown = tuple(s if s.endswith(".") else s + "." for s in PARAGRAPH.split(". ") if "far" in s)
    text, new, relevant = excerpt_for("fares", shown)
    assert new and not relevant
    assert "fares" not in text


def test_what_else_she_said_shows_the_rest_of_her_words(seed_retriever: Retriever) -> None:
    conversation = Conversation(seed_retriever)
    first = conversation.ask("What did Coun. Janet Davis say Ford has lost?", top_k=3)
    shown = " ".join(r.excerpt for r in first.results)
    more = conversation.ask("What else did she say?", top_k=3)
    new_words = [r.excerpt for r in more.results if "Davis" in r.excerpt or r.speaker]
    assert more.found and new_words
    # Her paragraph again, from where the first answer stopped: nothing shown twice.
    assert any("discredited himself" in e for e in new_words)
    assert "discredited himself" not in shown
    assert not {r.excerpt for r in first.results} & {r.excerpt for r in more.results}


def test_a_passage_with_nothing_new_gives_way(seed_retriever: Retriever) -> None:
    question = "Who urged Ford to take a leave of absence?"
    first = seed_retriever.ask(question, top_k=3)
    again = seed_retriever.ask(question, top_k=3, shown=[r.excerpt for r in first.results])
    assert again.found and len(again.results) == 3
    assert not {r.excerpt for r in first.results} & {r.excerpt for r in again.results}
    # Without what was shown, the answer is the same as before.
    assert seed_retriever.ask(question, top_k=3).results == first.results
