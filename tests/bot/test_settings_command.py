"""/settings with a stand-in interaction: who may use it, view, mode, threads, reset; /ask off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands

from bot.client import StoryBot
from retrieval import ChannelSettings
from tests.bot.helpers import ASKABLE, FakeInteraction

MakeBot = Callable[..., Awaitable[StoryBot]]
GUILD, CHANNEL = 9001, 2001


def member(manage: bool) -> Any:
    user = MagicMock(spec=discord.Member)
    user.id = 42
    user.guild_permissions = discord.Permissions(manage_guild=manage)
    return user


async def run(
    bot: StoryBot, name: str, manage: bool = True, parent_id: int | None = None, **options: Any
) -> FakeInteraction:
    interaction = FakeInteraction(guild_id=GUILD, channel_id=CHANNEL, parent_id=parent_id)
    interaction.user = member(manage)
    cog: Any = bot.get_cog("Channels")
    await getattr(cog, name).callback(cog, interaction, **options)
    return interaction


def whispered(interaction: FakeInteraction) -> str:
    (sent,) = interaction.sends()
    assert sent["ephemeral"] is True
    text: str = sent["content"]
    return text


async def test_the_group_needs_manage_server_and_a_server(make_bot: MakeBot) -> None:
    bot = await make_bot()
    group = bot.tree.get_command("settings")
    assert isinstance(group, app_commands.Group)
    assert group.default_permissions == discord.Permissions(manage_guild=True)
    assert group.guild_only
    assert {c.name for c in group.commands} == {"view", "mode", "threads", "reset"}
    assert all(c.description for c in group.commands)
    mode = group.get_command("mode")
    assert isinstance(mode, app_commands.Command)
    (choice,) = mode.parameters
    assert [c.value for c in choice.choices] == ["mention", "questions", "off"]


@pytest.mark.parametrize(
    ("name", "options"),
    [("view", {}), ("mode", {"mode": "off"}), ("threads", {"enabled": True}), ("reset", {})],
)
async def test_members_without_manage_server_are_refused(
    make_bot: MakeBot, name: str, options: dict[str, Any]
) -> None:
    bot = await make_bot()
    bot.channels.set(GUILD, CHANNEL, mode="questions")
    interaction = await run(bot, name, manage=False, **options)
    assert "Manage Server" in whispered(interaction)
    assert bot.channels.get(GUILD, CHANNEL) == ChannelSettings("questions", False, stored=True)


async def test_view_shows_the_defaults_then_what_is_set(make_bot: MakeBot) -> None:
    bot = await make_bot(default_mode="mention")
    text = whispered(await run(bot, "view"))
    assert text.startswith(f"<#{CHANNEL}>: mode `mention`") and "config's defaults" in text
    bot.channels.set(GUILD, 555, mode="off")
    text = whispered(await run(bot, "view"))
    assert "Other channels with their own settings: <#555>: `off`" in text


async def test_mode_is_set_and_kept(make_bot: MakeBot) -> None:
    bot = await make_bot()
    text = whispered(await run(bot, "mode", mode="off"))
    assert text.startswith(f"<#{CHANNEL}>: mode `off`: I answer nothing here")
    assert bot.channels.get(GUILD, CHANNEL) == ChannelSettings("off", False, stored=True)


async def test_in_a_thread_the_channel_is_set(make_bot: MakeBot) -> None:
    bot = await make_bot()
    await run(bot, "mode", parent_id=777, mode="off")
    assert bot.channels.get(GUILD, 777).mode == "off"
    assert bot.channels.get(GUILD, CHANNEL).stored is False


async def test_questions_mode_is_refused_without_the_intent(make_bot: MakeBot) -> None:
    bot = await make_bot()
    assert "Message Content Intent" in whispered(await run(bot, "mode", mode="questions"))
    assert bot.channels.get(GUILD, CHANNEL).stored is False
    able = await make_bot(message_content=True)
    await run(able, "mode", mode="questions")
    assert able.channels.get(GUILD, CHANNEL).mode == "questions"


async def test_threads_on_and_off(make_bot: MakeBot) -> None:
    bot = await make_bot()
    assert "in a thread started from the question" in whispered(
        await run(bot, "threads", enabled=True)
    )
    assert bot.channels.get(GUILD, CHANNEL).threads is True
    await run(bot, "threads", enabled=False)
    assert bot.channels.get(GUILD, CHANNEL).threads is False


async def test_reset_goes_back_to_the_config(make_bot: MakeBot) -> None:
    bot = await make_bot(threads=True)
    bot.channels.set(GUILD, CHANNEL, mode="off", threads=False)
    text = whispered(await run(bot, "reset"))
    assert text.startswith("Reset to the defaults.") and "mode `mention`" in text
    assert bot.channels.get(GUILD, CHANNEL) == ChannelSettings("mention", True)
    assert whispered(await run(bot, "reset")).startswith("Nothing was set here.")


async def test_ask_in_an_off_channel_is_refused_privately(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await make_bot()
    bot.channels.set(GUILD, CHANNEL, mode="off")
    monkeypatch.setattr(bot.retriever, "ask", pytest.fail)
    interaction = FakeInteraction(guild_id=GUILD, channel_id=CHANNEL)
    cog: Any = bot.get_cog("Ask")
    await cog.ask.callback(cog, interaction, question=ASKABLE)
    text = whispered(interaction)
    assert "mode `off`" in text and "/settings mode" in text
    # In a thread of that channel too.
    thread = FakeInteraction(guild_id=GUILD, channel_id=4242, parent_id=CHANNEL)
    await cog.ask.callback(cog, thread, question=ASKABLE)
    assert "mode `off`" in whispered(thread)


@pytest.mark.parametrize(
    ("cog_name", "command", "kwargs"),
    [
        ("Sources", "sources", {}),
        ("Quotes", "quotes", {"speaker": "Kelly"}),
        ("Latest", "latest", {"since": None}),
        ("Timeline", "timeline", {}),
    ],
)
async def test_other_commands_are_refused_in_an_off_channel(
    make_bot: MakeBot, cog_name: str, command: str, kwargs: dict[str, Any]
) -> None:
    bot = await make_bot()
    bot.channels.set(GUILD, CHANNEL, mode="off")
    cog: Any = bot.get_cog(cog_name)
    handler = getattr(cog, command)
    interaction = FakeInteraction(guild_id=GUILD, channel_id=CHANNEL)
    await handler.callback(cog, interaction, **kwargs)
    assert interaction.names == ["send_message"]
    assert "mode `off`" in whispered(interaction)
    bot.channels.set(GUILD, CHANNEL, mode="mention")
    answered = FakeInteraction(guild_id=GUILD, channel_id=CHANNEL)
    await handler.callback(cog, answered, **kwargs)
    assert "mode `off`" not in str(answered.calls)
