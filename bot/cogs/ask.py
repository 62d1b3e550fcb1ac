"""Asking: /ask, mentioning the bot, !ask when prefix commands are on, and questions mode.

Each guild channel has a mode (``/settings``): ``mention`` answers /ask, mentions and
!ask; ``questions`` also every message that is a question; ``off`` answers nothing.
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import answer_layout
from bot.errors import report
from bot.filters import FILTER_HELP, MAX_DATE_CHARS, MAX_SOURCE_CHARS, read_filters
from bot.guards import OFF, channel_pointer, cooldown_notice, is_question, question_problem
from bot.paging import Pager
from bot.replies import NO_MENTIONS, reply_to, start_thread, whisper, with_view
from bot.views import answer_view
from retrieval import ChannelSettings, Conversation, reply_text

if TYPE_CHECKING:
    from bot.client import StoryBot

# "@storybot ask …" and "@storybot /ask …" mean the same as "@storybot …".
_ASK_WORD = re.compile(r"^[!/]?ask\b[\s:]*", re.IGNORECASE)


class Ask(commands.Cog):
    """Answers questions about the story with quoted, sourced excerpts."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask about the story: I reply with quoted excerpts and sources"
    )
    @app_commands.describe(
        question="Your question, for example: who urged the mayor to step aside?", **FILTER_HELP
    )
    async def ask(
        self,
        interaction: discord.Interaction[StoryBot],
        question: str,
        since: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        until: app_commands.Range[str, 1, MAX_DATE_CHARS] | None = None,
        source: app_commands.Range[str, 1, MAX_SOURCE_CHARS] | None = None,
    ) -> None:
        """Answer a question with the best excerpts from the articles."""
        question = question.strip()
        parent_id = getattr(interaction.channel, "parent_id", None)
        channel = self.bot.channel_settings(interaction.guild_id, interaction.channel_id, parent_id)
        refusal = OFF if channel and channel.mode == "off" else None
        refusal = refusal or self.refusal(
            interaction.user.id, interaction.channel_id, parent_id, question
        )
        if refusal:
            await interaction.response.send_message(
                refusal, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        filters = await read_filters(interaction, since, until, source)
        if filters is None:
            return
        await interaction.response.defer(thinking=True)
        conversation = self.conversation(interaction.channel)
        earlier = asked_before(conversation)
        reply = await self.bot.answer(question, conversation, filters)
        answer_id = await self.bot.log_answer(
            question, reply, interaction.guild_id, interaction.channel_id, earlier
        )
        if reply.empty:
            await whisper(interaction, reply_text(reply))
            return
        pages = answer_layout(reply, self.bot.page_size)
        view = answer_view(pages, interaction.user.id, self.timeout, answer_id, self.bot)
        sent = await interaction.followup.send(
            embed=pages[0][0], wait=True, allowed_mentions=NO_MENTIONS, **with_view(view)
        )
        if isinstance(view, Pager):
            view.message = sent

    @commands.command(name="ask")
    async def ask_prefix(self, ctx: commands.Context[StoryBot], *, question: str = "") -> None:
        """Ask about the story: !ask who urged the mayor to step aside?"""
        if self.mode(ctx.message) != "off":
            await self.answer_message(ctx.message, question)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot (or any message in a DM), and in a
        questions-mode channel every message that is a question."""
        if message.author.bot:
            return
        question = self.mentioned_question(message)
        # The channel's settings are read only for a message that may be for the bot.
        asks = question is None and self.bot.reads_messages and is_question(message.content)
        if question is None and not asks:
            return
        mode = self.mode(message)
        # In the bot's own threads every question is a follow-up, as in questions mode.
        asked = mode == "questions" or self.own_thread(message.channel)
        if mode == "off" or (question is None and not asked):
            return
        question = message.content if question is None else question
        if self.bot.settings.bot.prefix_commands and (await self.bot.get_context(message)).valid:
            return  # a prefix command: the command answers it
        try:
            await self.answer_message(message, question)
        except Exception as error:
            await report(error, "a mention", partial(reply_to, message))

    def conversation(self, channel: Any) -> Conversation | None:
        """A thread's conversation, in which its questions are follow-ups; None elsewhere."""
        if isinstance(channel, discord.Thread):
            return self.bot.conversations.of(channel.id)
        return None

    def own_thread(self, channel: Any) -> bool:
        """Whether the channel is a thread the bot started."""
        me = self.bot.user
        return isinstance(channel, discord.Thread) and me is not None and channel.owner_id == me.id

    def mode(self, message: discord.Message) -> str:
        """The mode of the message's channel; a direct message is always answered."""
        channel = self.message_channel(message)
        return channel.mode if channel else "mention"

    def threads(self, message: discord.Message) -> bool:
        """Whether answers in the message's channel go to a thread."""
        channel = self.message_channel(message)
        return bool(channel and channel.threads)

    def message_channel(self, message: discord.Message) -> ChannelSettings | None:
        return self.bot.channel_settings(
            message.guild.id if message.guild else None,
            message.channel.id,
            getattr(message.channel, "parent_id", None),
        )

    def mentioned_question(self, message: discord.Message) -> str | None:
        """The text addressed to the bot, or None when the message isn't for it."""
        me = self.bot.user
        if me is None:
            return None
        tokens = [f"<@{me.id}>", f"<@!{me.id}>"]
        role = message.guild.self_role if message.guild else None
        if role is not None:
            tokens.append(role.mention)  # "@storybot" may autocomplete to the bot's role
        content = message.content
        if message.guild is not None and not any(t in content for t in tokens):
            return None
        for token in tokens:
            content = content.replace(token, " ")
        return _ASK_WORD.sub("", " ".join(content.split()))

    async def answer_message(self, message: discord.Message, question: str) -> None:
        """Answer in the message's channel as a reply to it, or in a thread started from it."""
        question = question.strip()
        parent_id = getattr(message.channel, "parent_id", None)
        refusal = self.refusal(
            message.author.id, message.channel.id, parent_id, question, public=True
        )
        if refusal is not None:
            if refusal:
                await reply_to(message, refusal)
            return
        starts_thread = self.threads(message) and isinstance(message.channel, discord.TextChannel)
        conversation = self.conversation(message.channel)
        if conversation is None and starts_thread:
            conversation = self.bot.conversations.new()
        earlier = asked_before(conversation)
        async with message.channel.typing():
            reply = await self.bot.answer(question, conversation)
        guild_id = message.guild.id if message.guild else None
        answer_id = await self.bot.log_answer(
            question, reply, guild_id, message.channel.id, earlier
        )
        if reply.empty:
            await reply_to(message, reply_text(reply))
            return
        pages = answer_layout(reply, self.bot.page_size)
        view = answer_view(pages, message.author.id, self.timeout, answer_id, self.bot)
        thread = await start_thread(message, question) if starts_thread else None
        if thread is not None and conversation is not None:
            # The thread's follow-ups build on the question it was started from.
            self.bot.conversations.keep(thread.id, conversation)
        # In a thread started from the question, the answer needs no reply reference.
        reference: dict[str, Any] = {}
        if thread is None:
            reference["reference"] = message.to_reference(fail_if_not_exists=False)
        sent = await (thread or message.channel).send(
            embed=pages[0][0], allowed_mentions=NO_MENTIONS, **reference, **with_view(view)
        )
        if isinstance(view, Pager):
            view.message = sent

    def refusal(
        self,
        user_id: int,
        channel_id: int | None,
        parent_id: int | None,
        question: str,
        public: bool = False,
    ) -> str | None:
        """Why not to answer now (wrong channel, bad question, cooldown), or None.

        A public reply tells of the cooldown once per window; after that the refusal is
        "" (say nothing), so a burst of mentions doesn't become a burst of notices.
        """
        settings = self.bot.settings.bot
        problem = channel_pointer(
            settings.allowed_channels, channel_id, parent_id
        ) or question_problem(question, self.bot.settings.retrieval.max_question_chars)
        if problem:
            return problem
        notice = cooldown_notice(self.bot.cooldown.retry_after(user_id))
        if notice and public and not self.bot.cooldown.first_notice(user_id):
            return ""
        return notice

    @property
    def timeout(self) -> float:
        return self.bot.settings.bot.page_timeout_seconds


def asked_before(conversation: Conversation | None) -> tuple[str, ...]:
    """The questions a conversation holds, which a follow-up is read against (logged)."""
    return tuple(turn.asked for turn in conversation.turns) if conversation else ()


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Ask(bot))
