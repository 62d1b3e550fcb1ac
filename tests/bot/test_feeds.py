"""The bot and feeds: /follow, /unfollow and /feeds, and the background update that posts
each article taken to feeds.announce_channel (its loop body run with a stand-in channel)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.client import StoryBot
from retrieval.settings import FeedSettings, FetchSettings, Settings, load_settings
from tests.bot.helpers import FakeInteraction, with_bot
from tests.feedserver import FeedServer, ford_server

MakeBot = Callable[..., Awaitable[StoryBot]]
ANNOUNCE = 4242


class StandInChannel:
    """A text channel that records what is sent to it."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


def member(manage: bool) -> Any:
    user = MagicMock(spec=discord.Member)
    user.id = 42
    user.guild_permissions = discord.Permissions(manage_guild=manage)
    return user


@pytest.fixture
def corpus(seed_corpus: Path) -> Path:
    """The bots' corpus is the seeds (the feed server's copy entry is one of them)."""
    return seed_corpus


@pytest.fixture
def server(seed_corpus: Path) -> Iterator[FeedServer]:
    with ford_server(seed_corpus) as running:
        yield running


@pytest.fixture
def feed_settings(tmp_path: Path, seed_corpus: Path) -> Settings:
    base = load_settings().with_paths(corpus=seed_corpus, index=tmp_path / "index")
    return dataclasses.replace(
        with_bot(base, cooldown_seconds=0),
        state=tmp_path / "state.sqlite3",
        fetch=FetchSettings(allow_private=True, timeout_seconds=2.0),
        feeds=FeedSettings(announce_channel=ANNOUNCE),
    )


def feeds_cog(bot: StoryBot) -> Any:
    """The feeds cog (its class is the one the extension loaded, not an import of it)."""
    cog = bot.get_cog("FollowFeeds")
    assert cog is not None
    return cog


async def follow(bot: StoryBot, url: str, manage: bool = True) -> FakeInteraction:
    interaction = FakeInteraction(guild_id=1)
    interaction.user = member(manage)
    cog = feeds_cog(bot)
    await cog.follow.callback(cog, interaction, url=url)
    return interaction


async def test_the_background_update_announces_each_article_taken(
    make_bot: MakeBot,
    feed_settings: Settings,
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = await make_bot(feed_settings)
    channel = StandInChannel()
    monkeypatch.setattr(bot, "get_channel", lambda i: channel if i == ANNOUNCE else None)
    followed = await follow(bot, server.url("/rss.xml"))
    reply = followed.sends()[-1]
    assert reply["ephemeral"] is True
    # Escaped as Discord markdown: shown as "Ledger: City Hall".
    feed = server.url("/rss.xml")
    assert reply["content"].startswith(f"Following “Ledger\\: City Hall” <{feed}>")
    cog = feeds_cog(bot)
    await cog.updater.coro(cog)  # the loop's body, as each interval runs it
    assert [sent["content"] for sent in channel.sent] == [
        "New article: **Ford apologizes on radio show** — The Example Ledger (2013-11-10)\n"
        + server.url("/radio")
    ]
    assert channel.sent[0]["allowed_mentions"].everyone is False
    # The answering index takes the article in at its next question.
    answer = await bot.answer("Who said the mayor would not take a leave of absence?")
    assert "Doug Ford" in str(answer)
    await cog.updater.coro(cog)  # nothing new: nothing more posted
    assert len(channel.sent) == 1
    assert server.to("/rss.xml")[-1].status == 304


async def test_no_announcement_without_a_channel(
    make_bot: MakeBot, feed_settings: Settings, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(feed_settings, feeds=FeedSettings())
    bot = await make_bot(settings)
    monkeypatch.setattr(bot, "get_channel", MagicMock(side_effect=AssertionError("asked")))
    await follow(bot, server.url("/rss.xml"))
    updates = await feeds_cog(bot).update_feeds()
    assert [len(u.of("added")) for u in updates] == [1]


async def test_only_managers_follow_and_unfollow(
    make_bot: MakeBot, feed_settings: Settings, server: FeedServer
) -> None:
    bot = await make_bot(feed_settings)
    refused = await follow(bot, server.url("/rss.xml"), manage=False)
    sent = refused.sends()[-1]
    assert sent["ephemeral"] is True and "Manage Server" in sent["content"]
    cog = feeds_cog(bot)
    assert cog.follower().feeds() == []
    interaction = FakeInteraction(guild_id=1)
    interaction.user = member(manage=False)
    await cog.unfollow.callback(cog, interaction, url=server.url("/rss.xml"))
    assert "Manage Server" in interaction.sends()[-1]["content"]


async def test_follow_errors_unfollow_and_the_list_are_private(
    make_bot: MakeBot, feed_settings: Settings, server: FeedServer
) -> None:
    bot = await make_bot(feed_settings)
    cog = feeds_cog(bot)
    bad = await follow(bot, server.url("/not-a-feed"))
    assert bad.sends()[-1]["ephemeral"] is True
    assert "Not followed: " in bad.sends()[-1]["content"]
    assert "not an RSS or Atom feed" in bad.sends()[-1]["content"]
    listing = FakeInteraction(guild_id=1)
    await cog.feeds.callback(cog, listing)
    assert "No feed is followed" in listing.sends()[-1]["content"]
    await follow(bot, server.url("/atom.xml"))
    listing = FakeInteraction(guild_id=1)
    await cog.feeds.callback(cog, listing)
    assert listing.sends()[-1]["content"] == (
        f"“Ledger\\: Toronto” <{server.url('/atom.xml')}>: new; 0 articles taken"
    )
    gone = FakeInteraction(guild_id=1)
    gone.user = member(manage=True)
    await cog.unfollow.callback(cog, gone, url=server.url("/atom.xml"))
    assert gone.sends()[-1]["content"].startswith("Unfollowed <")
    again = FakeInteraction(guild_id=1)
    again.user = member(manage=True)
    await cog.unfollow.callback(cog, again, url=server.url("/atom.xml"))
    assert "not a followed feed" in again.sends()[-1]["content"]


@pytest.mark.parametrize("background", [True, False])
async def test_only_the_process_for_background_jobs_updates(
    make_bot: MakeBot, feed_settings: Settings, background: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = FeedSettings(interval_minutes=7)
    bot = await make_bot(dataclasses.replace(feed_settings, feeds=feeds))
    bot.shard_ids = None if background else [1]  # shard 0 is in another process
    cog = feeds_cog(bot)
    started: list[bool] = []
    monkeypatch.setattr(cog.updater, "start", lambda *a: started.append(True))
    await cog.on_ready()
    assert started == ([True] if background else [])
    assert cog.updater.minutes == (7 if background else 30)


async def test_the_list_shows_a_failing_feed_and_why(
    make_bot: MakeBot, feed_settings: Settings, server: FeedServer
) -> None:
    bot = await make_bot(feed_settings)
    cog = feeds_cog(bot)
    await follow(bot, server.url("/atom.xml"))
    server.routes["/atom.xml"].status = 503
    (update,) = await cog.update_feeds()
    assert update.status == "error"
    listing = FakeInteraction(guild_id=1)
    await cog.feeds.callback(cog, listing)
    assert listing.sends()[-1]["content"] == (
        f"“Ledger\\: Toronto” <{server.url('/atom.xml')}>: error: the server answered 503 "
        "Service Unavailable; 0 articles taken"
    )
