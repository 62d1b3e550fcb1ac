"""Bot fixtures: a small corpus in tmp_path, bots driven by dpytest, stand-in interactions.

dpytest 0.7.0 with discord.py 2.7.1 needs four workarounds, all here:
- its fake guild only finds members (authors, mentions) in the member cache, which
  discord.py fills only with the members intent: the test bot's state gets it (the
  bot itself requests no privileged intent; message content is still off);
- its fake connection state doesn't get the event loop (discord.py 2.x sets it in
  Client._async_setup_hook), which typing() needs: that hook runs after configure();
- its fake websocket has no socket, so Client.close() would fail on it: the bot's
  ``ws`` is cleared before closing;
- it refuses sharded clients (``AutoShardedBot``, which StoryBot is), though it drives
  the events of one process the same: its guard is bypassed while configuring (the bot
  runs no shard in tests: dpytest stands in for the gateway).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import discord
import discord.abc
import discord.ext.test as dpytest
import discord.message
import pytest

from bot.client import StoryBot
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings
from tests.bot.helpers import CITY, WIRE, with_bot, write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", {"city.txt": CITY, "wire.txt": WIRE})


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    """The project's config over the small corpus, index in tmp_path, no cooldown."""
    base = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return with_bot(base, cooldown_seconds=0)


async def prepare(bot: StoryBot) -> StoryBot:
    """Load the cogs as setup_hook does, with syncing stubbed out (no network)."""
    bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    await bot.setup_hook()
    return bot


@pytest.fixture
async def make_bot(settings: Settings) -> AsyncIterator[Callable[..., Awaitable[StoryBot]]]:
    """Bots with cogs loaded but no dpytest backend: for slash handlers and views."""
    bots: list[StoryBot] = []

    async def make(custom: Settings | None = None, **bot_fields: Any) -> StoryBot:
        chosen = with_bot(custom or settings, **bot_fields)
        bot = await prepare(StoryBot(chosen, Retriever.from_settings(chosen)))
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.close()


@pytest.fixture
async def dpy_bot(settings: Settings) -> AsyncIterator[Callable[..., Awaitable[StoryBot]]]:
    """Bots wired to dpytest's fake Discord: messages go through real command processing."""
    bots: list[StoryBot] = []

    async def make(custom: Settings | None = None, **bot_fields: Any) -> StoryBot:
        chosen = with_bot(custom or settings, **bot_fields)
        bot = StoryBot(chosen, Retriever.from_settings(chosen))
        # Workaround (see the module docstring): let dpytest's fake guild cache members.
        bot._connection._intents.members = True
        bot._connection.member_cache_flags = discord.MemberCacheFlags.all()
        with pytest.MonkeyPatch.context() as patch:
            # Workaround (see the module docstring): dpytest's guard against sharded clients.
            patch.setattr(discord, "AutoShardedClient", type("NotSharded", (), {}))
            dpytest.configure(bot, text_channels=2, voice_channels=0, members=2)
        # After configure, so that dpytest's fake state gets the running loop too.
        await bot._async_setup_hook()
        await prepare(bot)
        bots.append(bot)
        return bot

    yield make
    await dpytest.empty_queue()
    for bot in bots:
        bot.ws = None  # type: ignore[assignment]  # workaround: dpytest's socket-less websocket
        await bot.close()


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of every message sent or edited through a channel."""
    calls: list[dict[str, Any]] = []
    real = discord.abc.handle_message_parameters

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append({"content": args[0] if args else kwargs.get("content"), **kwargs})
        return real(*args, **kwargs)

    monkeypatch.setattr(discord.abc, "handle_message_parameters", spy)
    monkeypatch.setattr(discord.message, "handle_message_parameters", spy)
    yield calls
