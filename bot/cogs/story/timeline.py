"""/timeline: the story's dated events in order, paged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import timeline_pages
from bot.filters import FILTER_HELP, MAX_DATE_CHARS, MAX_SOURCE_CHARS, matching, read_filters
from bot.paging import follow_up_with_pages
from bot.replies import whisper

if TYPE_CHECKING:
    from bot.client import StoryBot


class Timeline(commands.Cog):
    """The story's timeline."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="timeline", description="The story's events in the order they happened"
    )
    @app_commands.describe(**FILTER_HELP)
    async def timeline(
        self,
        interaction: discord.Interaction[StoryBot],
        since: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        until: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        source: app_commands.Range[str, 1, MAX_SOURCE_CHARS] | None = None,
    ) -> None:
        """Show each dated event once, oldest first, with its sources."""
        closed = self.bot.closed_to(interaction)
        if closed:
            await whisper(interaction, closed)
            return
        filters = await read_filters(interaction, since, until, source)
        if filters is None:
            return
        await interaction.response.defer(thinking=True)
        found = await self.bot.timeline(filters)
        empty = f"No sentence in the articles{matching(filters)} names a date."
        pages = timeline_pages(found, empty=empty)
        await follow_up_with_pages(interaction, pages, self.bot.settings.bot.page_timeout_seconds)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Timeline(bot))
