"""Following feeds against a local server of an RSS feed, an Atom feed and article pages:
what is taken in, what is skipped and why, conditional requests, errors and backoff."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from retrieval import FeedError, FeedFollower, FeedRecord, FeedUpdate, Retriever, open_feeds
from retrieval.settings import FeedSettings, FetchSettings, Settings, load_settings
from tests.feedserver import FeedServer, Route, ford_server, rss
from tests.servers import public_except_127

Follower = FeedFollower[FeedRecord]
START = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server(seed_corpus: Path) -> Iterator[FeedServer]:
    with ford_server(seed_corpus) as running:
        yield running


def settings_for(tmp_path: Path, corpus: Path, **feeds: object) -> Settings:
    base = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    fetch = FetchSettings(allow_private=True, timeout_seconds=2.0, max_bytes=1_000_000)
    return dataclasses.replace(
        base,
        state=tmp_path / "state.sqlite3",
        fetch=fetch,
        feeds=dataclasses.replace(FeedSettings(), **feeds),
    )


MakeFollower = Callable[..., tuple[Follower, Retriever]]


@pytest.fixture
def make_follower(tmp_path: Path, seed_corpus: Path, clock: Clock) -> Iterator[MakeFollower]:
    made: list[Follower] = []

    def make(corpus: Path = seed_corpus, **feeds: object) -> tuple[Follower, Retriever]:
        settings = settings_for(tmp_path, corpus, **feeds)
        retriever = Retriever.from_settings(settings, allow_empty=True)
        follower = open_feeds(settings, retriever)
        follower.clock = clock
        made.append(follower)
        return follower, retriever

    yield make
    for follower in made:
        follower.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def outcomes(update: FeedUpdate) -> dict[str, str]:
    """Each entry's outcome, by the last part of its link."""
    return {(item.link or "").rsplit("/", 1)[-1]: item.outcome for item in update.items}


def test_follow_reads_the_feed_and_remembers_it(
    make_follower: MakeFollower, server: FeedServer
) -> None:
    follower, _ = make_follower()
    followed = follower.follow(server.url("/rss.xml"))
    assert (followed.title, followed.items, followed.new) == ("Ledger: City Hall", 3, True)
    assert follower.follow(server.url("/rss.xml")).new is False
    (feed,) = follower.feeds()
    assert (feed.url, feed.status, feed.articles, feed.last_fetch) == (
        server.url("/rss.xml"), "new", 0, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/not-a-feed", "not an RSS or Atom feed (a web page that names none; give its feed's"),
        ("/broken.xml", "not an RSS or Atom feed"),
        ("/missing.xml", "the server answered 404"),
    ],
)
def test_what_is_not_a_feed_is_not_followed(
    make_follower: MakeFollower, server: FeedServer, path: str, message: str
) -> None:
    follower, _ = make_follower()
    with pytest.raises(FeedError) as info:
        follower.follow(server.url(path))
    assert str(info.value).startswith(server.url(path) + ": ") and message in str(info.value)
    assert "\n" not in str(info.value)
    assert follower.feeds() == []


def test_a_web_page_that_names_its_feed_stands_for_it(
    make_follower: MakeFollower, server: FeedServer
) -> None:
    follower, _ = make_follower()
    followed = follower.follow(server.url("/home"))
    assert (followed.url, followed.title, followed.items) == (
        server.url("/atom.xml"), "Ledger: Toronto", 2,
    )  # fmt: skip
    assert [feed.url for feed in follower.feeds()] == [server.url("/atom.xml")]


def test_unfollowing_an_unknown_feed_is_an_error(make_follower: MakeFollower) -> None:
    follower, _ = make_follower()
    with pytest.raises(FeedError, match="not a followed feed"):
        follower.unfollow("https://example.com/feed.xml")


def test_an_update_takes_what_is_on_the_story_and_says_why_it_skips_the_rest(
    make_follower: MakeFollower, server: FeedServer, seed_corpus: Path
) -> None:
    follower, retriever = make_follower()
    for path in ("/rss.xml", "/atom.xml", "/broken.xml"):
        server.routes["/broken.xml"].body = rss([])  # a feed while it is followed
        follower.follow(server.url(path))
    server.routes["/broken.xml"].body = b"<html><body>Gone</body></html>"
    server.routes["/broken.xml"].content_type = "text/html"
    before = len(list(seed_corpus.iterdir()))
    rss_update, atom_update, broken = follower.update_feeds()
    assert outcomes(rss_update) == {"radio": "added", "ferry": "off-topic", "copy": "already"}
    assert outcomes(atom_update) == {"council": "added", "radio": "already"}
    reasons = {(i.link or "").rsplit("/", 1)[-1]: i.reason or "" for i in rss_update.items}
    assert reasons["ferry"].startswith("off-topic: relevance 0.")
    assert reasons["ferry"].endswith(", under feeds.min_relevance 0.5")
    assert reasons["copy"].startswith("already in the corpus (the same text, as 001_")
    assert atom_update.of("already")[0].reason == "already in the corpus (the same address, as " + (
        rss_update.of("added")[0].article.id + ")"  # type: ignore[union-attr]
    )
    # The broken feed is reported, and did not stop the feeds after it or before it.
    assert broken.status == "error" and "not an RSS or Atom feed" in (broken.error or "")
    added = rss_update.of("added")[0].article
    assert added is not None
    assert (added.title, added.source, added.published) == (
        "Ford apologizes on radio show", "The Example Ledger", "2013-11-10",
    )  # fmt: skip
    assert len(list(seed_corpus.iterdir())) == before + 2
    answer = retriever.ask("What did the council vote to do to Ford's powers?")
    assert "strip Mayor Rob Ford of some of his powers" in answer.results[0].excerpt
    feeds = follower.feeds()
    counts = {feed.url.rsplit("/", 1)[-1]: (feed.status, feed.articles) for feed in feeds}
    assert counts == {"rss.xml": ("ok", 1), "atom.xml": ("ok", 1), "broken.xml": ("error", 0)}


