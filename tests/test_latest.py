"""What's new: the newest articles' passages that earlier articles didn't say, each once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from retrieval.answering.latest import since_date
from retrieval.cli import main
from retrieval.errors import StorybotError
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings
from retrieval.text.filters import Filters

COPIED = "Deputy Mayor Norm Kelly asked the mayor to take a pause from his duties on Tuesday."
EARLY = f"""---
title: Kelly asks for a pause
published: 2013-11-05
---
{COPIED}

The council meets again next month to discuss the budget for snow removal.
"""
LATE = f"""---
title: Video released
published: 2013-11-06
---
{COPIED}

Police released the video to the courts on Thursday after a judge ordered it.
"""
WIRE = """---
title: Wire copy of the video story
published: 2013-11-06
---
Police released the video to the courts on Thursday after a judge ordered it.
"""
UNDATED = """Protesters gathered outside the harbour office chanting about ferries.
"""


@pytest.fixture
def news_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in {"a.md": EARLY, "b.md": LATE, "c.md": WIRE, "d.txt": UNDATED}.items():
        (corpus / name).write_text(text)
    return load_settings().with_paths(corpus=corpus, index=tmp_path / "index")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-11-05", "2013-11-05"),
        ("3d", "2013-11-05"),
        (" 2W ", "2013-10-25"),
        ("36h", "2013-11-06"),
    ],
)
def test_since_is_a_date_or_a_duration_back_from_today(value: str, expected: str) -> None:
    assert since_date(value, today=dt.date(2013, 11, 8)) == expected


@pytest.mark.parametrize("value", ["yesterday", "2013-13-01", "3 days", "-3d", ""])
def test_a_bad_since_says_what_is_expected(value: str) -> None:
    with pytest.raises(StorybotError, match="YYYY-MM-DD or a duration such as 3d"):
        since_date(value)


def test_new_passages_only_once_with_all_their_sources(news_settings: Settings) -> None:
    latest = Retriever.from_settings(news_settings).latest()
    assert latest.since == "2013-11-06" and latest.new_articles == 2
    (only,) = latest.answer.results  # the copied paragraph says nothing new
    assert only.excerpt.startswith("Police released the video to the courts")
    assert sorted(s.title or "" for s in only.sources) == [
        "Video released",
        "Wire copy of the video story",
    ]
    assert only.highlights  # the words no earlier article used


def test_since_moves_the_line_between_new_and_earlier(news_settings: Settings) -> None:
    retriever = Retriever.from_settings(news_settings)
    assert not retriever.latest(Filters(since="2013-11-07")).answer.found
    earlier_too = retriever.latest(Filters(since="2013-11-05"))
    assert earlier_too.new_articles == 3
    excerpts = [r.excerpt for r in earlier_too.answer.results]
    assert any(e.startswith("The council meets again") for e in excerpts)
    assert not any("harbour" in e for e in excerpts)  # undated: never new


def test_cli_latest_text_and_json(
    news_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = ["--corpus", str(news_settings.corpus), "--index", str(news_settings.index)]
    assert main(["latest", *paths]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Since 2013-11-06: 2 new articles\n\n1. Police released the video")
    assert main(["latest", "--since", "2013-11-07", "--json", *paths]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["since"] == "2013-11-07" and data["new_articles"] == 0 and data["results"] == []
    assert main(["latest", "--since", "soon", *paths]) == 1
