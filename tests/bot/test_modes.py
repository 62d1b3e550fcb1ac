"""Channel modes and threads, driven by dpytest: what the bot answers in each channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest

from bot.client import StoryBot
from bot.guards import is_question
from tests.bot.helpers import ASKABLE

MakeBot = Callable[..., Awaitable[StoryBot]]
STATEMENT = "The mayor took a pause today."


def mention(bot: StoryBot, text: str) -> str:
    assert bot.user is not None
    return f"<@{bot.user.id}> {text}"


def set_mode(bot: StoryBot, channel: int = 0, **values: Any) -> discord.TextChannel:
    config = dpytest.get_config()
    chosen: discord.TextChannel = config.channels[channel]
    bot.channels.set(config.guilds[0].id, chosen.id, **values)
    return chosen


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Who asked the mayor to take a pause?", True),
        ("did the council vote?", True),  # a "?" at the end, whatever the first word
        ('"Is he staying?"', True),  # closing quotes after the "?"
        ("Really?!", True),
        ("how did the mayor answer", True),  # a question word opens it, no "?"
        ("**Why** did he refuse", True),  # markup before the first word
        (STATEMENT, False),
        ("Whoever said that was wrong.", False),  # not a question word, only like one
        ("Nice! What a day.", False),  # a question word, but not the first
        ("??", False),  # no letter: nothing asked
        ("", False),
    ],
)
def test_what_counts_as_a_question(text: str, asks: bool) -> None:
    assert is_question(text) is asks


async def test_mention_mode_is_the_default_and_answers_only_mentions(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(message_content=True)
    await dpytest.message(ASKABLE)
    assert dpytest.verify().message().nothing()
    await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.get_message().embeds[0].title == ASKABLE


async def test_messages_not_for_the_bot_never_read_the_state(
    dpy_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await dpy_bot()  # no message-content intent: only mentions can be for the bot
    reads: list[tuple[int, int]] = []
    real = bot.channels.get

    def get(guild_id: int, channel_id: int) -> Any:
        reads.append((guild_id, channel_id))
        return real(guild_id, channel_id)

    monkeypatch.setattr(bot.channels, "get", get)
    await dpytest.message(ASKABLE)
    await dpytest.message(STATEMENT)
    assert dpytest.verify().message().nothing() and reads == []
    await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.get_message().embeds and reads  # a mention is: its channel is read


async def test_off_ignores_mentions_and_prefix_commands(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(prefix_commands=True)
    off = set_mode(bot, 0, mode="off")
    await dpytest.message(mention(bot, ASKABLE), channel=off)
    await dpytest.message(f"!ask {ASKABLE}", channel=off)
    assert dpytest.verify().message().nothing()
    # Another channel keeps the default.
    await dpytest.message(mention(bot, ASKABLE), channel=dpytest.get_config().channels[1])
    assert dpytest.get_message().embeds


async def test_off_by_default_in_the_config(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(default_mode="off")
    await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.verify().message().nothing()
    on = set_mode(bot, 1, mode="mention")
    await dpytest.message(mention(bot, ASKABLE), channel=on)
    assert dpytest.get_message().embeds


async def test_questions_mode_answers_every_question_without_a_mention(
    dpy_bot: MakeBot, sends: list[dict[str, Any]]
) -> None:
    bot = await dpy_bot(message_content=True)
    assert bot.intents.message_content
    questions = set_mode(bot, 0, mode="questions")
    asked = await dpytest.message(ASKABLE, channel=questions)
    assert dpytest.get_message().embeds[0].title == ASKABLE
    assert sends[-1]["message_reference"]["message_id"] == asked.id  # a reply to it
    await dpytest.message(STATEMENT, channel=questions)
    assert dpytest.verify().message().nothing()
    await dpytest.message(mention(bot, "What did the mayor do"), channel=questions)
    assert dpytest.get_message().embeds  # mentions are still answered
    # Only in that channel.
    await dpytest.message(ASKABLE, channel=dpytest.get_config().channels[1])
    assert dpytest.verify().message().nothing()


async def test_questions_mode_needs_the_message_content_intent(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    assert not bot.intents.message_content
    questions = set_mode(bot, 0, mode="questions")
    await dpytest.message(ASKABLE, channel=questions)
    assert dpytest.verify().message().nothing()
    await dpytest.message(mention(bot, ASKABLE), channel=questions)
    assert dpytest.get_message().embeds


async def test_questions_mode_by_default_asks_for_the_intent(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(default_mode="questions")
    assert bot.intents.message_content
    await dpytest.message(ASKABLE)
    assert dpytest.get_message().embeds[0].title == ASKABLE


class FakeThread:
    """What message.create_thread returns: records the thread's name and what is sent in it."""

    def __init__(self, name: str) -> None:
        self.id = 4242
        self.name = name
        self.sent: list[dict[str, Any]] = []

    async def send(self, **kwargs: Any) -> Any:
        self.sent.append(kwargs)
        return None


async def test_threads_on_answer_in_a_thread_named_after_the_question(
    dpy_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[FakeThread] = []

    async def create_thread(self: discord.Message, *, name: str, **_: Any) -> FakeThread:
        threads.append(FakeThread(name))
        return threads[-1]

    monkeypatch.setattr(discord.Message, "create_thread", create_thread)
    bot = await dpy_bot(message_content=True)
    channel = set_mode(bot, 0, mode="questions", threads=True)
    long_question = "Who asked the mayor to take a pause " + "and why " * 20 + "?"
    await dpytest.message(long_question, channel=channel)
    assert dpytest.verify().message().nothing()  # nothing in the channel itself
    (thread,) = threads
    assert len(thread.name) == 100 and thread.name.startswith("Who asked the mayor")
    (sent,) = thread.sent
    assert sent["embed"].title and "reference" not in sent


async def test_threads_refused_by_discord_answer_in_the_channel(
    dpy_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Response:
        status = 403
        reason = "Forbidden"

    async def create_thread(self: discord.Message, **_: Any) -> None:
        raise discord.Forbidden(Response(), "Missing Permissions")  # type: ignore[arg-type]

    monkeypatch.setattr(discord.Message, "create_thread", create_thread)
    bot = await dpy_bot(threads=True)
    await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.get_message().embeds[0].title == ASKABLE