def test_a_second_update_asks_conditionally_and_finds_nothing_new(
    make_follower: MakeFollower, server: FeedServer, seed_corpus: Path
) -> None:
    follower, _ = make_follower()
    for path in ("/rss.xml", "/atom.xml"):
        follower.follow(server.url(path))
    follower.update_feeds()
    files = sorted(seed_corpus.iterdir())
    pages = len(server.requests) - len(server.to("/rss.xml")) - len(server.to("/atom.xml"))
    second = follower.update_feeds()
    assert [u.status for u in second] == ["not modified", "not modified"]
    assert [u.items for u in second] == [[], []]
    rss_last, atom_last = server.to("/rss.xml")[-1], server.to("/atom.xml")[-1]
    assert rss_last.headers["if-none-match"] == '"rss-1"' and rss_last.status == 304
    assert atom_last.headers["if-modified-since"] == "Wed, 13 Nov 2013 18:00:00 GMT"
    assert atom_last.status == 304
    # No article page was asked for again, and the corpus is as it was.
    assert len(server.requests) - len(server.to("/rss.xml")) - len(server.to("/atom.xml")) == pages
    assert sorted(seed_corpus.iterdir()) == files


def test_a_changed_feed_fetches_only_its_new_entries(
    make_follower: MakeFollower, server: FeedServer
) -> None:
    follower, _ = make_follower()
    follower.follow(server.url("/rss.xml"))
    follower.update_feeds()
    feed = server.routes["/rss.xml"]
    feed.body = rss(
        [
            ("Council votes", server.url("/council"), "Wed, 13 Nov 2013 18:00:00 GMT"),
            ("Ford on the radio", server.url("/radio"), "Sun, 10 Nov 2013 15:00:00 GMT"),
            ("Ferry times change", server.url("/ferry"), "Sat, 09 Nov 2013 08:00:00 GMT"),
        ]
    )
    feed.etag = '"rss-2"'
    (update,) = follower.update_feeds()
    assert outcomes(update) == {"council": "added"}
    assert [len(server.to(p)) for p in ("/radio", "/ferry", "/council")] == [1, 1, 1]


def test_an_item_on_a_private_address_is_refused(
    make_follower: MakeFollower, server: FeedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    follower, _ = make_follower()
    follower.fetch = FetchSettings(timeout_seconds=2.0)  # fetch.allow_private: false
    public_except_127(monkeypatch)  # the test server itself stands for a public one
    server.routes["/private.xml"] = Route(
        rss(
            [
                ("Radio", server.url("/radio"), "Sun, 10 Nov 2013 15:00:00 GMT"),
                ("Intranet", "http://10.1.2.3/story", "Mon, 11 Nov 2013 15:00:00 GMT"),
            ]
        ),
        "application/rss+xml",
    )
    follower.follow(server.url("/private.xml"))
    (update,) = follower.update_feeds()
    assert outcomes(update) == {"story": "refused", "radio": "added"}
    (refused,) = update.of("refused")
    assert refused.reason == (
        "http://10.1.2.3/story: refused to fetch from 10.1.2.3: a private address "
        "(set fetch.allow_private to allow it)"
    )


def test_a_failing_feed_backs_off_longer_after_each_error(
    make_follower: MakeFollower, server: FeedServer, clock: Clock
) -> None:
    follower, _ = make_follower(interval_minutes=10)
    follower.follow(server.url("/rss.xml"))
    server.routes["/rss.xml"].status = 500
    (first,) = follower.update_feeds()
    assert first.status == "error" and "the server answered 500" in (first.error or "")
    assert first.next_fetch == "2026-01-05T12:10:00+00:00"
    clock.now += timedelta(minutes=5)
    (waiting,) = follower.update_feeds()
    assert waiting.status == "not due" and len(server.to("/rss.xml")) == 2  # follow + 1
    clock.now = START + timedelta(minutes=11)
    (second,) = follower.update_feeds()
    assert second.status == "error" and second.next_fetch == "2026-01-05T12:31:00+00:00"
    (feed,) = follower.feeds()
    assert (feed.failures, feed.status, feed.next_fetch) == (2, "error", second.next_fetch)
    server.routes["/rss.xml"].status = 200
    (forced,) = follower.update_feeds(force=True)
    assert forced.status == "ok"
    (feed,) = follower.feeds()
    assert (feed.failures, feed.error, feed.next_fetch) == (0, None, None)


def test_the_cap_takes_the_newest_entries_and_leaves_the_rest_for_later(
    make_follower: MakeFollower, server: FeedServer
) -> None:
    follower, _ = make_follower(max_items_per_update=1)
    follower.follow(server.url("/rss.xml"))
    (first,) = follower.update_feeds()
    assert outcomes(first) == {"radio": "added", "ferry": "later", "copy": "later"}
    assert "feeds.max_items_per_update" in (first.of("later")[0].reason or "")
    server.routes["/rss.xml"].etag = None  # no 304: the entries are read again
    (second,) = follower.update_feeds()
    assert outcomes(second) == {"ferry": "off-topic", "copy": "later"}


def test_an_empty_corpus_takes_every_entry(
    make_follower: MakeFollower, server: FeedServer, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    follower, retriever = make_follower(corpus=empty)
    follower.follow(server.url("/rss.xml"))
    (update,) = follower.update_feeds()
    assert outcomes(update) == {"radio": "added", "ferry": "added", "copy": "added"}
    assert retriever.index.article_count == 3
