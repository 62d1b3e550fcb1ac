"""Followed feeds on Discord: updated in the background every ``feeds.interval_minutes``,
each article taken announced in ``feeds.announce_channel``; /follow, /unfollow, /feeds.

The updates run in a worker thread over an index of their own (opened at the first
update), so questions never wait for them: the answering index takes in the articles
added at its next question, as it does for any add by another process. When the bot
runs in several processes (sharded), only the one that runs background jobs updates.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.replies import NO_MENTIONS, whisper
from retrieval import (
    FeedError,
    FeedFollower,
    FeedRecord,
    FeedUpdate,
    ItemReport,
    Retriever,
    escape,
    open_feeds,
)

if TYPE_CHECKING:
    from bot.client import StoryBot

log = logging.getLogger(__name__)

NOT_ALLOWED = "Only members with the Manage Server permission can follow or unfollow feeds."
NONE_YET = "No feed is followed. Members with Manage Server can add one with `/follow`."
# Lines of /feeds before "and N more".
LISTED = 15


class FollowFeeds(commands.Cog):
    """Feeds the corpus grows from, and the announcements of what they bring."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self._follower: FeedFollower[FeedRecord] | None = None
        self._opening = threading.Lock()
        self._updating = asyncio.Lock()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Start the updates once connected (on_ready comes again after a reconnect)."""
        if self.bot.runs_background_jobs and not self.updater.is_running():
            self.updater.change_interval(minutes=self.bot.settings.feeds.interval_minutes)
            self.updater.start()

    async def cog_unload(self) -> None:
        self.updater.cancel()
        if self._follower is not None:
            await asyncio.to_thread(self._follower.close)

    @tasks.loop(minutes=30)
    async def updater(self) -> None:
        """Every feeds.interval_minutes: update the feeds and announce what was added."""
        try:
            await self.update_feeds()
        except Exception:
            # An exception would end the loop: logged, and tried again next time.
            log.exception("Updating the feeds failed")

    async def update_feeds(self) -> list[FeedUpdate]:
        """Update every feed that is due (in a thread), then announce the articles added."""
        async with self._updating:
            updates = await asyncio.to_thread(self._update)
        added = [item for update in updates for item in update.of("added")]
        for update in updates:
            if update.status == "error":
                log.warning("Feed %s failed: %s", update.url, update.error)
        if added:
            log.info("Took %d articles from the feeds", len(added))
            await self.announce(added)
        return updates

    def _update(self) -> list[FeedUpdate]:
        follower = self.follower()
        if not follower.feeds():
            return []
        return follower.update_feeds()

    def follower(self) -> FeedFollower[FeedRecord]:
        """The feeds, over an index of their own (opened on first use, in a worker thread)."""
        with self._opening:
            if self._follower is None:
                settings = self.bot.settings
                retriever = Retriever.from_settings(settings, allow_empty=True)
                self._follower = open_feeds(settings, retriever)
            return self._follower

    async def announce(self, items: list[ItemReport]) -> None:
        """Post each article taken in the announcement channel, when one is set."""
        channel = await self.announce_channel()
        if channel is None:
            return
        for item in items:
            try:
                await channel.send(announcement(item), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("Could not announce %s in channel %s: %s", item.link, channel, exc)
                return

    async def announce_channel(self) -> Any | None:
        """The channel of feeds.announce_channel, or None (unset, unknown, not allowed)."""
        channel_id = self.bot.settings.feeds.announce_channel
        if channel_id is None:
            return None
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                log.warning("feeds.announce_channel %s can't be used: %s", channel_id, exc)
                return None
        if not hasattr(channel, "send"):
            log.warning("feeds.announce_channel %s is not a text channel", channel_id)
            return None
        return channel

    @app_commands.command(name="follow", description="Follow an RSS or Atom feed (Manage Server)")
    @app_commands.describe(url="The feed's address (http or https)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def follow(self, interaction: discord.Interaction[StoryBot], url: str) -> None:
        """Follow a feed: its new articles on the story are taken in at each update."""
        if not may_manage(interaction.user):
            await whisper(interaction, NOT_ALLOWED)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            followed = await asyncio.to_thread(lambda: self.follower().follow(url))
        except FeedError as exc:
            await whisper(interaction, f"Not followed: {escape(str(exc))}")
            return
        title = f" “{escape(followed.title)}”" if followed.title else ""
        if not followed.new:
            await whisper(interaction, f"I already follow{title} <{followed.url}>.")
            return
        minutes = self.bot.settings.feeds.interval_minutes
        await whisper(
            interaction,
            f"Following{title} <{followed.url}> ({followed.items} entries now). Its new "
            f"articles on the story are taken in every {minutes:g} minutes.",
        )

    @app_commands.command(name="unfollow", description="Stop following a feed (Manage Server)")
    @app_commands.describe(url="The feed's address, as /feeds lists it")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def unfollow(self, interaction: discord.Interaction[StoryBot], url: str) -> None:
        """Stop following a feed; the articles taken from it stay."""
        if not may_manage(interaction.user):
            await whisper(interaction, NOT_ALLOWED)
            return
        try:
            await asyncio.to_thread(lambda: self.follower().unfollow(url))
        except FeedError as exc:
            await whisper(interaction, escape(str(exc)))
            return
        await whisper(interaction, f"Unfollowed <{url.strip()}>. The articles taken stay.")

    @app_commands.command(name="feeds", description="The feeds I follow")
    async def feeds(self, interaction: discord.Interaction[StoryBot]) -> None:
        """List the followed feeds, each with its status and the articles taken from it."""
        feeds = await asyncio.to_thread(lambda: self.follower().feeds())
        if not feeds:
            await whisper(interaction, NONE_YET)
            return
        lines = [feed_line(feed) for feed in feeds[:LISTED]]
        if len(feeds) > LISTED:
            lines.append(f"… and {len(feeds) - LISTED} more.")
        await whisper(interaction, "\n".join(lines))


def may_manage(user: discord.abc.User) -> bool:
    return isinstance(user, discord.Member) and user.guild_permissions.manage_guild


def announcement(item: ItemReport) -> str:
    """ "New article: TITLE — SOURCE (date)" and the link, escaped so it pings no one."""
    article = item.article
    title = (article.title if article else None) or item.title or "(no title)"
    source = article.source if article else None
    date = article.published if article else None
    line = f"New article: **{escape(title)}**"
    if source:
        line += f" — {escape(source)}"
    if date:
        line += f" ({date})"
    link = (article.url if article else None) or item.link
    return f"{line}\n{link}" if link else line


def feed_line(feed: FeedRecord) -> str:
    title = f"“{escape(feed.title)}” " if feed.title else ""
    error = (feed.error or "").removeprefix(f"{feed.url}: ")  # the line names the feed
    status = f"error: {escape(error)}" if feed.error else feed.status
    return f"{title}<{feed.url}>: {status}; {feed.articles} articles taken"


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(FollowFeeds(bot))
