"""Answer types: what a question asks for, candidates in text, and how answers use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.text.analysis import Analyzer
from retrieval.text.answer_types import (
    AnswerType,
    Asked,
    answer_candidates,
    asked,
    asked_type,
    candidate_spans,
)
from tests.corpora import retriever_over


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who urged Ford to take a leave?", AnswerType.PERSON),
        ("To whom did the mayor apologise?", AnswerType.PERSON),
        ("Whose report called it a hoax?", AnswerType.PERSON),
        ("Which councillor spoke first?", AnswerType.PERSON),
        ("Which news outlet published the video?", AnswerType.PERSON),
        ("Which English king signed it?", AnswerType.PERSON),
        ("When did the jury start deliberating?", AnswerType.DATE),
        ("In what year was the stadium built?", AnswerType.DATE),
        ("On what day did he resign?", AnswerType.DATE),
        ("How many children were killed?", AnswerType.NUMBER),
        ("How much did the repair cost?", AnswerType.NUMBER),
        ("How old was Newton?", AnswerType.NUMBER),
        ("What percentage of voters backed him?", AnswerType.NUMBER),
        ("Where is the trial taking place?", AnswerType.PLACE),
        ("Which city hosted the game?", AnswerType.PLACE),
        ("Why was the vote put off?", AnswerType.REASON),
        ("How did the other side get his phone?", AnswerType.MANNER),
        ("How likely is a mistrial?", AnswerType.MANNER),
        # Nothing a rule can tell: no type, and answers are ranked as before.
        ("What did the mayor do?", None),
        ("What happened to the harbour?", None),
        ("What is the capital of France?", AnswerType.PLACE),
        ("What was the name of the engineer?", AnswerType.PERSON),
        ("Tell me about the ferry fares", None),
        # "What kind of" asks what a thing is like, not for one by its name.
        ("What kind of city is Toronto?", None),
        ("Which type of company filed for bankruptcy?", None),
        # Of nouns written together the last is the head, and names the type.
        ("What modern-day country was he born in?", AnswerType.PLACE),
        ("Which member state declined to sign?", AnswerType.PLACE),
        ("What era name did the emperor adopt?", AnswerType.PERSON),
        ("Which city council voted first?", AnswerType.PLACE),
        # A clause before a comma sets the scene; the question word after it asks.
        ("When the bridge closed, who ran the ferry?", AnswerType.PERSON),
        ("When the bridge closed, what did the ferry do?", None),
        ("If the mayor resigns, how many councillors vote?", AnswerType.NUMBER),
    ],
)
def test_a_question_says_what_it_asks_for(question: str, kind: AnswerType | None) -> None:
    assert asked_type(question) is kind


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A title is written beside its holder's name: the question keeps it.
        ("Which judge is presiding over the trial?", Asked(AnswerType.PERSON, "judge")),
        ("What councillor urged Ford to step aside?", Asked(AnswerType.PERSON, "councillor")),
        # A class of things is not: any name may answer.
        ("Which team won the game?", Asked(AnswerType.PERSON, frame="team")),
        ("Which city hosted the game?", Asked(AnswerType.PLACE, frame="city")),
        ("Who won the game?", Asked(AnswerType.PERSON)),
        # "Who is the judge" asks for the person given the title.
        ("Who is the lawyer for the parents?", Asked(AnswerType.PERSON, "lawyer")),
        ("Who was the judge?", Asked(AnswerType.PERSON, "judge")),
        ("Who is the team's best player?", Asked(AnswerType.PERSON)),
        ("Who told the judge?", Asked(AnswerType.PERSON)),
    ],
)
def test_a_title_the_question_asks_about_is_kept(question: str, expected: Asked) -> None:
    assert asked(question) == expected


def test_a_name_answers_a_title_only_beside_it() -> None:
    text = (
        "Lawyers for Ford and Lisi asked the court for a ruling. Judge Ian Nordheimer will "
        "rule next week. The judge, Maya Gamble, said no. A judge in Ottawa met the lawyers "
        "of Mark Bankston. Later Tom Reed, a judge since 2001, agreed. After a call to Jones' "
        "office, the judge left."
    )
    analyzer = Analyzer()
    terms = set(analyzer.terms("Which judge will rule?"))
    found = answer_candidates(text, AnswerType.PERSON, analyzer, terms, "judge")
    # A title before the name, or a name and its role set apart by commas; not a
    # place the judge is in, nor a name owning something beside the judge.
    assert [text[s:e] for s, e in found] == ["Ian Nordheimer", "Maya Gamble", "Tom Reed"]
    anywhere = answer_candidates(text, AnswerType.PERSON, analyzer, terms)
    assert [text[s:e] for s, e in anywhere][:2] == ["Ford", "Lisi"] and len(anywhere) == 8


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A full stop after a name ends it: the next sentence's name is another.
        ("It was met by Mark Bankston. Then Tom Reed spoke.", ["Mark Bankston", "Tom Reed"]),
        # Dots of initials and short abbreviations stay inside the name.
        ("It went to the U.S. Supreme Court in St. Louis.", ["U.S. Supreme Court", "St. Louis"]),
        ("A talk by J. R. Smith of Apple Inc. and others.", ["J. R. Smith of Apple Inc."]),
    ],
)
def test_names_end_where_their_sentence_does(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in candidate_spans(text, AnswerType.PERSON)] == names


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Fossils formed 66 million years ago in the bay.", ["66 million years ago"]),
        ("Two weeks later, the bridge reopened.", ["Two weeks later"]),
        ("The ferry ran a few days earlier.", ["a few days earlier"]),
        # A length of time is no date: it counts back or on from none.
        ("The repair took two years.", []),
    ],
)
def test_a_time_counted_back_or_on_is_a_date(text: str, dates: list[str]) -> None:
    assert [text[a:b] for a, b in candidate_spans(text, AnswerType.DATE)] == dates


TEXT = (
    "The Harbour Bridge reopened on Tuesday, Nov. 5, 2013, after a two-year repair that "
    "cost $42 million, engineer Dana Whitlow said. Traffic rose 15 percent because the "
    "lanes are wider, and the ferry has run at 7:30 a.m. since 2010."
)


@pytest.mark.parametrize(
    ("kind", "question", "expected"),
    [
        (
            AnswerType.DATE,
            "When did the bridge reopen?",
            ["Tuesday", "Nov. 5, 2013", "7:30 a.m.", "2010"],
        ),
        # A date the question already gives is not its answer.
        (AnswerType.DATE, "What happened in 2010?", ["Tuesday", "Nov. 5, 2013", "7:30 a.m."]),
        (
            AnswerType.NUMBER,
            "How much did the repair cost?",
            ["5", "2013", "two", "42 million", "15 percent", "7", "30", "2010"],
        ),
        # Names, not the capitalised words the question itself uses, nor dates.
        (AnswerType.PERSON, "Who reopened the Harbour Bridge?", ["Dana Whitlow"]),
        (AnswerType.PLACE, "Where did Dana Whitlow work?", ["Harbour Bridge"]),
        (AnswerType.REASON, "Why did traffic rise?", ["because"]),
    ],
)
def test_candidate_answers_are_found_in_text(
    kind: AnswerType, question: str, expected: list[str]
) -> None:
    analyzer = Analyzer()
    terms = set(analyzer.terms(question))
    found = [TEXT[start:end] for start, end in answer_candidates(TEXT, kind, analyzer, terms)]
    assert found == expected


OTHERS = {
    "library": "The library reopened with a new reading room and a garden for children.",
    "boats": "Fishing boats returned to the harbour early because of the storm warning.",
    "bakery": "A new bakery opened on the main street, selling bread and pastries.",
}
REPEATS = (
    "Whether the council will approve the ferry budget is the question that every "
    "resident of the harbour town keeps asking."
)
ANSWERS = (
    "After a long evening of debate in the old harbour town hall, with many residents "
    "watching from the gallery, the council voted to approve the ferry budget on March 4."
)


def test_a_passage_with_an_answer_of_the_asked_type_wins(tmp_path: Path) -> None:
    found = retriever_over(tmp_path, {"repeats": REPEATS, "answers": ANSWERS, **OTHERS})
    # Both passages hold every word of the question; only one says when.
    when = found.ask("When did the council approve the ferry budget?").results
    assert [r.sources[0].title for r in when[:2]] == ["answers", "repeats"]
    # A question that asks for no date keeps BM25's order: the shorter passage first.
    did = found.ask("Did the council approve the ferry budget?").results
    assert [r.sources[0].title for r in did[:2]] == ["repeats", "answers"]


# Two passages, and questions with the order each must rank them in (its first two).
BESIDE = "The motion will be ruled on by Judge Ian Nordheimer, who has heard the case since spring."
HOLDER = (
    "Ada Quill, the workers' lawyer, told the harbour board that the strike at the ferry "
    "docks would go on until spring."
)
TITLED = [
    pytest.param(
        {"elsewhere": "The judge will rule on the motion, lawyers for Ford and Lisi said.",
         "beside": BESIDE},
        [
            ("Which judge will rule on the motion?", ["beside", "elsewhere"]),
            # "Who" names no title: the names elsewhere answer it as well, and BM25 decides.
            ("Who will rule on the motion?", ["elsewhere", "beside"]),
        ],
        id="a name answers a title only beside it",
    ),
    pytest.param(
        {"role only": "Lawyers for the ferry workers said so.", "holder": HOLDER},
        [
            # "Lawyers for the ferry workers" is the question's own words: it names no lawyer.
            ("Who is the lawyer for the ferry workers?", ["holder", "role only"]),
            # Asked for no title's holder, BM25 decides: the short passage first.
            ("Did the lawyers for the ferry workers say so?", ["role only", "holder"]),
        ],
        id="a title without its holder loses to the title with one",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("texts", "questions"), TITLED)
def test_a_title_is_answered_by_the_name_beside_it(
    tmp_path: Path, texts: dict[str, str], questions: list[tuple[str, list[str]]]
) -> None:
    found = retriever_over(tmp_path, {**texts, **OTHERS})
    for question, order in questions:
        assert [r.sources[0].title for r in found.ask(question).results[:2]] == order, question


ASKS_TOO = (
    "The council must still decide how much the town will pay for the new ferry, "
    "and how much of the ferry budget the province will cover."
)
GIVES = "The town will pay $4 million for the new ferry, the council said."


def test_a_passage_that_asks_how_much_itself_loses_to_one_that_says(tmp_path: Path) -> None:
    found = retriever_over(tmp_path, {"asks": ASKS_TOO, "gives": GIVES, **OTHERS})
    how_much = found.ask("How much will the town pay for the new ferry?").results
    assert [r.sources[0].title for r in how_much[:2]] == ["gives", "asks"]
    # Asked for no amount, the passage holding more of the question's words comes first.
    will = found.ask("Will the town pay much for the new ferry?").results
    assert [r.sources[0].title for r in will[:2]] == ["asks", "gives"]


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("How much did the repair cost?", "how much"),
        ("how many children were killed", "how many"),
        ("When did the jury start deliberating?", None),
        ("How did the other side get his phone?", None),
    ],
)
def test_a_how_question_keeps_the_words_that_ask_it(question: str, phrase: str | None) -> None:
    found = asked(question)
    assert (found.phrase if found else None) == phrase


@pytest.mark.parametrize(
    ("question", "frame"),
    [
        ("In what year did the bridge reopen?", "year"),
        ("How many children were killed?", "many"),
        ("What percentage of voters backed him?", "percentage"),
        ("What present-day county is the town in?", "county"),
        ("Which court judge will rule?", None),
        # A title is the question's subject, not the name of a type.
        ("Which judge will rule?", None),
        ("When did the bridge reopen?", None),
    ],
)
def test_the_word_naming_the_type_is_kept_apart(question: str, frame: str | None) -> None:
    found = asked(question)
    assert (found.frame if found else None) == frame


def test_an_answer_of_the_type_covers_the_word_that_names_it(tmp_path: Path) -> None:
    found = retriever_over(
        tmp_path,
        {
            "names": "The harbour bridge reopened to traffic this year.",
            "gives": "The harbour bridge reopened to traffic in 2010, the council said.",
            # News says "year" often: it names the type asked for, not the subject.
            "market": "The market had its best year yet, and plans a second hall next year.",
            "school": "The school year starts in September for every pupil in town.",
            **OTHERS,
        },
    )
    year = found.ask("In what year did the harbour bridge reopen to traffic?").results
    assert [r.sources[0].title for r in year[:2]] == ["gives", "names"]


def test_a_sentence_asking_the_same_gives_no_candidate() -> None:
    text = "Nobody knows how much the 12 towns will pay. The bill came to 40 million."
    analyzer = Analyzer()
    terms = set(analyzer.terms("How much will the towns pay?"))
    found = answer_candidates(text, AnswerType.NUMBER, analyzer, terms, phrase="how much")
    assert [text[s:e] for s, e in found] == ["40 million"]


# One paragraph too long for an excerpt: its first and its last sentences both
# hold the question's words, only the last says when.
PARAGRAPH = (
    "Nobody in the harbour town knew whether the ferry budget would pass. The ferry ran "
    "twice a day in summer and once in winter, and its old engines broke down often. "
    "Fishermen used it to carry their catch to the market on the mainland, and "
    "schoolchildren rode it every morning. Tourists filled its deck in July and August, "
    "taking pictures of the lighthouse and the cliffs. The harbour master kept its "
    "timetable pinned to the door of his office. In the end the ferry budget did pass, "
    "on March 4, by a single vote."
)


def test_the_excerpt_keeps_the_answer_of_the_asked_type(tmp_path: Path) -> None:
    found = retriever_over(tmp_path, {"ferry": PARAGRAPH, **OTHERS})
    first = found.ask("When did the ferry budget pass?").results[0].excerpt
    assert "March 4" in first
    assert len(first) <= 400 and first.startswith("…") and first.strip("…") in PARAGRAPH
    # Asked for no date, the excerpt starts where the question's words first stand.
    other = found.ask("Did the ferry budget pass?").results[0].excerpt
    assert other.startswith("Nobody in the harbour town") and "March 4" not in other
