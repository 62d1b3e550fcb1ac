"""Follow-ups in threads: each thread keeps a conversation, in memory, until idle."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest

from bot.client import StoryBot
from bot.conversations import Conversations
from retrieval.retriever import Retriever
from retrieval.settings import Settings
from tests.bot.helpers import FakeInteraction

MakeBot = Callable[..., Awaitable[StoryBot]]
FIRST = "Who is the deputy mayor?"
FOLLOW_UP = "What did he ask the mayor to do?"
TAKEN_AS = "*(taken as: What did Norm Kelly ask the mayor to do?)*"
_IDS = itertools.count(900_000)


class Clock:
    """A clock the test moves by hand: no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def mention(bot: StoryBot, text: str) -> str:
    assert bot.user is not None
    return f"<@{bot.user.id}> {text}"


def thread_of(message: discord.Message, name: str) -> discord.Thread:
    """A public thread started from ``message`` by the bot, known to the fake guild."""
    parent = message.channel
    assert isinstance(parent, discord.TextChannel)
    data: Any = {
        "id": next(_IDS),
        "guild_id": parent.guild.id,
        "parent_id": parent.id,
        "owner_id": parent.guild.me.id,
        "name": name,
        "type": 11,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-01T00:00:00+00:00",
            "locked": False,
        },
    }
    thread = discord.Thread(guild=parent.guild, state=message._state, data=data)
    parent.guild._add_thread(thread)
    return thread


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[discord.Thread]:
    """Every thread the bot starts from a question, as real threads of the fake guild."""
    started: list[discord.Thread] = []

    async def create_thread(self: discord.Message, *, name: str, **_: Any) -> discord.Thread:
        started.append(thread_of(self, name))
        return started[-1]

    monkeypatch.setattr(discord.Message, "create_thread", create_thread)
    return started


async def threaded_bot(dpy_bot: MakeBot, clock: Clock, **fields: Any) -> StoryBot:
    """A bot answering in threads, its conversations on ``clock``."""
    bot = await dpy_bot(threads=True, **fields)
    bot.conversations = Conversations(bot.retriever, 30 * 60, clock=clock)
    return bot


async def test_a_follow_up_in_the_thread_is_read_against_its_question(
    dpy_bot: MakeBot, threads: list[discord.Thread]
) -> None:
    bot = await threaded_bot(dpy_bot, Clock())
    await dpytest.message(mention(bot, FIRST))
    (thread,) = threads
    assert "Norm Kelly" in dpytest.get_message().embeds[0].description
    await dpytest.message(mention(bot, FOLLOW_UP), channel=thread)
    answer = dpytest.get_message()
    assert answer.channel.id == thread.id
    description = answer.embeds[0].description
    assert description.startswith(TAKEN_AS + "\n> ") and "take a pause" in description


async def test_any_question_in_the_bots_thread_is_a_follow_up_with_the_intent(
    dpy_bot: MakeBot, threads: list[discord.Thread]
) -> None:
    bot = await threaded_bot(dpy_bot, Clock(), message_content=True)
    await dpytest.message(mention(bot, FIRST))
    (thread,) = threads
    dpytest.get_message()
    await dpytest.message(FOLLOW_UP, channel=thread)
    assert dpytest.get_message().embeds[0].description.startswith(TAKEN_AS)
    await dpytest.message("Thanks, that helps.", channel=thread)  # not a question
    assert dpytest.verify().message().nothing()


async def test_an_idle_conversation_ends(dpy_bot: MakeBot, threads: list[discord.Thread]) -> None:
    clock = Clock()
    bot = await threaded_bot(dpy_bot, clock)
    await dpytest.message(mention(bot, FIRST))
    (thread,) = threads
    dpytest.get_message()
    clock.now += 30 * 60  # thirty minutes unused: the conversation is over
    await dpytest.message(mention(bot, FOLLOW_UP), channel=thread)
    assert "taken as" not in dpytest.get_message().embeds[0].description
    assert len(bot.conversations) == 1  # the thread's new one


async def test_slash_ask_in_a_thread_follows_up_its_conversation(
    dpy_bot: MakeBot, threads: list[discord.Thread]
) -> None:
    bot = await threaded_bot(dpy_bot, Clock())
    await dpytest.message(mention(bot, FIRST))
    (thread,) = threads
    dpytest.get_message()
    interaction = FakeInteraction(channel_id=thread.id, parent_id=thread.parent_id)
    interaction.channel = thread
    ask = bot.get_cog("Ask")
    await ask.ask.callback(ask, interaction, question=FOLLOW_UP)  # type: ignore[union-attr]
    assert interaction.last("followup.send")["embed"].description.startswith(TAKEN_AS)


async def test_a_channel_question_outside_threads_stands_alone(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, FIRST))
    dpytest.get_message()
    await dpytest.message(mention(bot, FOLLOW_UP))
    assert "taken as" not in dpytest.get_message().embeds[0].description
    assert len(bot.conversations) == 0


def test_conversations_are_bounded_and_expire(settings: Settings) -> None:
    clock = Clock()
    live = Conversations(Retriever.from_settings(settings), 60, capacity=2, clock=clock)
    first = live.of(1)
    live.of(2)
    assert live.of(1) is first  # used again: now the most recent
    live.of(3)  # over the cap: thread 2, the least recently used, ends
    assert len(live) == 2 and live.of(1) is first
    clock.now += 59
    assert live.of(1) is first
    clock.now += 60
    assert live.of(1) is not first and len(live) == 1


async def test_help_tells_of_follow_ups_in_threads(make_bot: MakeBot) -> None:
    bot = await make_bot(conversation_idle_minutes=45)
    text = bot.get_cog("Help").embed().description or ""  # type: ignore[union-attr]
    assert "In a thread, ask follow-ups" in text and "of the last 45 minutes" in text
