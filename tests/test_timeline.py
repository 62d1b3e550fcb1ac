"""The timeline: dates in prose resolved to the calendar, each event once, oldest first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from retrieval.cli import main
from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.text.when import dates_in, event_date

PUBLISHED = dt.date(2013, 11, 6)  # a Wednesday


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Ford admitted on Tuesday that he smoked crack.", PUBLISHED, ["2013-11-05"]),
        ("He spoke on Wednesday.", PUBLISHED, ["2013-11-06"]),
        ("He is going to court on Friday.", PUBLISHED, ["2013-11-08"]),
        ("Reports surfaced in May.", PUBLISHED, ["May 2013"]),
        ("In May the video surfaced.", PUBLISHED, ["May 2013"]),
        ("It was reported in December.", PUBLISHED, ["December 2012"]),
        ("In May 2013, Gawker reported it.", None, ["May 2013"]),
        ("On Nov. 5, 2013 the mayor spoke.", None, ["2013-11-05"]),
        ("Seen on Monday, Jan.7, 2013 in court.", PUBLISHED, ["2013-01-07"]),
        ("The 5 November 2013 admission.", None, ["2013-11-05"]),
        ("Police said Oct. 31 they had the video.", PUBLISHED, ["2013-10-31"]),
        ("It happened last week.", PUBLISHED, ["week of 2013-10-28"]),
        ("He said so yesterday.", PUBLISHED, ["2013-11-05"]),
        ("It dates to 2013-02-30 or 2013-02-28.", None, ["2013-02-28"]),
        ("Ford admitted on Tuesday that he smoked crack.", None, []),  # undated article
        ("You may 5 times ask; he will march on.", PUBLISHED, []),
        ("He has lived here since 1998.", None, ["1998"]),
    ],
)
def test_dates_in_prose(sentence: str, published: dt.date | None, expected: list[str]) -> None:
    assert [w.label() for w in dates_in(sentence, published)] == expected


EARLY = """---
title: The video
published: 2013-11-01
---
Police said Thursday they had a copy of the video.

Reports of the video first surfaced in May.
"""
LATE = """---
title: The admission
published: 2013-11-06
---
Ford admitted on Tuesday that he had smoked crack.

Police said Thursday they had a copy of the video.

Nothing in this paragraph has a date.
"""


def test_timeline_orders_events_and_merges_the_same_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(EARLY)
    (corpus / "b.md").write_text(LATE)
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    events = Retriever.from_settings(settings).timeline().events
    assert [(e.when.label(), e.text) for e in events] == [
        ("May 2013", "Reports of the video first surfaced in May."),
        ("2013-10-31", "Police said Thursday they had a copy of the video."),
        ("2013-11-05", "Ford admitted on Tuesday that he had smoked crack."),
    ]
    assert [s.title for s in events[1].sources] == ["The video", "The admission"]
    paths = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["timeline", *paths]) == 0
    out = capsys.readouterr().out
    assert out.startswith("May 2013  Reports of the video first surfaced in May.\n    — The video")
    assert main(["timeline", "--json", *paths]) == 0
    first = json.loads(capsys.readouterr().out)["events"][0]
    assert first["date"] == "2013-05-01" and first["precision"] == "month"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The seeds' slideshow line: "last year" is the speaker's, the parade is 2011.
        (
            "I'm carrying on a tradition my father had, last year I was there during the "
            "campaign.” -- Ford explains why he will not be attending Toronto's 2011 Pride parade",
            "2011",
        ),
        # An explicit date wins over a more precise relative one.
        ("Police said last week that the video was first reported in May 2013.", "May 2013"),
        ("Yesterday he recalled the Oct. 25, 2010 victory speech.", "2010-10-25"),
        ("She spoke of the 2015 Pan Am Games on Wednesday.", "2015"),
        ("She ran in the 2010 mayoral race, she said Wednesday.", "2013-11-06"),
        # Without an explicit date, the relative phrase dates the sentence.
        ("Police announced last week that they had a copy of the video.", "week of 2013-10-28"),
        ("He was elected last year, the mayor said on Tuesday.", "2013-11-05"),
        # Not a year: a count, a range, money.
        ("The 2000 protesters marched.", None),
        ("The 2013-14 budget passed.", None),
    ],
)
def test_an_explicit_date_dates_the_event_before_a_relative_phrase(
    sentence: str, expected: str | None
) -> None:
    when = event_date(sentence, PUBLISHED)
    assert (when.label() if when else None) == expected


def test_the_seed_timeline_puts_the_pride_parade_quote_in_2011(seed_retriever: Retriever) -> None:
    events = seed_retriever.timeline().events
    (pride,) = [e for e in events if "Pride parade" in e.text]
    assert pride.when.label() == "2011"
