"""Relevance of a new article to the corpus: what feeds.min_relevance is compared with."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.intake.fetch import html_to_article
from retrieval.intake.relevance import Relevance
from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.storage.corpus import read_article_file
from tests.bot.helpers import write_corpus
from tests.feedserver import COUNCIL, FERRY, RADIO, page
from tests.pages import PAGE


def judge(corpus: Path, tmp_path: Path) -> Relevance:
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return Relevance(Retriever.from_settings(settings, allow_empty=True).index)


def text_of(paragraphs: list[str]) -> str:
    return html_to_article(page("A report", "2013-11-10", paragraphs).decode(), "x").text


def test_an_empty_corpus_has_no_relevance_to_judge(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert judge(empty, tmp_path).of(text_of(RADIO)) is None


def test_a_copy_scores_1(seed_corpus: Path, tmp_path: Path) -> None:
    seed = read_article_file(next(iter(sorted(seed_corpus.iterdir()))))
    assert judge(seed_corpus, tmp_path).of(seed.text) == pytest.approx(1.0)


def test_reports_on_the_story_score_over_the_default_and_others_under(
    seed_corpus: Path, tmp_path: Path
) -> None:
    relevance = judge(seed_corpus, tmp_path)
    floor = load_settings().feeds.min_relevance
    on = [relevance.of(text_of(RADIO)), relevance.of(text_of(COUNCIL))]
    off = [relevance.of(text_of(FERRY)), relevance.of(html_to_article(PAGE, "x").text)]
    assert all(score is not None and score >= floor for score in on), on
    assert all(score is not None and score < floor / 2 for score in off), off


def test_more_articles_on_other_things_change_nothing(seed_corpus: Path, tmp_path: Path) -> None:
    before = judge(seed_corpus, tmp_path / "small").of(text_of(RADIO))
    others = {
        f"other{n:02d}.txt": f"The {topic} opened on Monday.\n\nVisitors praised the {topic}."
        for n, topic in enumerate(["museum", "bridge", "library", "stadium", "airport"] * 6)
    }
    write_corpus(seed_corpus, others)
    assert judge(seed_corpus, tmp_path / "large").of(text_of(RADIO)) == before


def test_holding_the_words_is_not_dwelling_on_them(tmp_path: Path) -> None:
    """A long digest that uses each word of the ferry report once, among much else, is
    not a report on it: the ferry's words must be main terms of one corpus article."""
    ferry = text_of(FERRY)
    topics = (
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
        "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
        "zulu mercury venus earth mars jupiter saturn uranus neptune pluto violin cello "
        "trumpet clarinet oboe flute harp piano organ guitar banjo drum tuba bassoon "
        "lute sitar zither mandolin ukulele accordion harmonica bagpipe kazoo"
    ).split()
    digest = " ".join(f"The {topic} club met about {topic} and {topic} again." for topic in topics)
    corpus = write_corpus(tmp_path / "corpus", {"digest.txt": f"{digest}\n\n{ferry}\n"})
    assert judge(corpus, tmp_path).of(ferry) == pytest.approx(0.0, abs=0.3)
