"""The bot: a commands.Bot holding the settings and the retriever, one cog per concern."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversations import Conversations
from bot.errors import report
from bot.guards import OFF, Cooldown, interaction_pointer
from bot.replies import reply_to, whisper
from bot.views import DYNAMIC_ITEMS
from retrieval import (
    AddReport,
    Article,
    ChannelSettings,
    ChannelStore,
    Context,
    Conversation,
    Feedback,
    Filters,
    Latest,
    PassageRef,
    QuestionLog,
    Quotes,
    Reply,
    Retriever,
    Settings,
    Shown,
    StateError,
    Timeline,
    VoteResult,
    build_reply,
    open_channel_store,
)

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.sources",
    "bot.cogs.story.quotes",
    "bot.cogs.story.latest",
    "bot.cogs.story.timeline",
    "bot.cogs.help",
    "bot.cogs.add",
    "bot.cogs.settings",
    "bot.cogs.stats",
    "bot.cogs.feeds",
)
DESCRIPTION = "Answers questions about a news story with quoted, sourced excerpts."


class StoryTree(app_commands.CommandTree["StoryBot"]):
    """The slash-command tree, whose errors go to the one handler."""

    async def on_error(
        self, interaction: discord.Interaction[StoryBot], error: app_commands.AppCommandError
    ) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "a command"
        await report(original, f"/{name}", partial(whisper, interaction))


class StoryBot(commands.AutoShardedBot):
    """storybot on Discord: /ask, mentions and (when enabled) !ask, /sources and /help.

    Sharded: by default one process runs every shard, as many as Discord recommends;
    ``bot.shard_ids`` and ``bot.shard_count`` run some of them, the rest in other
    processes over the same index folder and state database.
    """

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        channels: ChannelStore | None = None,
        conversations: Conversations | None = None,
        feedback: Feedback | None = None,
    ) -> None:
        # The bot never joins voice: no warning that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        prefix_commands = settings.bot.prefix_commands
        intents = discord.Intents.default()
        # Privileged: only prefix commands and questions mode read messages that don't
        # mention the bot.
        intents.message_content = bool(message_content_keys(settings))
        super().__init__(
            command_prefix=settings.bot.prefix if prefix_commands else commands.when_mentioned,
            description=DESCRIPTION,
            help_command=None,
            intents=intents,
            tree_cls=StoryTree,
            allowed_mentions=discord.AllowedMentions.none(),
            **_shards(settings),
        )
        self.settings = settings
        self.retriever = retriever
        self.cooldown = Cooldown(settings.bot.cooldown_seconds)
        self.channels = channels if channels is not None else open_channel_store(settings)
        idle = settings.bot.conversation_idle_minutes * 60
        self.conversations = conversations or Conversations(retriever, idle)
        # The question log and votes, in the same state database.
        if feedback is None:
            bot = settings.bot
            questions = QuestionLog(
                self.channels.database, bot.question_log_days, bot.log_questions
            )
            feedback = Feedback(questions)
        self.feedback = feedback
        # One search at a time: it is CPU-bound, and the stemmer is not thread-safe.
        self._search_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> StoryBot:
        """A bot over the index the settings name (built or loaded now)."""
        retriever = Retriever.from_settings(settings)
        for problem in retriever.problems:
            log.warning("Skipped %s", problem)
        return cls(settings, retriever)

    def channel_settings(
        self, guild_id: int | None, channel_id: int | None, parent_id: int | None = None
    ) -> ChannelSettings | None:
        """The settings of a guild channel (a thread follows its channel); None outside guilds."""
        if guild_id is None or channel_id is None:
            return None
        return self.channels.get(guild_id, parent_id if parent_id is not None else channel_id)

    def closed_to(self, interaction: discord.Interaction[Any]) -> str | None:
        """Why a slash command gets no answer here (not an allowed channel, mode off), or None."""
        pointer = interaction_pointer(self.settings.bot.allowed_channels, interaction)
        if pointer:
            return pointer
        parent_id = getattr(interaction.channel, "parent_id", None)
        channel = self.channel_settings(interaction.guild_id, interaction.channel_id, parent_id)
        return OFF if channel and channel.mode == "off" else None

    @property
    def runs_background_jobs(self) -> bool:
        """Whether work done once for all shards (syncing commands, feed updates) runs here:
        in the process holding shard 0, or the only process."""
        return self.shard_ids is None or 0 in self.shard_ids

    @property
    def shards_text(self) -> str:
        """Which shards this process runs, for logs."""
        if self.shard_ids is None:
            return f"all {self.shard_count} shards" if self.shard_count else "all shards"
        return f"shards {', '.join(map(str, self.shard_ids))} of {self.shard_count}"

    @property
    def reads_messages(self) -> bool:
        """Whether the bot has asked for the message-content intent (questions mode needs it)."""
        return self.intents.message_content

    async def close(self) -> None:
        if not isinstance(self.loop, asyncio.AbstractEventLoop) and self._closing_task is None:
            # Built but never logged in: the sharded client makes at login what close uses.
            await self._async_setup_hook()
        await super().close()
        self.channels.database.close()

    @property
    def ask_example(self) -> str:
        """How to ask with a prefix command."""
        return f"`{self.settings.bot.prefix}ask who said what?`"

    @property
    def page_size(self) -> int:
        """Excerpts per page: the configured top-k."""
        return self.retriever.options.top_k

    async def setup_hook(self) -> None:
        # The components under answers answer presses on messages sent before a restart.
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.runs_background_jobs:
            await self.sync_commands()
        else:
            # The definitions are global: the process with shard 0 publishes them.
            log.info("Not syncing the slash commands: the process with shard 0 does")

    async def sync_commands(self) -> None:
        """Publish the slash commands: to the test guild at once if set, else globally."""
        guild_id = self.settings.bot.test_guild
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild:
            self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            # Mentions still work; the slash commands stay as Discord last had them.
            log.error(
                "Could not sync the slash commands %s: %s (was the bot invited with the "
                "applications.commands scope%s?)",
                f"to guild {guild_id}" if guild else "globally",
                exc,
                ", and is it in that guild" if guild else "",
            )
            return
        where = f"to guild {guild_id}" if guild else "globally"
        log.info("Synced %d slash commands %s", len(synced), where)

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "Logged in as %s (id %s) in %d servers, running %s",
            user,
            user and user.id,
            len(self.guilds),
            self.shards_text,
        )

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("Shard %d of %s is ready", shard_id, self.shard_count)

    async def process_commands(self, message: discord.Message) -> None:
        # Without the message-content intent, prefix commands would only see mentions.
        if self.settings.bot.prefix_commands:
            await super().process_commands(message)

    async def on_command_error(
        self, context: commands.Context[Any], error: commands.CommandError, /
    ) -> None:
        if isinstance(error, commands.CommandNotFound):
            return
        if isinstance(error, commands.UserInputError):
            await reply_to(context.message, f"I couldn't read that. Try: {self.ask_example}")
            return
        original = error.original if isinstance(error, commands.CommandInvokeError) else error
        where = f"{context.prefix}{context.command}" if context.command else "a command"
        await report(original, where, lambda text: reply_to(context.message, text))

    async def answer(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: Filters | None = None,
    ) -> Reply:
        """Search off the event loop; the first page is what `storybot chat` prints.

        In a ``conversation`` (a thread's), the question is read as a follow-up; ``filters``
        choose the articles it is answered from.
        """
        async with self._search_lock:
            return await asyncio.to_thread(self._answer, question, conversation, filters)

    async def add_articles(self, articles: Iterable[Article]) -> AddReport:
        """Add articles off the event loop, between searches (they share the index)."""
        async with self._search_lock:
            return await asyncio.to_thread(self.retriever.add, list(articles))

    async def latest(self, filters: Filters | None = None) -> Latest:
        """What's new, found off the event loop, between searches."""
        async with self._search_lock:
            return await asyncio.to_thread(self.retriever.latest, filters)

    async def timeline(self, filters: Filters | None = None) -> Timeline:
        """The story's timeline, built off the event loop, between searches."""
        async with self._search_lock:
            return await asyncio.to_thread(self.retriever.timeline, filters)

    async def quotes(self, name: str, filters: Filters | None = None) -> Quotes:
        """What a person said, found off the event loop, between searches."""
        async with self._search_lock:
            return await asyncio.to_thread(self.retriever.quotes, name, filters)

    async def context(self, ref: PassageRef) -> Context:
        """An excerpt's paragraph with its neighbours, read off the event loop, between searches."""
        async with self._search_lock:
            return await asyncio.to_thread(self.retriever.context, ref)

    async def log_answer(
        self,
        question: str,
        reply: Reply,
        guild_id: int | None,
        channel_id: int | None,
        after: Sequence[str] = (),
    ) -> str | None:
        """Log an answer off the event loop (``after``: the questions before it in its
        conversation): its id for the vote buttons, None when the state can't be written
        (the answer is still given, without buttons)."""
        results = reply.answer.results if reply.answer else ()
        shown = tuple(Shown(r.excerpt, tuple(s.to_dict() for s in r.sources)) for r in results)
        record = self.feedback.questions.record
        try:
            return await asyncio.to_thread(record, question, shown, guild_id, channel_id, after)
        except StateError as error:
            log.warning("Could not log an answer: %s", error)
            return None

    async def vote(self, answer_id: str, user_id: int, helpful: bool) -> VoteResult:
        """Record a vote off the event loop."""
        return await asyncio.to_thread(self.feedback.vote, answer_id, user_id, helpful)

    async def comment(self, answer_id: str, user_id: int, text: str) -> bool:
        """Keep a 👎's note off the event loop."""
        return await asyncio.to_thread(self.feedback.comment, answer_id, user_id, text)

    def _answer(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: Filters | None = None,
    ) -> Reply:
        first = (conversation or self.retriever).ask(question, filters=filters)
        pages = self.settings.bot.pages
        if not first.found or pages == 1:
            return build_reply(first)
        # Asked again for more: page one stays exactly the default top-k answer.
        top_k = self.page_size * pages
        if conversation is not None:
            return build_reply(first, more=conversation.more(top_k))
        more = self.retriever.ask(question, top_k=top_k, filters=filters)
        return build_reply(first, more=more)


def _shards(settings: Settings) -> dict[str, Any]:
    """The sharding options: none (discord.py asks Discord how many), or those configured."""
    options: dict[str, Any] = {}
    if settings.bot.shard_count is not None:
        options["shard_count"] = settings.bot.shard_count
    if settings.bot.shard_ids is not None:
        options["shard_ids"] = list(settings.bot.shard_ids)
    return options


def message_content_keys(settings: Settings) -> list[str]:
    """The config keys that make the bot ask for the message-content intent."""
    bot = settings.bot
    keys = {
        "bot.prefix_commands: true": bot.prefix_commands,
        "bot.message_content: true": bot.message_content,
        "bot.default_mode: questions": bot.default_mode == "questions",
    }
    return [key for key, on in keys.items() if on]
