"""Quotes by person, and how a source is shown: by its label when it has no title or outlet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.answering.quotes import quoted, resolve_speaker
from retrieval.answering.render import source_line
from retrieval.cli import main
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings
from retrieval.text.article import Article, Source
from retrieval.text.passages import split_article
from retrieval.text.speakers import full_names

EARLY = """---
title: Deputy mayor asks for a pause
source: Example Times
published: 2013-11-05
---
Deputy Mayor Norm Kelly met the mayor on Tuesday.

"I'm inviting him today to take a pause with all its advantages," Kelly told reporters.

Councillor Rob Fordham called it a "very bad idea" and said nothing more.
"""
LATE = """---
title: Council reacts
source: Daily Wire
published: 2013-11-06
---
"I'm inviting him today to take a pause with all its advantages," Kelly told reporters.

"It came right out of the blue and nobody expected it," said Norm Kelly on Wednesday.

"We will vote on the motion next week, whatever happens," Councillor Rob Fordham said.
"""


@pytest.fixture
def quotes_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "late.md").write_text(LATE)
    (corpus / "early.md").write_text(EARLY)
    return load_settings().with_paths(corpus=corpus, index=tmp_path / "index")


@pytest.mark.parametrize(
    ("name", "speakers", "expected"),
    [
        ("Kelly", ["Norm Kelly", "Rob Ford"], ["Norm Kelly"]),
        ("  norm   KELLY ", ["Norm Kelly", "Rob Ford"], ["Norm Kelly"]),
        ("Ford", ["Doug Ford", "Rob Ford"], ["Doug Ford", "Rob Ford"]),
        ("Rob Ford", ["Rob Ford", "Rob Fordham"], ["Rob Ford"]),
        ("Ford", ["Rob Fordham"], []),  # a word, not a piece of one
        ("Smith", ["Norm Kelly"], []),
        ("", ["Norm Kelly"], []),
        ("Minnan-Wong", ["Denzil Minnan-Wong"], ["Denzil Minnan-Wong"]),
    ],
)
def test_a_name_resolves_to_the_speakers_it_can_mean(
    name: str, speakers: list[str], expected: list[str]
) -> None:
    assert resolve_speaker(name, speakers) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We will vote next week," he said.', ["We will vote next week"]),
        ("“It came right out of the blue,” Kelly said.", ["It came right out of the blue"]),
        ('He called it a "very bad idea" and left.', []),  # too short to be speech
        ('"a b c d." "e f g h"', ["a b c d.", "e f g h"]),
    ],
)  # fmt: skip
def test_quotations_long_enough_to_be_speech(text: str, expected: list[str]) -> None:
    assert list(quoted(text)) == expected


def test_each_quote_once_with_all_its_sources_oldest_first(quotes_settings: Settings) -> None:
    found = Retriever.from_settings(quotes_settings).quotes("Kelly")
    assert found.speaker == "Norm Kelly"
    texts = [q.text for q in found.quotes]
    assert texts == [
        "I'm inviting him today to take a pause with all its advantages",
        "It came right out of the blue and nobody expected it",
    ]
    first = found.quotes[0]
    assert [s.title for s in first.sources] == ["Deputy mayor asks for a pause", "Council reacts"]
    assert first.published == "2013-11-05"


def test_a_removed_article_takes_its_quotes_with_it(quotes_settings: Settings) -> None:
    retriever = Retriever.from_settings(quotes_settings)
    late = next(i.source.id for i in retriever.articles() if i.source.title == "Council reacts")
    retriever.remove(late)
    found = retriever.quotes("Norm Kelly")
    assert [q.text for q in found.quotes] == [
        "I'm inviting him today to take a pause with all its advantages"
    ]
    assert [s.title for s in found.quotes[0].sources] == ["Deputy mayor asks for a pause"]


def test_cli_lists_quotes_or_candidates(
    quotes_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = ["--corpus", str(quotes_settings.corpus), "--index", str(quotes_settings.index)]
    assert main(["quotes", "Kelly", *paths]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Norm Kelly: 2 quotes\n")
    assert "1. “I'm inviting him today to take a pause with all its advantages”" in out
    assert "   — Example Times · Deputy mayor asks for a pause · 2013-11-05 · " in out
    assert main(["quotes", "Smith", *paths]) == 1
    assert capsys.readouterr().out == 'No one called "Smith" is quoted in the articles.\n'
    assert main(["quotes", "Kelly", "--json", *paths]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["speaker"] == "Norm Kelly" and len(data["quotes"]) == 2
    assert {s["source"] for s in data["quotes"][0]["sources"]} == {"Example Times", "Daily Wire"}


def test_a_name_does_not_run_over_a_paragraph_break() -> None:
    text = "The motion is the strongest action against Ford.\n\nFord, meanwhile, is ignoring it."
    assert full_names(text + " Mayor Rob Ford said so.")["Ford"] == "Rob Ford"


LABELLED = """---
published: 2013-11-06
label: Wire story in US spelling
---
"We will vote on the motion next week, whatever happens," Councillor Rob Fordham said.
"""


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (Source("w1", published="2013-11-06", label="Wire story"), "— Wire story · 2013-11-06"),
        (Source("w1", title="T", label="Wire story"), "— *T* · `w1`"),
        (Source("w1", source="Outlet", label="Wire story"), "— Outlet · `w1`"),
        (Source("w1", label="*Wire* @everyone"), "— \\*Wire\\* @\u200beveryone"),
        (Source("w1", published="2013-11-06"), "— 2013-11-06 · `w1`"),
    ],
)
def test_a_source_without_title_or_outlet_is_shown_by_its_label(source: Source, line: str) -> None:
    assert source_line(source) == line


def test_a_label_goes_from_front_matter_to_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.md").write_text(LABELLED)
    paths = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["ask", "When will they vote on the motion?", *paths]) == 0
    assert "   — Wire story in US spelling · 2013-11-06\n" in capsys.readouterr().out
    assert main(["sources", "--json", *paths]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["label"] == "Wire story in US spelling" and row["id"] == "wire"
    extra = tmp_path / "extra.md"
    extra.write_text("The ferry left the harbour at noon with the whole council on board.\n")
    assert main(["add", str(extra), "--label", "Local radio transcript", *paths]) == 0
    capsys.readouterr()
    assert main(["sources", *paths]) == 0
    assert "Local radio transcript" in capsys.readouterr().out


def test_every_seed_article_has_a_label_and_no_invented_metadata(tmp_path: Path) -> None:
    settings = load_settings().with_paths(index=tmp_path / "index")
    for info in Retriever.from_settings(settings).articles():
        source = info.source
        assert source.label and not (source.title or source.source or source.url)


def _speaker_of(text: str, quote: str) -> str | None:
    """The speaker of the passage holding ``quote`` when ``text`` is cut into passages."""
    article = Article(id="a", text=text)
    (passage,) = [p for p in split_article(article) if quote in p.text(article.text)]
    return passage.speaker


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        # The seeds' case: "she" is not the mayor the article has tied to "he".
        (
            "Ford has vowed to stay in office after admitting that he has smoked crack.\n\n"
            "Ford later removed Robinson from his cabinet-like executive committee.\n\n"
            '"We\'re becoming a bit of a joke," she told CTV on Wednesday.',
            "a bit of a joke",
            "Robinson",
        ),
        # A name used as a modifier ("a former Ford ally") names no speaker.
        (
            "Coun. Denzil Minnan-Wong, a former Ford ally, echoed the same concerns.\n\n"
            '"I remain concerned that more information is going to come out," he said.',
            "I remain concerned",
            "Denzil Minnan-Wong",
        ),
        # The previous paragraph's speaker is a woman: "he" is someone else it names.
        (
            "Davis said she had remained quiet since May, unlike Coun. John Filion.\n\n"
            '"The mayor will not step aside on his own," he said.',
            "will not step aside",
            "John Filion",
        ),
        # No one the pronoun can mean: left unattributed rather than guessed.
        (
            "Davis said she had remained quiet since May.\n\n"
            '"The mayor will not step aside on his own," he said.',
            "will not step aside",
            None,
        ),
        # "They" may be several people.
        (
            "Coun. Janet Davis met the deputy mayor on Tuesday.\n\n"
            '"We will vote on the motion next week, whatever happens," they said.',
            "We will vote",
            None,
        ),
    ],
)
def test_a_pronoun_quote_goes_to_the_person_the_pronoun_can_mean(
    text: str, quote: str, speaker: str | None
) -> None:
    assert _speaker_of(text, quote) == speaker


def test_the_seed_quote_said_by_she_is_robinsons_not_fords(seed_retriever: Retriever) -> None:
    joke = "We're becoming a bit of a joke"
    assert any(q.text == joke for q in seed_retriever.quotes("Jaye Robinson").quotes)
    assert all(joke not in q.text for q in seed_retriever.quotes("Rob Ford").quotes)
