"""/help: what the bot does and how to ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import COLOUR
from bot.guards import interaction_pointer
from bot.replies import NO_MENTIONS, whisper
from retrieval import ChannelSettings

if TYPE_CHECKING:
    from bot.client import StoryBot


class Help(commands.Cog):
    """Explains how to use the bot."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What I do and how to ask me")
    async def help(self, interaction: discord.Interaction[StoryBot]) -> None:
        """Explain what the bot does and the ways to ask it."""
        pointer = interaction_pointer(self.bot.settings.bot.allowed_channels, interaction)
        if pointer:
            await whisper(interaction, pointer)
            return
        channel = self.bot.channel_settings(
            interaction.guild_id,
            interaction.channel_id,
            getattr(interaction.channel, "parent_id", None),
        )
        await interaction.response.send_message(
            embed=self.embed(channel), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @commands.command(name="help")
    async def help_prefix(self, ctx: commands.Context[StoryBot]) -> None:
        """What I do and how to ask me."""
        message = ctx.message
        channel = self.bot.channel_settings(
            message.guild.id if message.guild else None,
            message.channel.id,
            getattr(message.channel, "parent_id", None),
        )
        await ctx.send(
            embed=self.embed(channel),
            reference=ctx.message.to_reference(fail_if_not_exists=False),
            allowed_mentions=NO_MENTIONS,
        )

    def embed(self, channel: ChannelSettings | None = None) -> discord.Embed:
        """The help text, with this server's settings and the channel's mode."""
        settings = self.bot.settings.bot
        me = self.bot.user.mention if self.bot.user else "@storybot"
        ways = [
            "• `/ask question: who urged the mayor to step aside?`",
            f"• mention me: {me} who urged the mayor to step aside?",
        ]
        if settings.prefix_commands:
            ways.append(f"• {self.bot.ask_example}")
        if channel and channel.mode == "questions" and self.bot.reads_messages:
            ways.append("• here, just ask: I answer every message that is a question.")
        if channel and channel.mode == "off":
            ways = ["• not here: this channel is set to `off`."]
        top_k = self.bot.page_size
        lines = [
            "I answer questions about the news story in my articles with the best "
            f"excerpts (up to {top_k} at a time), quoted word for word, the words of "
            "your question in **bold**, each with its sources: outlet, title, date "
            "and link where known.",
            "",
            "**How to ask**",
            *ways,
            "",
            "**More**",
            "• `/sources` lists the articles I search.",
            "• `/quotes speaker:` lists what a person said, quote by quote.",
            "• `/latest` shows what the newest articles add to the story.",
            "• `/timeline` lists the story's dated events in order.",
            "• `/feeds` lists the news feeds I take new articles from; `/follow` and "
            "`/unfollow` (Manage Server) change them.",
            "• `/settings` (Manage Server) sets how I answer in a channel: "
            "`mention`, `questions` or `off`.",
            "• 👍 / 👎 under an answer tell the editors whether it helped; "
            "`/stats` (Manage Server) shows what this server asked and what went unanswered.",
            f"• Questions up to {self.bot.settings.retrieval.max_question_chars} characters; "
            f"one question every {settings.cooldown_seconds:g} s.",
        ]
        if settings.pages > 1:
            lines.append("• **More** and **Previous** under an answer show further excerpts.")
        lines.append(
            '• In a thread, ask follow-ups ("what did he say then?", "and the premier?"): '
            f"I read them with the thread's questions of the last "
            f"{settings.conversation_idle_minutes:g} minutes."
        )
        if settings.allowed_channels:
            where = ", ".join(f"<#{c}>" for c in settings.allowed_channels[:5])
            lines.append(f"• I answer in {where}.")
        return discord.Embed(title="storybot", description="\n".join(lines), colour=COLOUR)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Help(bot))
