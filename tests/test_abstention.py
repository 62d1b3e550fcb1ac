"""Abstention: junk, guesses at gibberish and lone letters get no answer; real questions do."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answering.chat import is_chat
from retrieval.answering.query import JUDGED_TERMS, is_letter_run, judged_share
from retrieval.retriever import Retriever
from retrieval.settings import load_settings

STORY = {
    "game.md": (
        "Stadium report",
        "The quarterback had three fumbles in the first half, and the coach said so.\n\n"
        '"Hm, we will fix that," the coach told Generation Z fans after the game.',
    ),
    "riot.md": (
        "Capitol riot",
        "Rioters stormed the Capitol on January 6 and broke windows.\n\n"
        "Police now put every bag through X-ray scanners at the entrances.",
    ),
    "bridge.md": (
        "Harbour bridge",
        "The harbour bridge reopened on Tuesday after repairs costing $42 million.",
    ),
    "ferry.md": (
        "Ferry fares",
        "Councillor Amir Osei proposed cutting ferry fares by 15 percent.",
    ),
    "loans.md": (
        "Small firms",
        "Small firms took PPP loans to keep their staff through the winter.",
    ),
    "lanes.md": (
        "Bike lanes",
        '"Huh? OK, we will test the lanes again," the engineer said: "hahaha."',
    ),
}


@pytest.fixture
def story(tmp_path: Path) -> Retriever:
    """A small corpus whose words junk would reach: "hm", "so", "z", "x", "fumbles"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (title, text) in STORY.items():
        (corpus / name).write_text(f"---\ntitle: {title}\n---\n{text}\n", encoding="utf-8")
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return Retriever.from_settings(settings)


@pytest.mark.parametrize(
    "question",
    [
        "hmmmmmm",  # a held key: stemming would shrink it to "hm"
        "zzzzzzzz",
        "x" * 300,
        "x",  # a lone letter names nothing
        "Z?",
        "blorptastic frumbles",  # matches only by correcting a word next to gibberish
        "what's the capital of australia",  # "capital" is no misspelling of "Capitol"
        "hahahah",  # laughter: correction would make it "hahaha"
        "huh",  # one word alone is no question, though a passage holds it
        "Huh",  # nor a name: the passage writes it only where a sentence starts
        "ok ok ok",
        "test test",
        "soooo test",
        "osei",  # a name, but not written as one
        "How do I get my bike over the harbour bridge?",  # advice for the asker
        "when should i take the ferry",
        "what is your favorite ferry fare",
    ],
)
def test_junk_gets_no_answer(story: Retriever, question: str) -> None:
    assert story.ask(question).results == ()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How many fumbles did the quarterback have?", "three fumbles"),
        ("Who stormed the Capitol?", "Rioters stormed"),
        ("who stormed the capitl", "Rioters stormed"),  # a typo alone is still corrected
        ("What did the coach say? Hm", "fix that"),
        ("What are X-ray scanners used for?", "X-ray scanners"),
        ("what was proposed for ferry fares", "cutting ferry fares"),
        ("Osei", "Amir Osei"),  # one word, written as a name: a search for it
        ("Osei?", "Amir Osei"),
        ("What will the engineer test?", "test the lanes"),
        ("What is PPP?", "PPP loans"),  # an acronym of one letter, not the letter
    ],
)
def test_real_questions_on_the_same_corpus_are_answered(
    story: Retriever, question: str, answer: str
) -> None:
    results = story.ask(question).results
    assert results and answer in results[0].excerpt


@pytest.mark.parametrize(
    ("word", "run"),
    [
        ("hmmmmmm", True),
        ("soooo", True),
        ("zzz", True),
        ("HMMMM", True),
        ("x" * 300, True),
        ("lolol", True),  # a syllable two and a half times over
        ("HaHaHaHa", True),
        ("sdfsdfsdf", True),
        ("AAA", False),  # acronyms and numerals may triple a letter
        ("VIII", False),
        ("book", False),
        ("Mississippi", False),
        ("murmur", False),  # words repeat a syllable twice at most
        ("haha", False),
        ("banana", False),
        ("1000", False),
    ],
)
def test_letter_runs(word: str, run: bool) -> None:
    assert is_letter_run(word) is run


