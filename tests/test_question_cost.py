"""Spelling correction does bounded work: a word's length can't make a question expensive.

Correction looks at every word one edit away from a question word, each as long as
the word; these tests count the words it expands and the memory a question takes
rather than timing it (`bench/question_cost.py` prints the times).
"""

from __future__ import annotations

import random
import string
import tracemalloc
from collections.abc import Callable

import pytest

from retrieval import QuestionTooLong
from retrieval.answering import query
from retrieval.answering.query import MAX_CORRECTED_LENGTH, analyze_query, correct
from retrieval.retriever import Retriever
from retrieval.text.analysis import Analyzer

# Far more than any question's analysis needs, far less than expanding a long word
# took: a 2,000-letter word grew the peak by about 460 MB.
MEMORY_BOUND = 10 * 2**20


def made_up_word(letters: int, seed: int = 11) -> str:
    """Letters at random: a word no index holds, so correction is tried on it."""
    return "".join(random.Random(seed).choices(string.ascii_lowercase, k=letters))


class Expansions:
    """Stands in for the edit generator: records each word expanded, refuses huge ones."""

    def __init__(self, real: Callable[[str], set[str]]) -> None:
        self.real = real
        self.words: list[str] = []

    def __call__(self, word: str) -> set[str]:
        self.words.append(word)
        # Expanding these would take gigabytes or minutes: failing here keeps the machine safe.
        assert len(word) <= 4 * MAX_CORRECTED_LENGTH, f"expanded a {len(word)}-letter word"
        assert len(self.words) <= 100, "expanded over 100 words for one question"
        return self.real(word)

    @property
    def lengths(self) -> list[int]:
        return [len(w) for w in self.words]


@pytest.fixture
def expansions(monkeypatch: pytest.MonkeyPatch) -> Expansions:
    recorder = Expansions(query._edits)
    monkeypatch.setattr(query, "_edits", recorder)
    return recorder


@pytest.mark.parametrize(
    ("word", "expanded"),
    [
        ("mayer", True),
        ("councilorr", True),
        pytest.param(made_up_word(MAX_CORRECTED_LENGTH), True, id="longest-corrected"),
        pytest.param(made_up_word(MAX_CORRECTED_LENGTH + 1), False, id="one-letter-more"),
        pytest.param(made_up_word(120), False, id="120-letters"),
        pytest.param(made_up_word(20_000), False, id="20000-letters"),
    ],
)
def test_correction_expands_only_words_of_a_sane_length(
    seed_retriever: Retriever, expansions: Expansions, word: str, expanded: bool
) -> None:
    index = seed_retriever.index
    correct(word, index.analyzer, index.scorer)
    assert expansions.lengths == ([len(word)] if expanded else [])


@pytest.mark.parametrize(("extra", "expanded"), [(0, True), (1, True), (2, False), (40, False)])
def test_question_words_beyond_the_articles_longest_word_are_left_alone(
    seed_retriever: Retriever, expansions: Expansions, extra: int, expanded: bool
) -> None:
    """One edit can't bring a word two letters longer than any of theirs to one of theirs."""
    longest = max(map(len, seed_retriever.index.surfaces))
    word = made_up_word(longest + extra)
    seed_retriever.ask(f"Who is {word}?")
    assert (len(word) in expansions.lengths) is expanded


@pytest.mark.parametrize("letters", [300, 2_000, 20_000])
def test_a_long_word_costs_no_expansion_and_little_memory(
    seed_retriever: Retriever, expansions: Expansions, letters: int
) -> None:
    index = seed_retriever.index
    question = f"Who is {made_up_word(letters)}?"
    tracemalloc.start()
    try:
        found = analyze_query(question, index.analyzer, index.scorer, surfaces=index.surfaces)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert expansions.words == []
    assert found.unknown  # analysed all the same: the word is kept as an unknown term
    assert peak < MEMORY_BOUND


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(f"Who is {made_up_word(20_000)}?", id="20000-letter-word"),
        pytest.param(" ".join(made_up_word(7, seed) for seed in range(2_000)), id="2000-words"),
    ],
)
def test_a_huge_question_is_refused_before_any_work(
    seed_retriever: Retriever, expansions: Expansions, question: str
) -> None:
    """Refused by the length cap, with nothing expanded and next to no memory."""
    tracemalloc.start()
    try:
        with pytest.raises(QuestionTooLong):
            seed_retriever.ask(question)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert expansions.words == []
    assert peak < MEMORY_BOUND


@pytest.mark.parametrize(
    ("stemmer", "stopwords"), [("english", True), ("english", False), (None, True)]
)
def test_correction_looks_candidates_up_as_the_analyzer_would(
    seed_retriever: Retriever, stemmer: str | None, stopwords: bool
) -> None:
    """The batch lookup of candidates gives each the term ``Analyzer.term`` gives it."""
    analyzer = Analyzer(stemmer=stemmer, stopwords=stopwords)
    plain = sorted(w for w in seed_retriever.index.surfaces if w.isascii() and w.isalpha())
    words = sorted({c for w in plain[::10] for c in query._edits(w.lower())} | set(plain))
    assert len(words) > 20_000
    assert analyzer.letter_terms(words) == [analyzer.term(w) for w in words]
