"""Conversations: follow-ups read against the turns before them, over the seed story."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answering.conversation import Conversation
from retrieval.answering.conversation.people import who
from retrieval.answering.conversation.resolve import Turn, resolve
from retrieval.answering.conversation.session import MAX_TURNS
from retrieval.answering.conversation.words import names
from retrieval.answering.evaluation import EvalQuestion, evaluate, load_questions
from retrieval.retriever import Retriever

FOLLOWUPS = Path(__file__).parent / "data" / "followups.yaml"


@pytest.mark.parametrize(
    ("earlier", "follow_up", "understood"),
    [
        # a pronoun after a "who" question: the person the answer names
        (
            "Who is the deputy mayor?",
            "What did he ask Ford to do?",
            "What did Norm Kelly ask Ford to do?",
        ),
        # a pronoun: the person the earlier question names first
        (
            "Has Norm Kelly said much about his meetings with Ford?",
            "Why did he speak out on Wednesday?",
            "Why did Norm Kelly speak out on Wednesday?",
        ),
        # she and him: the articles' pronouns tell Janet Davis from Ford
        (
            "What did Coun. Janet Davis say Ford has lost?",
            "What else did she accuse him of?",
            "What did Janet Davis accuse Ford of?",
        ),
        # "it": the thing the earlier question was about
        (
            "What has the province said about stepping in?",
            "What did it decide?",
            "What did the province decide?",
        ),
        # ellipsis: a name for the earlier question's name
        (
            "What is Denzil Minnan-Wong concerned about?",
            "what about Stintz?",
            "What is Stintz concerned about?",
        ),
        # ellipsis: a dated phrase for the earlier question's dated phrase
        (
            "What was Ford doing on Sept. 30, 2013?",
            "And on Oct. 16, 2013?",
            "What was Ford doing on Oct. 16, 2013?",
        ),
        # ellipsis: a noun phrase for the earlier question's subject
        (
            "What has the province said about stepping in?",
            "And the premier?",
            "What has the premier said about stepping in?",
        ),
        # an event: the earlier question, asked when
        (
            "What did Ford say about the Hero Burger outside City Hall?",
            "When was that?",
            "When was that? What did Ford say about the Hero Burger outside City Hall?",
        ),
    ],
)
def test_a_follow_up_is_read_against_the_question_before(
    seed_retriever: Retriever, earlier: str, follow_up: str, understood: str
) -> None:
    conversation = Conversation(seed_retriever)
    assert conversation.ask(earlier).understood is None
    answer = conversation.ask(follow_up)
    assert answer.query == follow_up and answer.understood == understood
    assert answer.found


@pytest.mark.parametrize(
    ("earlier", "follow_up", "answer_holds"),
    [
        ("Who is the deputy mayor?", "What did he ask Ford to do?", "pause"),
        (
            "What has the province said about stepping in?",
            "And the premier?",
            "police, the courts or the mayor",
        ),
        (
            "What did Ford say about the Hero Burger outside City Hall?",
            "When was that?",
            "April 2013",
        ),
    ],
)
def test_the_follow_up_is_answered_where_alone_it_is_not(
    seed_retriever: Retriever, earlier: str, follow_up: str, answer_holds: str
) -> None:
    conversation = Conversation(seed_retriever)
    conversation.ask(earlier)
    first = conversation.ask(follow_up, top_k=3).results[0].excerpt
    alone = seed_retriever.ask(follow_up, top_k=3)
    assert answer_holds in first
    assert not alone.found or answer_holds not in alone.results[0].excerpt


@pytest.mark.parametrize(
    ("name", "known_as"),
    [
        ("Norm Kelly", "male"),  # "Kelly said he …"
        ("Karen Stintz", "female"),  # "Stintz, who has said she …"
        ("Janet Davis", "female"),
        ("Hall", None),  # "City Hall": never the subject of a pronoun or a speech verb
        ("TV", None),
    ],
)
def test_the_articles_pronouns_tell_who_a_name_stands_for(
    seed_retriever: Retriever, name: str, known_as: str | None
) -> None:
    assert who(seed_retriever.index, name) == known_as


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Has Norm Kelly said much about his meetings with Ford?", ["Norm Kelly", "Ford"]),
        ("Whose audit called Ford's workload into question?", ["Ford"]),
        ("Prime Minister Édouard Philippe. Despite the cost, he said", ["Édouard Philippe"]),
        ("Which TV outlet interviewed Ford in 2006?", ["Ford"]),
    ],
)
def test_names_in_a_question_or_an_excerpt(text: str, people: list[str]) -> None:
    assert [n.name for n in names(text)] == people


def test_a_question_naming_its_own_subject_is_answered_as_if_asked_alone(
    seed_retriever: Retriever,
) -> None:
    question = "What does Rob Ford call his conservative supporters?"
    conversation = Conversation(seed_retriever)
    conversation.ask("Why is Frances Nunziata frustrated?")
    answer = conversation.ask(question)
    assert answer.understood is None
    assert answer.results == seed_retriever.ask(question).results


@pytest.mark.parametrize(
    ("earlier", "more", "understood"),
    [
        # nothing new asked: the earlier question again
        ("Who urged Ford to take a leave of absence?", "Who else?", None),
        # one word of its own: that question, still beyond what was shown
        (
            "What did Frances Nunziata ask Ford to do?",
            "What else did she say?",
            "What did Frances Nunziata say?",
        ),
    ],
)
def test_else_leaves_out_what_was_shown(
    seed_retriever: Retriever, earlier: str, more: str, understood: str | None
) -> None:
    conversation = Conversation(seed_retriever)
    shown = {r.excerpt for r in conversation.ask(earlier).results}
    answer = conversation.ask(more)
    assert answer.understood == (understood or earlier)
    assert answer.found and not shown & {r.excerpt for r in answer.results}


def test_an_off_topic_follow_up_stays_unanswered(seed_retriever: Retriever) -> None:
    conversation = Conversation(seed_retriever)
    assert conversation.ask(
        "What did Ford say about donating football equipment to Don Bosco?"
    ).found
    assert not conversation.ask("Who won the Super Bowl that season?").found


def test_the_conversation_keeps_a_few_turns_and_starts_over(seed_retriever: Retriever) -> None:
    conversation = Conversation(seed_retriever)
    for _ in range(MAX_TURNS + 3):
        conversation.ask("Who is the deputy mayor?")
    assert len(conversation.turns) == MAX_TURNS
    conversation.reset()
    assert conversation.turns == ()
    assert conversation.ask("What did he ask Ford to do?").understood is None


def test_eval_asks_after_questions_in_one_conversation(seed_retriever: Retriever) -> None:
    follow_up = EvalQuestion(
        "What did he ask Ford to do?", ("pause",), "pronoun", ("Who is the deputy mayor?",)
    )
    alone = EvalQuestion("Who urged Ford to take a pause?", ("Kelly",), "fact")

    def converse(asked: tuple[str, ...] | list[str]) -> object:
        conversation = Conversation(seed_retriever)
        answers = [conversation.ask(q, top_k=1) for q in asked]
        return answers[-1]

    def ask(question: str) -> object:
        return seed_retriever.ask(question, top_k=1)

    with_context = evaluate([follow_up, alone], ask, converse)  # type: ignore[arg-type]
    without = evaluate([follow_up, alone], ask)  # type: ignore[arg-type]
    assert with_context.outcomes[0].rank == 1 and without.outcomes[0].rank is None
    # A question without `after` is asked exactly as before.
    assert with_context.outcomes[1].answer == without.outcomes[1].answer


def test_the_follow_up_file_reads_its_after_lists() -> None:
    questions = load_questions(FOLLOWUPS)
    assert all(q.after for q in questions)
    assert {q.kind for q in questions} == {"pronoun", "ellipsis", "more", "detail", "reset", "out"}


@pytest.mark.parametrize(
    "follow_up",
    [
        "And what's the best pizza in Toronto?",
        "And who's the premier of Ontario?",
        "so how's Ford?",
    ],
)
def test_a_contracted_question_word_asks_its_own_question(follow_up: str) -> None:
    earlier = Turn(asked="What did Ford say?", understood="What did Ford say?", people=("Ford",))
    assert resolve(follow_up, [earlier], lambda name: "male").kind == "alone"


GENDERS = {"Norm Kelly": "male", "Ford": "male", "Karen Stintz": "female", "Doug Holyday": None}


@pytest.mark.parametrize(
    ("earlier_people", "follow_up", "understood"),
    [
        # only men named before: "she" stands for none of them
        (("Norm Kelly", "Ford"), "What did she say?", "What did she say?"),
        (("Karen Stintz",), "What did he say?", "What did he say?"),
        # a name the articles give no pronoun for can be either
        (("Doug Holyday",), "What did she say?", "What did Doug Holyday say?"),
        (("Ford", "Karen Stintz"), "What did she say?", "What did Karen Stintz say?"),
    ],
)
def test_a_pronoun_never_stands_for_someone_of_the_other_gender(
    earlier_people: tuple[str, ...], follow_up: str, understood: str
) -> None:
    earlier = Turn("Who spoke?", "Who spoke?", people=earlier_people)
    assert resolve(follow_up, [earlier], GENDERS.get).text == understood


@pytest.mark.parametrize(
    ("earlier", "answer_people", "understood"),
    [
        # "Who is X?" is about X, even when the articles never give X a pronoun and the
        # answer names someone else first.
        ("Who is Doug Holyday?", ("Ford",), "What is Doug Holyday charged with?"),
        ("Who was Norm Kelly?", ("Ford",), "What is Norm Kelly charged with?"),
        # "Who is the lawyer?" asks for someone not yet named: the answer's person.
        ("Who is Ford's lawyer?", ("Norm Kelly",), "What is Norm Kelly charged with?"),
        # Never someone the articles give the other pronoun.
        ("Who is Karen Stintz?", ("Ford",), "What is Ford charged with?"),
    ],
)
def test_who_is_a_named_person_is_about_that_person(
    earlier: str, answer_people: tuple[str, ...], understood: str
) -> None:
    people = tuple(n.name for n in names(earlier))
    turn = Turn(earlier, earlier, people=people, answer_people=answer_people)
    assert resolve("What is he charged with?", [turn], GENDERS.get).text == understood


def test_a_follow_up_pasted_with_markup_is_read_as_its_text(seed_retriever: Retriever) -> None:
    # The link's tags around "he" would otherwise be the follow-up's words: "href",
    # "example" and the rest, which no earlier question explains.
    conversation = Conversation(seed_retriever)
    conversation.ask("Who is the deputy mayor?")
    pasted = 'What did <a href="https://example.com/tag/deputy">he</a> ask Ford to do?'
    answer = conversation.ask(pasted, top_k=3)
    assert answer.query == "What did he ask Ford to do?"
    assert answer.understood is not None and "he" not in answer.understood.split()
    assert "pause" in answer.results[0].excerpt
