"""/add: members who may manage the server add an article from a URL or an attached file."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import NO_MENTIONS, whisper
from retrieval import MAX_ARTICLE_BYTES, Article, ArticleError, escape, fetch_article, from_bytes

if TYPE_CHECKING:
    from bot.client import StoryBot

NOT_ALLOWED = "Only members with the Manage Server permission{roles} can add articles."
ONE_OF = "Give me a `url` or attach a `file` (one of them)."


class AddArticles(commands.Cog):
    """Grows the corpus from Discord: a web page or an uploaded file becomes an article."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Add an article: a web address or a file")
    @app_commands.describe(
        url="The article's web address (http or https)",
        file="A .txt, .md or .html file holding one article",
    )
    @app_commands.guild_only()
    async def add(
        self,
        interaction: discord.Interaction[StoryBot],
        url: str | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        """Add an article from a URL or an attached file (Manage Server, or a configured role)."""
        if not self.may_add(interaction.user):
            await whisper(interaction, self.not_allowed())
            return
        if (url is None) == (file is None):
            await whisper(interaction, ONE_OF)
            return
        await interaction.response.defer(thinking=True)
        try:
            article = await (self.from_file(file) if file else self.from_url(url or ""))
        except ArticleError as exc:
            await whisper(interaction, f"Not added: {exc}")
            return
        report = await self.bot.add_articles([article])
        if report.already:
            same = report.already[0].id
            await whisper(interaction, f"That article is already in the corpus as `{same}`.")
            return
        if report.refused or not report.added:
            await whisper(interaction, f"Not added: {'; '.join(report.refused) or 'nothing new'}")
            return
        added = report.added[0]
        title = f" “{escape(added.title)}”" if added.title else ""
        await interaction.followup.send(
            f"Added `{added.id}`{title}: {added.passages} passages. Ask away with /ask.",
            allowed_mentions=NO_MENTIONS,
        )

    def may_add(self, user: discord.abc.User) -> bool:
        """Manage Server, or one of the roles the config names."""
        if not isinstance(user, discord.Member):
            return False
        roles = set(self.bot.settings.bot.add_roles)
        return user.guild_permissions.manage_guild or any(r.name in roles for r in user.roles)

    def not_allowed(self) -> str:
        roles = self.bot.settings.bot.add_roles
        named = f" or one of the roles {', '.join(escape(r) for r in roles)}" if roles else ""
        return NOT_ALLOWED.format(roles=named)

    async def from_file(self, file: discord.Attachment) -> Article:
        if file.size > MAX_ARTICLE_BYTES:
            raise ArticleError(f"{file.filename}: file is too large ({file.size} bytes)")
        data = await file.read()
        return await asyncio.to_thread(from_bytes, file.filename, data)

    async def from_url(self, url: str) -> Article:
        return await asyncio.to_thread(fetch_article, url.strip(), self.bot.settings.fetch)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(AddArticles(bot))
