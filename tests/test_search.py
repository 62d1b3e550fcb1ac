"""Search over the seed story: answers, excerpts, duplicates and abstention."""

from __future__ import annotations

import re

import pytest

from retrieval.answering.evaluation import comparable
from retrieval.retriever import Retriever
from retrieval.text.article import Article
from retrieval.text.cleaning import looks_like_markup


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Who urged Ford to take a pause?", "Kelly"),
        ("Who thinks Torontonians would forgive Ford?", "Mammoliti"),
        ("What did Ford say about women in politics?", "underrepresented"),
        ("Wich councilor said Ford is stuck in the same spot?", "Filion"),
        ("According to Janet Davis, what has the mayor lost?", "legitimacy"),
    ],
)
def test_answers_are_in_the_first_excerpts(
    seed_retriever: Retriever, question: str, answer: str
) -> None:
    results = seed_retriever.ask(question).results
    assert any(answer.lower() in r.excerpt.lower() for r in results[:3])


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "What's the weather in London today?",
        "Explain how quantum computers work",
        "Give me a recipe for pancakes",
        "How tall is Taylor Swift?",
        "asdfgh qwerty",
        "the of and to",
        "???",
    ],
)
def test_off_topic_questions_get_no_answer(seed_retriever: Retriever, question: str) -> None:
    answer = seed_retriever.ask(question)
    assert answer.results == () and not answer.found
    assert answer.to_dict() == {"query": question, "results": []}


def article_texts(retriever: Retriever) -> dict[str, str]:
    return {a.id: a.text for a in retriever.index.articles}


QUESTIONS = [
    "Who urged Ford to take a pause?",
    "What did Ford say about Asian people?",
    "Who thinks Torontonians would forgive Ford?",
    "What did the partially released police document reveal?",
    "Why was Ford in court in January 2013?",
    "What did Ford say about bike lanes?",
    "Who is Ford's driver?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_excerpts_are_verbatim_short_and_clean(seed_retriever: Retriever, question: str) -> None:
    texts = article_texts(seed_retriever)
    answer = seed_retriever.ask(question, top_k=5)
    assert answer.found
    for result in answer.results:
        assert len(result.excerpt) <= 400
        assert not looks_like_markup(result.excerpt)
        # Every piece between ellipses and line breaks is the article's own text.
        for piece in re.split(r"…|\n", result.excerpt):
            if piece.strip():
                assert any(piece.strip() in t for t in texts.values()), piece
        for start, end in result.highlights:
            assert result.excerpt[start:end].strip()


def test_quote_excerpt_names_its_speaker(seed_retriever: Retriever) -> None:
    top = seed_retriever.ask("Who thinks Torontonians would forgive Ford?").results[0]
    assert "Torontonians would actually support him and forgive him" in top.excerpt
    assert "Mammoliti" in top.excerpt


def test_results_are_best_first_and_top_k_is_respected(seed_retriever: Retriever) -> None:
    answer = seed_retriever.ask("What did Ford say about crack?", top_k=4)
    assert 1 <= len(answer.results) <= 4
    scores = [r.score for r in answer.results]
    assert scores == sorted(scores, reverse=True)
    assert answer.articles_searched == 3 and answer.passages_searched > 50


def test_the_same_passage_in_two_articles_is_shown_once_with_both_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from retrieval.settings import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    wire = "The harbour bridge will close for repairs on Monday, the transport minister said."
    (corpus / "a.md").write_text(
        f"---\ntitle: Paper A\n---\n{wire}\n\nOther news about trains.", encoding="utf-8"
    )
    (corpus / "b.md").write_text(
        f"---\ntitle: Paper B\n---\nLocal weather.\n\n{wire}", encoding="utf-8"
    )
    (corpus / "c.md").write_text(
        "---\ntitle: Paper C\n---\nSports results today.", encoding="utf-8"
    )
    retriever = Retriever.from_settings(
        load_settings().with_paths(corpus=corpus, index=tmp_path / "i")
    )
    answer = retriever.ask("When will the harbour bridge close?")
    assert len([r for r in answer.results if "harbour bridge" in r.excerpt]) == 1
    assert {s.title for s in answer.results[0].sources} == {"Paper A", "Paper B"}


def test_eval_comparison_folds_quotes_dashes_and_spaces() -> None:
    assert comparable("“A”  —  b\n") == comparable('"a" - B')


def test_articles_listing(seed_retriever: Retriever) -> None:
    infos = seed_retriever.articles()
    assert [i.source.id for i in infos] == sorted(i.source.id for i in infos)
    assert all(i.passages > 5 and i.source.published == "2013-11-06" for i in infos)
    assert isinstance(seed_retriever.index.articles[0], Article)
