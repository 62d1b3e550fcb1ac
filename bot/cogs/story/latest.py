"""/latest: what the newest articles say that earlier ones don't."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import answer_pages
from bot.filters import FILTER_HELP, MAX_DATE_CHARS, MAX_SOURCE_CHARS, matching, read_filters
from bot.paging import follow_up_with_pages
from bot.replies import NO_MENTIONS, whisper
from retrieval import build_reply

if TYPE_CHECKING:
    from bot.client import StoryBot


class Latest(commands.Cog):
    """What's new in the story."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="latest", description="What's new: what the newest articles add")
    @app_commands.describe(**FILTER_HELP)
    async def latest(
        self,
        interaction: discord.Interaction[StoryBot],
        since: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        until: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        source: app_commands.Range[str, 1, MAX_SOURCE_CHARS] | None = None,
    ) -> None:
        """Show the passages of the newest articles that no earlier article said."""
        closed = self.bot.closed_to(interaction)
        if closed:
            await whisper(interaction, closed)
            return
        filters = await read_filters(interaction, since, until, source)
        if filters is None:
            return
        await interaction.response.defer(thinking=True)
        found = await self.bot.latest(filters)
        if found.since is None:
            message = f"No article{matching(filters)} has a date, so none is newer than another."
            await interaction.followup.send(message, allowed_mentions=NO_MENTIONS)
            return
        if not found.answer.found:
            message = (
                f"Nothing new since {found.since}{matching(filters)}: "
                "no newer article says what earlier ones didn't."
            )
            await interaction.followup.send(message, allowed_mentions=NO_MENTIONS)
            return
        pages = answer_pages(build_reply(found.answer), self.bot.page_size)
        await follow_up_with_pages(interaction, pages, self.bot.settings.bot.page_timeout_seconds)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Latest(bot))
