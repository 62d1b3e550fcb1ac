"""/sources: the articles the bot searches, paged."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import sources_pages
from bot.paging import Pager
from bot.replies import NO_MENTIONS, whisper, with_view

if TYPE_CHECKING:
    from bot.client import StoryBot
    from retrieval import ArticleInfo


class Sources(commands.Cog):
    """Lists the indexed articles."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self._articles: list[ArticleInfo] | None = None

    @app_commands.command(name="sources", description="List the articles I search")
    async def sources(self, interaction: discord.Interaction[StoryBot]) -> None:
        """Show the indexed articles: title, outlet, date and passages."""
        closed = self.bot.closed_to(interaction)
        if closed:
            await whisper(interaction, closed)
            return
        if self._articles is None:
            # Counting passages walks the whole index: off the event loop, once.
            self._articles = await asyncio.to_thread(self.bot.retriever.articles)
        pages = sources_pages(self._articles)
        timeout = self.bot.settings.bot.page_timeout_seconds
        view = Pager.when_needed(pages, interaction.user.id, timeout)
        await interaction.response.send_message(
            embed=pages[0], ephemeral=True, allowed_mentions=NO_MENTIONS, **with_view(view)
        )
        if view:
            view.message = await interaction.original_response()


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Sources(bot))
