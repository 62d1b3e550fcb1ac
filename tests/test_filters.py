"""Filters: --since, --until and --source choose the articles, inside the search."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.answering.render import NO_ANSWER, build_reply
from retrieval.cli import main
from retrieval.errors import StorybotError
from retrieval.index.scoring import BM25Params, BM25Scorer
from retrieval.intake.inputs import expand
from retrieval.retriever import Retriever
from retrieval.settings import FetchSettings, Settings, load_settings
from retrieval.text.article import Source
from retrieval.text.filters import Filters

TODAY = dt.date(2013, 11, 8)


@pytest.mark.parametrize(
    ("since", "until", "source", "expected"),
    [
        ("2013-11-05", None, None, Filters("2013-11-05")),
        ("3d", "1d", None, Filters("2013-11-05", "2013-11-07")),
        (None, " 2013-11-06 ", None, Filters(None, "2013-11-06")),
        (None, None, "  Toronto   Star ", Filters(source="Toronto Star")),
        ("2013-11-06", "2013-11-06", "ap", Filters("2013-11-06", "2013-11-06", "ap")),
    ],
)
def test_filters_read_dates_durations_and_a_source(
    since: str | None, until: str | None, source: str | None, expected: Filters
) -> None:
    assert Filters.parse(since, until, source, today=TODAY) == expected


@pytest.mark.parametrize(
    ("since", "until", "source", "problem"),
    [
        ("soon", None, None, "since 'soon': give a date as YYYY-MM-DD"),
        (None, "2013-02-30", None, "until '2013-02-30': give a date as YYYY-MM-DD"),
        ("2013-11-07", "2013-11-06", None, "since 2013-11-07 is after until 2013-11-06"),
        (None, None, "   ", "source is empty"),
        (None, None, "x" * 201, "source is over 200 characters"),
    ],
)
def test_bad_filters_say_what_is_wrong(
    since: str | None, until: str | None, source: str | None, problem: str
) -> None:
    with pytest.raises(StorybotError, match=problem):
        Filters.parse(since, until, source, today=TODAY)


STAR = Source("a", "Ford admits it", "Toronto Star", "https://www.thestar.com/x", "2013-11-06")
LABELLED = Source("b", None, None, None, "2013-11-06T09:30:00-05:00", "Wire story in US spelling")
UNDATED = Source("c", "Council reacts", "Daily Wire", None, None)


@pytest.mark.parametrize(
    ("filters", "source", "matches"),
    [
        (Filters(source="toronto star"), STAR, True),  # the outlet, case aside
        (Filters(source="THESTAR.COM"), STAR, True),  # the web address's host
        (Filters(source="admits"), STAR, True),  # the title
        (Filters(source="us spelling"), LABELLED, True),  # the label
        (Filters(source="/x"), STAR, False),  # the URL's path is not the host
        (Filters(source="star"), LABELLED, False),
        (Filters("2013-11-06", "2013-11-06"), LABELLED, True),  # a time's day counts
        (Filters("2013-11-07"), STAR, False),
        (Filters(until="2013-11-05"), STAR, False),
        (Filters(since="2000-01-01"), UNDATED, False),  # an undated article has no date
        (Filters(until="2100-01-01"), UNDATED, False),
        (Filters(source="daily wire"), UNDATED, True),  # without a date filter it matches
        (Filters(), UNDATED, True),
    ],
)
def test_which_articles_filters_match(filters: Filters, source: Source, matches: bool) -> None:
    assert filters.matches(source) is matches


def test_the_scorer_applies_a_mask_before_choosing_the_best() -> None:
    scorer = BM25Scorer(BM25Params())
    scorer.add([["crack", "video", "crack"], ["crack", "video"], ["crack"], ["mayor"]])
    everything = scorer.top(["crack", "video"], 4)
    assert [s.passage for s in everything] == [0, 1, 2]
    allowed = np.array([False, False, True, True])
    (only,) = scorer.top(["crack", "video"], 1, allowed)
    # Not emptied by the better passages it leaves out, and scored as over the whole index.
    assert only.passage == 2 and only.score == everything[2].score


# Forty articles that use the question's words more often than the one the filter keeps,
# so that it ranks below any pool of candidates a search looks at unfiltered.
def _crowd(number: int) -> str:
    return (
        f"---\ntitle: Budget note {number}\nsource: City Bulletin\n"
        f"published: 2013-11-0{number % 5 + 1}\n---\n"
        f"The council budget vote and the council budget debate, budget {number}.\n"
    )


LONE = """---
title: Harbour report
source: Harbour Gazette
url: https://news.harbour.example/report
published: 2013-11-06
---
The harbour commission delayed its budget vote again, citing storms and ferries.
"""


@pytest.fixture
def crowd_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(40):
        (corpus / f"{number:02d}.md").write_text(_crowd(number))
    (corpus / "lone.md").write_text(LONE)
    return load_settings().with_paths(corpus=corpus, index=tmp_path / "index")


def test_a_filter_finds_matching_passages_however_low_they_rank(
    crowd_settings: Settings,
) -> None:
    retriever = Retriever.from_settings(crowd_settings)
    question = "When is the council budget vote?"
    unfiltered = retriever.ask(question, top_k=25)
    assert unfiltered.found and all(
        s.source == "City Bulletin" for r in unfiltered.results for s in r.sources
    )
    answer = retriever.ask(question, filters=Filters(source="harbour.example"))
    (result,) = answer.results
    assert result.excerpt.startswith("The harbour commission delayed its budget vote")
    assert [s.title for s in result.sources] == ["Harbour report"]
    assert (answer.articles_searched, answer.passages_searched) == (1, 1)
    # The same scoring and abstention as over the whole index.
    whole = retriever.ask("harbour commission budget vote storms ferries")
    assert (
        whole.results[0].score
        == retriever.ask(
            "harbour commission budget vote storms ferries", filters=Filters(source="gazette")
        )
        .results[0]
        .score
    )
    off_topic = retriever.ask("Who won the hockey game?", filters=Filters(source="harbour"))
    assert not off_topic.found and not off_topic.nothing_matches


def test_sources_of_a_copied_passage_are_only_the_matching_ones(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Police said they have a copy of the video, which has not been released."
    (corpus / "a.md").write_text(f"---\nsource: Wire A\npublished: 2013-11-05\n---\n{text}\n")
    (corpus / "b.md").write_text(f"---\nsource: Wire B\npublished: 2013-11-06\n---\n{text}\n")
    retriever = Retriever.from_settings(
        load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    )
    both = retriever.ask("Do police have the video?")
    assert sorted(s.source or "" for s in both.results[0].sources) == ["Wire A", "Wire B"]
    one = retriever.ask("Do police have the video?", filters=Filters(since="2013-11-06"))
    assert [s.source for s in one.results[0].sources] == ["Wire B"]


def test_filters_that_match_no_article_say_so(seed_retriever: Retriever) -> None:
    question = "Who urged Ford to take a leave?"
    assert seed_retriever.ask(question).found
    answer = seed_retriever.ask(question, filters=Filters(since="2013-11-07"))
    assert not answer.found and answer.nothing_matches and answer.articles_searched == 0
    reply = build_reply(answer)
    assert reply.empty == "No article matches the filters (since 2013-11-07)."
    unanswered = build_reply(seed_retriever.ask("What is the capital of France?"))
    assert unanswered.empty is not None and unanswered.empty.startswith(NO_ANSWER)


def test_cli_ask_since_after_the_seeds_has_no_answer(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = ["--config", str(ready[0])]
    question = "Who urged Ford to take a leave?"
    assert main(["ask", question, "--since", "2013-11-07", *config]) == 0
    assert capsys.readouterr().out == "No article matches the filters (since 2013-11-07).\n\n"
    assert main(["ask", question, "--since", "2013-11-07", "--json", *config]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles_matched"] == 0 and data["results"] == []
    assert data["filters"] == {"since": "2013-11-07", "until": None, "source": None}
    assert main(["ask", question, "--source", "us spelling", *config]) == 0
    out = capsys.readouterr().out
    assert "Wire story in US spelling" in out and "Canadian wire story" not in out
    assert main(["ask", question, "--until", "soon", *config]) == 1
    assert "storybot: error: until 'soon'" in capsys.readouterr().err


def test_cli_story_views_and_chat_take_the_filters(
    ready: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = ["--config", str(ready[0])]
    assert main(["timeline", "--source", "ctv", "--json", *config]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert events and all("CTV" in (s["label"] or "") for event in events for s in event["sources"])
    assert main(["timeline", "--until", "2013-11-05", *config]) == 0
    assert capsys.readouterr().out == (
        "No sentence in the articles matching the filters (until 2013-11-05) names a date.\n"
    )
    assert main(["quotes", "Kelly", "--source", "canadian wire", "--json", *config]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["speaker"] == "Norm Kelly" and found["quotes"]
    assert all("Canadian wire" in s["label"] for q in found["quotes"] for s in q["sources"])
    assert main(["quotes", "Kelly", "--since", "2013-11-07", *config]) == 1
    assert "quoted in the articles matching the filters (since 2013-11-07)" in (
        capsys.readouterr().out
    )
    assert main(["latest", "--source", "us spelling", "--json", *config]) == 0
    latest = json.loads(capsys.readouterr().out)
    assert latest["new_articles"] == 1 and latest["results"]
    assert all(s["label"].startswith("Wire story") for r in latest["results"]
               for s in r["sources"])  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("Who urged Ford to take a leave?\n"))
    assert main(["chat", "--since", "2013-11-07", *config]) == 0
    assert capsys.readouterr().out == "No article matches the filters (since 2013-11-07).\n\n"


def test_a_filtered_search_sees_articles_added_and_removed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\nsource: Wire A\n---\nThe ferry strike ended on Monday.\n")
    retriever = Retriever.from_settings(
        load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    )
    wire_b = Filters(source="wire b")
    assert retriever.ask("When did the ferry strike end?", filters=wire_b).nothing_matches
    extra = tmp_path / "b.md"
    extra.write_text("---\nsource: Wire B\n---\nThe ferry strike ended after talks on Monday.\n")
    (added,) = retriever.add(expand([str(extra)], retriever_fetch())).added
    answer = retriever.ask("When did the ferry strike end?", filters=wire_b)
    assert [s.source for s in answer.results[0].sources] == ["Wire B"]
    retriever.remove(added.id)
    assert retriever.ask("When did the ferry strike end?", filters=wire_b).nothing_matches


def retriever_fetch() -> FetchSettings:
    return load_settings().fetch
