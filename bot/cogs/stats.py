"""/stats for editors (Manage Server): what this server asked, what went unanswered, the votes.

The figures come from the question log in the state database, which this cog also
keeps within ``bot.question_log_days`` while the bot runs (hourly).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.embeds import COLOUR, FIELD_VALUE, fit
from bot.replies import NO_MENTIONS, whisper
from retrieval import QuestionStats, StateError, clip, escape, question_stats

if TYPE_CHECKING:
    from bot.client import StoryBot

log = logging.getLogger(__name__)

NOT_ALLOWED = "Only members with the Manage Server permission can see the stats."
NO_SERVER = "Use /stats in a server: the stats are per server."
DEFAULT_DAYS = 30
_QUESTION_CHARS = 90


class Stats(commands.Cog):
    """Questions asked, the share answered, votes and the top unanswered questions."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.prune.start()

    async def cog_unload(self) -> None:
        self.prune.cancel()

    @tasks.loop(hours=1)
    async def prune(self) -> None:
        """Delete the logged answers (and votes) past the retention period."""
        try:
            await asyncio.to_thread(self.bot.feedback.questions.prune)
        except StateError as error:
            log.warning("Could not delete old logged answers: %s", error)

    @app_commands.command(
        name="stats", description="Questions asked here, share answered, votes (Manage Server)"
    )
    @app_commands.describe(days=f"The last N days (default {DEFAULT_DAYS})")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def stats(
        self,
        interaction: discord.Interaction[StoryBot],
        days: app_commands.Range[int, 1, 3650] = DEFAULT_DAYS,
    ) -> None:
        """Show this server's questions over the last days, privately."""
        user = interaction.user
        if not (isinstance(user, discord.Member) and user.guild_permissions.manage_guild):
            await whisper(interaction, NOT_ALLOWED)
            return
        if interaction.guild_id is None:
            await whisper(interaction, NO_SERVER)
            return
        questions = self.bot.feedback.questions
        until = questions.clock()
        figures = await asyncio.to_thread(
            question_stats, questions.database, until - timedelta(days=days), until,
            interaction.guild_id,
        )  # fmt: skip
        keep = self.bot.settings.bot.question_log_days
        await interaction.response.send_message(
            embed=stats_embed(figures, days, keep), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def stats_embed(stats: QuestionStats, days: int, keep_days: int) -> discord.Embed:
    """The figures as one embed; the questions people typed are escaped."""
    period = f"the last {days} day{'s' if days != 1 else ''}"
    embed = discord.Embed(title=f"Questions in this server, {period}", colour=COLOUR)
    share = f" ({stats.answered_share:.0%})" if stats.answered_share is not None else ""
    lines = [
        f"**{stats.asked}** asked, **{stats.answered}** answered{share}",
        f"Feedback: {stats.helpful} 👍, {stats.unhelpful} 👎",
    ]
    if days > keep_days:
        lines.append(f"(Questions are kept {keep_days} days.)")
    embed.description = "\n".join(lines)
    if stats.unanswered:
        rows = [
            f"{n}. {escape(clip(question, _QUESTION_CHARS))} (×{count})"
            for n, (question, count) in enumerate(stats.unanswered, start=1)
        ]
        embed.add_field(
            name="Most asked, unanswered: articles to add",
            value=fit("\n".join(rows), FIELD_VALUE),
            inline=False,
        )
    elif stats.asked and not stats.logged:
        embed.add_field(
            name="Unanswered questions",
            value="Not kept: the question log is off (`bot.log_questions: false`).",
            inline=False,
        )
    embed.set_footer(text="Only you see this. The editor's view: storybot stats.")
    return embed


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Stats(bot))
