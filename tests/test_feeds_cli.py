"""`storybot follow`, `unfollow`, `feeds` and `feeds update`, against a local feed server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.cli import main
from tests.feedserver import FeedServer, ford_server


@pytest.fixture
def server(seed_corpus: Path) -> Iterator[FeedServer]:
    with ford_server(seed_corpus) as running:
        yield running


@pytest.fixture
def config(tmp_path: Path, seed_corpus: Path) -> str:
    """The seeds in tmp_path; fetching from the test server on loopback allowed."""
    path = tmp_path / "storybot.yaml"
    path.write_text(
        f"corpus: {seed_corpus}\nindex: {tmp_path / 'index'}\nstate: {tmp_path / 'state.db'}\n"
        "fetch:\n  allow_private: true\n  timeout_seconds: 2\n",
        encoding="utf-8",
    )
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_follow_update_list_and_unfollow(
    config: str, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    rss = server.url("/rss.xml")
    status, out, _ = run(capsys, "follow", rss, "--config", config)
    assert status == 0 and out.startswith(f"following {rss}: Ledger: City Hall (3 entries)")
    status, out, _ = run(capsys, "follow", rss, "--config", config)
    assert (status, out) == (0, f"already following {rss}: Ledger: City Hall\n")

    status, out, err = run(capsys, "feeds", "update", "--json", "--config", config)
    assert status == 0, err
    report = json.loads(out)
    assert report["added"] == 1
    (feed,) = report["feeds"]
    assert {i["link"].rsplit("/", 1)[-1]: i["outcome"] for i in feed["items"]} == {
        "radio": "added", "ferry": "off-topic", "copy": "already",
    }  # fmt: skip
    added = next(i for i in feed["items"] if i["outcome"] == "added")
    assert added["article"]["title"] == "Ford apologizes on radio show"

    status, out, _ = run(capsys, "feeds", "--config", config)
    lines = out.splitlines()
    assert status == 0 and lines[0] == f"{rss}  Ledger: City Hall"
    assert lines[1].startswith("  ok; last fetched ") and lines[1].endswith("; 1 article taken")
    assert lines[-1] == "1 feed followed"

    status, out, _ = run(capsys, "feeds", "update", "--config", config)
    assert status == 0
    assert out.splitlines() == [
        f"{rss}: not modified, 0 added, 0 skipped",
        "0 articles added from 1 feed, 0 skipped, 0 failed",
    ]
    status, out, _ = run(capsys, "unfollow", rss, "--config", config)
    assert (status, out) == (0, f"unfollowed {rss}\n")
    status, out, _ = run(capsys, "feeds", "--json", "--config", config)
    assert (status, json.loads(out)) == (0, [])


def test_an_update_prints_each_entry_and_fails_when_a_feed_does(
    config: str, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in ("/rss.xml", "/atom.xml"):
        run(capsys, "follow", server.url(path), "--config", config)
    server.routes["/atom.xml"].status = 503
    status, out, _ = run(capsys, "feeds", "update", "--config", config)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{server.url('/rss.xml')}: ok, 1 added, 2 skipped"
    assert lines[1].startswith("  skipped ") or lines[1].startswith("  added ")
    assert any(
        line.startswith(f"  skipped {server.url('/ferry')}: off-topic: relevance ")
        for line in lines
    )
    assert any(
        line.startswith("  added ")
        and "“Ford apologizes on radio show” (The Example Ledger, 2013-11-10)" in line
        for line in lines
    )
    assert lines[-2].startswith(f"{server.url('/atom.xml')}: error: the server answered 503")
    assert "the server answered 503" in lines[-2] and "(next try after " in lines[-2]
    assert lines[-1] == "1 article added from 2 feeds, 2 skipped, 1 failed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["follow", "{base}/not-a-feed"], ": not an RSS or Atom feed (a web page that names none"),
        (["follow", "ftp://example.com/feed.xml"], "only http and https URLs"),
        (["unfollow", "{base}/rss.xml"], "{base}/rss.xml: not a followed feed"),
    ],
)
def test_errors_are_one_line_and_status_1(
    config: str,
    server: FeedServer,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    base = server.url("")
    status, out, err = run(capsys, *[a.format(base=base) for a in args], "--config", config)
    assert status == 1 and out == ""
    assert err.startswith("storybot: error: ") and err.count("\n") == 1
    assert message.format(base=base) in err
