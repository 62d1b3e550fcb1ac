"""/timeline: the story's dated events in order, paged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import timeline_pages
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
    async def timeline(self, interaction: discord.Interaction[StoryBot]) -> None:
        """Show each dated event once, oldest first, with its sources."""
        closed = self.bot.closed_to(interaction)
        if closed:
            await whisper(interaction, closed)
            return
        await interaction.response.defer(thinking=True)
        pages = timeline_pages(await self.bot.timeline())
        await follow_up_with_pages(interaction, pages, self.bot.settings.bot.page_timeout_seconds)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Timeline(bot))
