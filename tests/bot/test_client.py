"""Building the bot: settings, intents, index loaded, slash commands synced at setup."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from unittest.mock import AsyncMock

import discord
import pytest

from bot import StoryBot, create_bot
from retrieval.errors import ConfigError
from retrieval.settings import Settings, load_settings
from tests.bot.helpers import ASKABLE

MakeBot = Callable[..., Awaitable[StoryBot]]


def test_create_bot_loads_the_index_without_connecting(tmp_path: Path, corpus: Path) -> None:
    config = tmp_path / "storybot.yaml"
    config.write_text(f"corpus: {corpus}\nindex: {tmp_path / 'index'}\n", encoding="utf-8")
    bot = create_bot(config)
    assert isinstance(bot, StoryBot)
    assert bot.settings.corpus == corpus.resolve()
    assert (tmp_path / "index").is_dir()  # built now, not on the first question
    assert bot.retriever.ask(ASKABLE).found
    assert bot.user is None and not bot.is_ready()


def test_create_bot_paths_override_the_config(tmp_path: Path, corpus: Path) -> None:
    bot = create_bot(corpus_dir=corpus, index_dir=tmp_path / "elsewhere")
    assert bot.settings.corpus == corpus.resolve()
    assert bot.settings.index == (tmp_path / "elsewhere").resolve()


def test_intents_ask_for_message_content_only_with_prefix_commands(
    settings: Settings,
) -> None:
    from retrieval.retriever import Retriever
    from tests.bot.helpers import with_bot

    retriever = Retriever.from_settings(settings)
    plain = StoryBot(settings, retriever)
    assert not plain.intents.message_content
    assert not plain.intents.members and not plain.intents.presences
    assert plain.intents.guild_messages and plain.intents.dm_messages
    prefixed = StoryBot(with_bot(settings, prefix_commands=True), retriever)
    assert prefixed.intents.message_content and prefixed.command_prefix == "!"
    assert plain.allowed_mentions is not None and not plain.allowed_mentions.everyone


async def test_setup_syncs_globally(make_bot: MakeBot) -> None:
    bot = await make_bot()
    sync = bot.tree.sync
    assert isinstance(sync, AsyncMock)
    sync.assert_awaited_once_with(guild=None)


async def test_setup_syncs_to_the_test_guild(make_bot: MakeBot) -> None:
    bot = await make_bot(test_guild=1234)
    sync = bot.tree.sync
    assert isinstance(sync, AsyncMock)
    (call,) = sync.await_args_list
    assert call.kwargs["guild"].id == 1234
    names = {c.name for c in bot.tree.get_commands(guild=discord.Object(id=1234))}
    assert names == {
        "ask",
        "sources",
        "quotes",
        "latest",
        "timeline",
        "help",
        "add",
        "settings",
        "stats",
        "follow",
        "unfollow",
        "feeds",
    }


async def test_a_failed_sync_is_logged_and_not_fatal(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from retrieval.retriever import Retriever

    bot = StoryBot(settings, Retriever.from_settings(settings))

    class Response:
        status = 403
        reason = "Forbidden"

    bot.tree.sync = AsyncMock(side_effect=discord.Forbidden(Response(), "Missing Access"))  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        await bot.setup_hook()
    assert "Could not sync the slash commands globally" in caplog.text
    assert "applications.commands" in caplog.text
    assert bot.get_cog("Ask") is not None
    await bot.close()


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("bot: {pages: 0}", "'bot.pages' must be at least 1 and at most 10, got 0"),
        (
            "bot: {page_timeout_seconds: 900}",
            "'bot.page_timeout_seconds' must be greater than 0 and at most 840, got 900",
        ),
    ],
)
def test_bot_settings_are_validated(tmp_path: Path, yaml: str, message: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(yaml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_project_config_has_every_bot_setting() -> None:
    settings = load_settings()
    assert settings.bot.pages == 3 and settings.bot.page_timeout_seconds == 180