@pytest.mark.parametrize(
    ("question", "chat"),
    [
        ("how do I reset my password", True),
        ("What should I cook tonight?", True),
        ("how do i center a div", True),
        ("write me a poem about the bridge", True),
        ("can you help me with my homework", True),
        ("What is your favorite color?", True),
        ("Tell me about the bridge repairs", False),  # a request frame, not the asker
        ("Give me the ferry fares", False),
        ("Summarize the ferry strike for me", False),  # the one the request is for
        ("Who did Philip I marry?", False),  # a numeral
        ("Who sold All My Children?", False),  # a title
        ('Who said "I can do no other"?', False),  # someone else's words
        ("Which leader said 'my party is human'?", False),
        ("How can you see the bridge from the ferry?", False),  # "you": anyone
        ("Who was the MVP of Super Bowl I and II?", False),
        # The bot as the subject: of an asked "be", or liking something.
        ("how are you today", True),
        ("Who are you?", True),
        ("are u a robot", True),
        ("Do you enjoy your work?", True),
        ("would you prefer tea or coffee", True),
        ("Do you know who repaired the bridge?", False),  # asks about others
        ("Are you able to find who repaired the bridge?", False),  # a request
        ("would you like to know when the ferry left", False),
        ("Did you see what the keeper said?", False),
        ("Can you get a ferry while you're on the island?", False),
        ("Who sang Are You Experienced?", False),  # a title
        ('Which band recorded "do you like it"?', False),
        # An imperative to make or do something, not to find what was reported.
        ("write a haiku about the lighthouse", True),
        ("Please translate the keeper's letter into French", True),
        ("can you recommend a good ferry", True),
        ("set an alarm for 7am", True),
        ("Play the keeper's interview", True),
        ("Find the keeper's letter", False),
        ("List the ferries that stopped", False),
        ("Which play did the keeper write?", False),  # not an imperative
        ("What set off the alarm?", False),
    ],
)
def test_messages_that_are_chat(question: str, chat: bool) -> None:
    assert is_chat(question) is chat


# A quiz item's question: a preamble of background, then what it asks. The passage that
# answers it ("Fervent city hall ally Coun. Frances Nunziata said Wednesday that she and
# fellow supporters are urging him to take a leave of absence") repeats little of the
# preamble, so judged on every term it would hold too little of the question to answer.
LONG_QUESTION = (
    "Amid the video scandal, the police chief's statements, the drunken stupor admission, "
    "the apology at city hall and newspaper calls for his resignation, who said she and "
    "fellow supporters were urging Ford to take a leave of absence?"
)


def test_a_long_question_is_judged_on_its_weightiest_terms(seed_retriever: Retriever) -> None:
    answer = seed_retriever.ask(LONG_QUESTION)
    assert len(answer.terms) > 2 * JUDGED_TERMS
    assert "Nunziata" in answer.results[0].excerpt


@pytest.mark.parametrize(
    ("weights", "share"),
    [
        ({}, 1.0),
        ({"a": 2.0, "b": 1.0}, 1.0),
        ({f"t{n}": 1.0 for n in range(JUDGED_TERMS)}, 1.0),
        ({f"t{n}": 1.0 for n in range(2 * JUDGED_TERMS)}, 0.5),
        ({"rare": 10.0, **{f"t{n}": 1.0 for n in range(JUDGED_TERMS)}}, (10.0 + 7) / 18),
    ],
)
def test_the_judged_share_is_that_of_the_weightiest_terms(
    weights: dict[str, float], share: float
) -> None:
    assert judged_share(weights) == pytest.approx(share)


@pytest.mark.parametrize(
    "message",
    ["how are you today", "do you like music", "play some music", "recommend me a good book"],
)
def test_chat_gets_no_answer_over_the_seeds(seed_retriever: Retriever, message: str) -> None:
    # Each shares a word with some passage ("music", "today", "good"): only its form tells.
    assert not seed_retriever.ask(message).found


@pytest.mark.parametrize(
    "question",
    [
        "Do you know who urged Ford to take a leave?",
        "Can you tell me who urged Ford to take a leave?",
        "Find who urged Ford to take a leave, please",
    ],
)
def test_a_polite_question_is_answered(seed_retriever: Retriever, question: str) -> None:
    assert "Mammoliti" in seed_retriever.ask(question).results[0].excerpt
