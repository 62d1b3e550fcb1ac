"""Definition questions: "what is X?", "who is NAME?", and where a text describes X."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import AnswerType, Asked, asked
from retrieval.text.definitions import described
from tests.corpora import retriever_over


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Who is Alexander Lisi?", ("Alexander", "Lisi")),
        ("who was Kuznia", ("Kuznia",)),
        ("What is Infowars?", ("Infowars",)),
        ("What are colloblasts?", ("colloblasts",)),
        ("What was the Seven Years War?", ("the", "Seven", "Years", "War")),
        ("What is the largest ctenophore?", ("the", "largest", "ctenophore")),
    ],
)
def test_a_question_that_asks_what_something_is(question: str, subject: tuple[str, ...]) -> None:
    assert asked(question) == Asked(AnswerType.DEFINITION, subject=subject)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A person asked for by a role or a relation, not a definition.
        ("Who is the judge?", Asked(AnswerType.PERSON, "judge")),
        ("Who is Ford's lawyer?", Asked(AnswerType.PERSON)),
        ("Who was the team's best player?", Asked(AnswerType.PERSON)),
        # A type the noun names comes first.
        ("What is the capital of France?", Asked(AnswerType.PLACE, frame="capital")),
        # A clause, not a noun phrase, follows the copula.
        ("What is the AFC short for?", None),
        ("What was the naval base called?", None),
        ("What is in Eldon Square?", None),
        ("What is it?", None),
        ("What did the mayor say about the video?", None),
    ],
)
def test_other_questions_are_not_definitions(question: str, expected: Asked | None) -> None:
    assert asked(question) == expected


TEXT = (
    "Police followed Alexander Lisi, a friend of the mayor, for months. "
    "Lisi, 35, was charged in October. "
    "Lisi is accused of extortion. "
    "Officers met Lisi twice. "
    "The Semuren (allied groups from Central Asia) served the court. "
    "Cestum veneris is the largest ctenophore. "
    "Ctenophores, the comb jellies, hunt with colloblasts."
)


@pytest.mark.parametrize(
    ("subject", "found"),
    [
        # Apposition, an age in apposition, a copula; not the subject as an object.
        (("Alexander", "Lisi"), ["Lisi, a", "Lisi, 35", "Lisi is"]),
        # A gloss in brackets.
        (("Semuren",), ["Semuren ("]),
        # A description with "the" is a role: what stands on the copula's other side fills it.
        (("the", "largest", "ctenophore"), ["is the largest ctenophore"]),
        (("ctenophores",), ["Ctenophores, the"]),
        (("colloblasts",), []),
    ],
)
def test_where_a_text_describes_its_subject(subject: tuple[str, ...], found: list[str]) -> None:
    spans = described(TEXT, subject, Analyzer())
    assert [TEXT[start:end] for start, end in spans] == found


def test_who_is_a_name_gets_the_passage_that_says_who_they_are(tmp_path: Path) -> None:
    retriever = retriever_over(
        tmp_path,
        {
            "court": "Alexander Lisi met Rob Ford and Doug Ford at a restaurant in "
            "Etobicoke. Alexander Lisi and Ford talked for an hour.",
            "profile": "Police watched Alexander Lisi, a friend and occasional driver of "
            "the mayor, for weeks before the raids.",
            "budget": "Council passed the budget on Tuesday after a long debate.",
            "transit": "The transit plan will add two subway stops in Scarborough.",
        },
    )
    answer = retriever.ask("Who is Alexander Lisi?", top_k=2)
    assert "occasional driver" in answer.results[0].excerpt


def test_the_excerpt_shows_the_sentence_that_defines_the_subject(tmp_path: Path) -> None:
    filler = " ".join(
        f"The comb rows of species number {n} beat in waves along the body." for n in range(6)
    )
    retriever = retriever_over(
        tmp_path,
        {
            "ctenophores": "The tentacles are densely covered with microscopic colloblasts "
            f"that capture prey by sticking to it. {filler} Colloblasts are specialized "
            "mushroom-shaped cells in the outer layer of the epidermis.",
            "harbour": "The harbour ferry fares will rise in the spring.",
        },
    )
    answer = retriever.ask("What are colloblasts?", top_k=1)
    assert "mushroom-shaped cells" in answer.results[0].excerpt
