"""/quotes: what a person said, quote by quote, paged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import quotes_pages
from bot.filters import FILTER_HELP, MAX_DATE_CHARS, MAX_SOURCE_CHARS, matching, read_filters
from bot.paging import follow_up_with_pages
from bot.replies import NO_MENTIONS, whisper
from retrieval import escape

if TYPE_CHECKING:
    from bot.client import StoryBot

# Longer than any name; a longer "name" is not one.
MAX_NAME_CHARS = 100


class Quotes(commands.Cog):
    """Direct quotes by person."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="quotes", description="What a person said in the articles")
    @app_commands.describe(speaker='a full name or part of one, e.g. "Kelly"', **FILTER_HELP)
    async def quotes(
        self,
        interaction: discord.Interaction[StoryBot],
        speaker: app_commands.Range[str, 1, MAX_NAME_CHARS],
        since: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        until: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        source: app_commands.Range[str, 1, MAX_SOURCE_CHARS] | None = None,
    ) -> None:
        """List every direct quote the articles attribute to a person."""
        closed = self.bot.closed_to(interaction)
        if closed:
            await whisper(interaction, closed)
            return
        name = " ".join(speaker.split())
        if not name:
            await whisper(interaction, "Tell me whose quotes to look for, e.g. Kelly.")
            return
        filters = await read_filters(interaction, since, until, source)
        if filters is None:
            return
        await interaction.response.defer(thinking=True)
        found = await self.bot.quotes(name, filters)
        if found.speaker is None:
            shown = escape(name)
            if found.candidates:
                names = ", ".join(escape(c) for c in found.candidates[:10])
                message = f"“{shown}” could be: {names}. Ask again with a full name."
            else:
                message = f"No one called “{shown}” is quoted in the articles{matching(filters)}."
            await interaction.followup.send(message, allowed_mentions=NO_MENTIONS)
            return
        pages = quotes_pages(found)
        await follow_up_with_pages(interaction, pages, self.bot.settings.bot.page_timeout_seconds)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Quotes(bot))
