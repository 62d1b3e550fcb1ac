"""Mentions and !ask, driven by dpytest through discord.py's real event and command handling."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import discord.ext.test as dpytest
import pytest
from discord.ext import commands

from bot.client import StoryBot
from bot.errors import APOLOGY
from bot.guards import Cooldown
from bot.paging import Pager
from retrieval.answering.render import CHAT_ANSWER, CHAT_HINT, NO_ANSWER, NO_ANSWER_HINT
from retrieval.settings import Settings
from tests.bot.helpers import (
    ASKABLE,
    UNANSWERABLE,
    assert_cannot_ping,
    assert_within_limits,
    with_question_cap,
    with_top_k,
)

MakeBot = Callable[..., Awaitable[StoryBot]]


def mention(bot: StoryBot, text: str, nick: bool = False) -> str:
    assert bot.user is not None
    return f"<@{'!' if nick else ''}{bot.user.id}> {text}"


def assert_no_mentions_allowed(sends: list[dict[str, Any]]) -> None:
    assert sends, "nothing was sent"
    for kwargs in sends:
        allowed = kwargs["allowed_mentions"]
        assert allowed.everyone is False and allowed.users is False
        assert allowed.roles is False and allowed.replied_user is False


async def test_mention_gets_quoted_excerpts_in_an_embed(
    dpy_bot: MakeBot, sends: list[dict[str, Any]]
) -> None:
    bot = await dpy_bot()
    question = await dpytest.message(mention(bot, ASKABLE))
    reply = dpytest.get_message()
    assert not reply.content
    (embed,) = reply.embeds
    assert embed.title == ASKABLE
    assert (
        "> Deputy **Mayor** Norm Kelly said he **asked** the **mayor** to **take** a **pause**"
        in (embed.description or "")
    )
    assert "— Example Times · [Mayor refuses to step aside](<https://example.com/news/mayor>)" in (
        embed.description or ""
    )
    assert (embed.footer.text or "").startswith("Searched 2 articles and ")
    assert_within_limits([embed])
    assert_no_mentions_allowed(sends)
    reference = sends[-1]["message_reference"]  # a reply to the question, even if deleted
    assert reference["message_id"] == question.id and reference["fail_if_not_exists"] is False


async def test_nickname_mention_and_ask_word_work_too(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, f"ask {ASKABLE}", nick=True))
    assert dpytest.get_message().embeds[0].title == ASKABLE


async def test_mentions_work_without_the_message_content_intent(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    assert bot.intents.message_content is False
    await dpytest.message(ASKABLE)  # no mention: not for the bot
    assert dpytest.verify().message().nothing()
    await dpytest.message(f"!ask {ASKABLE}")  # prefix commands are off
    assert dpytest.verify().message().nothing()


async def test_mention_without_a_question_gets_a_hint(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, ""))
    assert (
        dpytest.verify()
        .message()
        .content("Ask me a question about the story, for example: who said what?")
    )


async def test_mention_with_no_answer(dpy_bot: MakeBot, sends: list[dict[str, Any]]) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, UNANSWERABLE))
    reply = dpytest.get_message()
    assert reply.content == f"{NO_ANSWER} {NO_ANSWER_HINT}"


async def test_mention_with_chat(dpy_bot: MakeBot, sends: list[dict[str, Any]]) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, "how are you today?"))
    reply = dpytest.get_message()
    assert reply.content == f"{CHAT_ANSWER} {CHAT_HINT}"
    assert "/sources" in reply.content and not reply.embeds
    assert_no_mentions_allowed(sends)


async def test_more_pages_come_with_buttons(
    dpy_bot: MakeBot, settings: Settings, sends: list[dict[str, Any]]
) -> None:
    bot = await dpy_bot(with_top_k(settings, 1), page_timeout_seconds=42)
    await dpytest.message(mention(bot, "What did the mayor do?"))
    reply = dpytest.get_message()
    view = sends[-1]["view"]
    assert isinstance(view, Pager)
    assert len(view.pages) > 1 and view.pages[0].description == reply.embeds[0].description
    assert view.message is not None and view.message.id == reply.id
    assert view.owner_id == dpytest.get_config().members[0].id
    assert view.timeout == 42
    assert (reply.embeds[0].footer.text or "").endswith(f"Page 1 of {len(view.pages)}")
    view.stop()


async def test_prefix_ask_when_enabled(dpy_bot: MakeBot, sends: list[dict[str, Any]]) -> None:
    bot = await dpy_bot(prefix_commands=True)
    assert bot.intents.message_content is True
    await dpytest.message(f"!ask {ASKABLE}")
    reply = dpytest.get_message()
    assert reply.embeds[0].title == ASKABLE
    await dpytest.message("!ask")
    assert (
        dpytest.verify()
        .message()
        .content("Ask me a question about the story, for example: who said what?")
    )
    assert_no_mentions_allowed(sends)


async def test_prefix_and_mention_together_answer_once(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(prefix_commands=True)
    await dpytest.message(f"!ask {mention(bot, ASKABLE)}")
    dpytest.get_message()
    assert dpytest.verify().message().nothing()


async def test_cooldown_per_user(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(cooldown_seconds=60)
    await dpytest.message(mention(bot, ASKABLE), member=0)
    assert dpytest.get_message().embeds
    await dpytest.message(mention(bot, ASKABLE), member=0)
    waiting = dpytest.get_message().content
    assert waiting.startswith("One question at a time, please: you can ask again in ")
    await dpytest.message(mention(bot, ASKABLE), member=1)  # someone else may ask
    assert dpytest.get_message().embeds


async def test_cooldown_notice_once_per_window(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot(cooldown_seconds=60)
    now = [1000.0]
    bot.cooldown = Cooldown(60, clock=lambda: now[0])
    await dpytest.message(mention(bot, ASKABLE), member=0)
    assert dpytest.get_message().embeds
    for _ in range(10):  # a burst of mentions: one notice, then silence
        await dpytest.message(mention(bot, ASKABLE), member=0)
    assert dpytest.get_message().content.startswith("One question at a time, please")
    assert dpytest.verify().message().nothing()
    await dpytest.message("!ask " + ASKABLE, member=0)  # the prefix command is public too
    assert dpytest.verify().message().nothing()
    now[0] += 61  # a new window: answered, and a new burst gets one notice again
    await dpytest.message(mention(bot, ASKABLE), member=0)
    assert dpytest.get_message().embeds
    await dpytest.message(mention(bot, ASKABLE), member=0)
    await dpytest.message(mention(bot, ASKABLE), member=0)
    assert dpytest.get_message().content.startswith("One question at a time, please")
    assert dpytest.verify().message().nothing()


async def test_question_length_cap(dpy_bot: MakeBot, settings: Settings) -> None:
    bot = await dpy_bot(with_question_cap(settings, 40))
    await dpytest.message(mention(bot, "why " * 20))
    assert "please keep it to 40 or fewer" in dpytest.get_message().content


async def test_channel_allow_list_points_elsewhere(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    elsewhere, allowed = dpytest.get_config().channels[:2]
    bot.settings.bot.allowed_channels.append(allowed.id)
    await dpytest.message(mention(bot, ASKABLE), channel=elsewhere)
    pointer = dpytest.get_message().content
    assert pointer == f"I only answer in <#{allowed.id}>. Please ask me there."
    await dpytest.message(mention(bot, ASKABLE), channel=allowed)
    assert dpytest.get_message().embeds


async def test_hostile_question_cannot_ping(dpy_bot: MakeBot, sends: list[dict[str, Any]]) -> None:
    bot = await dpy_bot()
    await dpytest.message(mention(bot, "@everyone <@123> **mayor** pause?"))
    embed = dpytest.get_message().embeds[0]
    assert_cannot_ping(embed.title or "")
    assert_no_mentions_allowed(sends)


async def test_unexpected_error_is_logged_and_the_bot_keeps_serving(
    dpy_bot: MakeBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await dpy_bot()
    real_ask = bot.retriever.ask

    def broken(question: str, top_k: int | None = None, **options: Any) -> Any:
        raise RuntimeError("index on fire")

    monkeypatch.setattr(bot.retriever, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.get_message().content == APOLOGY
    (record,) = [r for r in caplog.records if r.name == "bot"]
    assert record.exc_info and "index on fire" in str(record.exc_info[1])
    assert "Traceback" in caplog.text
    monkeypatch.setattr(bot.retriever, "ask", real_ask)
    await dpytest.message(mention(bot, ASKABLE))
    assert dpytest.get_message().embeds


async def test_prefix_command_errors_go_to_the_same_handler(
    dpy_bot: MakeBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await dpy_bot(prefix_commands=True)

    def broken(question: str, top_k: int | None = None, **options: Any) -> Any:
        raise RuntimeError("index on fire")

    monkeypatch.setattr(bot.retriever, "ask", broken)
    # dpytest re-raises a command's error after discord.py has handled it.
    with caplog.at_level(logging.ERROR, logger="bot"), pytest.raises(commands.CommandInvokeError):
        await dpytest.message(f"!ask {ASKABLE}")
    assert dpytest.get_message().content == APOLOGY
    assert any(r.exc_info for r in caplog.records if r.name == "bot")


async def test_unknown_prefix_command_is_ignored(dpy_bot: MakeBot) -> None:
    await dpy_bot(prefix_commands=True)
    with pytest.raises(commands.CommandNotFound):
        await dpytest.message("!dance")
    assert dpytest.verify().message().nothing()


async def test_other_bots_are_ignored(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    config = dpytest.get_config()
    other = dpytest.backend.make_user("OtherBot", "0042")
    other.bot = True
    member = dpytest.backend.make_member(other, config.guilds[0])
    await dpytest.message(mention(bot, ASKABLE), member=member)
    assert dpytest.verify().message().nothing()


async def test_which_messages_are_addressed_to_the_bot(dpy_bot: MakeBot) -> None:
    bot = await dpy_bot()
    ask = bot.get_cog("Ask")
    assert ask is not None and bot.user is not None
    me = bot.user.id
    in_guild = SimpleNamespace(self_role=SimpleNamespace(mention="<@&55>"))
    cases = [
        (f"<@{me}>   who   resigned?", in_guild, "who resigned?"),
        (f"who resigned, <@!{me}>?", in_guild, "who resigned, ?"),
        ("<@&55> /ask who resigned?", in_guild, "who resigned?"),  # the bot's own role
        ("who resigned?", in_guild, None),
        ("<@123> who resigned?", in_guild, None),
        ("who resigned?", None, "who resigned?"),  # a direct message
    ]
    for content, guild, expected in cases:
        message = SimpleNamespace(content=content, guild=guild)
        assert ask.mentioned_question(message) == expected, content
