"""Sharding: AutoShardedBot by default, `storybot run --shard-ids/--shard-count` and the
config's keys for several processes, which share the index folder and the state database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord.ext import commands

from bot.client import StoryBot
from retrieval.cli import main
from retrieval.errors import ConfigError
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings

MakeBot = Callable[..., Awaitable[StoryBot]]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GsEcRt.not-a-real-token"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "storybot.yaml"
    path.write_text(f"corpus: {corpus}\nindex: {tmp_path / 'index'}\n", encoding="utf-8")
    return path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[StoryBot]:
    """The bots `storybot run` builds; run returns at once, without connecting."""
    bots: list[StoryBot] = []

    def run(self: StoryBot, token: str, **kwargs: Any) -> None:
        bots.append(self)

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "run", run)
    return bots


async def test_the_bot_is_auto_sharded_and_asks_discord_how_many(make_bot: MakeBot) -> None:
    bot = await make_bot()
    assert isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_ids is None and bot.shard_count is None
    assert bot.runs_background_jobs


@pytest.mark.parametrize(
    ("yaml", "argv", "ids", "count"),
    [
        ("", [], None, None),
        ("", ["--shard-count", "4"], None, 4),
        ("", ["--shard-ids", "0,1", "--shard-count", "4"], [0, 1], 4),
        ("", ["--shard-ids", "3", "--shard-count", "4"], [3], 4),
        ("bot: {shard_ids: [2, 3], shard_count: 8}\n", [], [2, 3], 8),
        ("bot: {shard_ids: [2, 3], shard_count: 8}\n", ["--shard-ids", "5"], [5], 8),
        ("bot: {shard_count: 8}\n", ["--shard-ids", "6,7"], [6, 7], 8),
        ("bot: {shard_ids: [1], shard_count: 2}\n", ["--shard-count", "3"], [1], 3),
    ],
)
def test_shard_options_reach_the_client(
    config: Path,
    started: list[StoryBot],
    yaml: str,
    argv: list[str],
    ids: list[int] | None,
    count: int | None,
) -> None:
    with config.open("a", encoding="utf-8") as file:
        file.write(yaml)
    assert main(["run", *argv, "--config", str(config)]) == 0
    (bot,) = started
    assert (bot.shard_ids, bot.shard_count) == (ids, count)
    assert bot.runs_background_jobs == (ids is None or 0 in ids)


@pytest.mark.parametrize(
    ("yaml", "argv", "message"),
    [
        ("", ["--shard-ids", "0,1"], "--shard-ids need --shard-count"),
        ("", ["--shard-ids", "0,4", "--shard-count", "4"], "must be from 0 to 3"),
        ("", ["--shard-ids", "1,2,1", "--shard-count", "4"], "name shard 1 more than once"),
        ("", ["--shard-ids", "-1", "--shard-count", "4"], "must be from 0 to 3"),
        ("", ["--shard-ids", "zero", "--shard-count", "4"], "expected shard numbers separated"),
        ("", ["--shard-ids", "0,", "--shard-count", "4"], "expected shard numbers separated"),
        ("", ["--shard-count", "0"], "expected a whole number of at least 1, got '0'"),
        ("", ["--shard-count", "two"], "expected a whole number of at least 1, got 'two'"),
        (
            "bot: {shard_ids: [2, 3], shard_count: 8}\n",
            ["--shard-count", "2"],
            "bot.shard_ids (from the config) must be from 0 to 1 (--shard-count is 2), got 2, 3",
        ),
        ("bot: {shard_count: 2}\n", ["--shard-ids", "2"], "(bot.shard_count is 2), got 2"),
    ],
)
def test_bad_shard_options_are_a_usage_error(
    config: Path,
    started: list[StoryBot],
    capsys: pytest.CaptureFixture[str],
    yaml: str,
    argv: list[str],
    message: str,
) -> None:
    with config.open("a", encoding="utf-8") as file:
        file.write(yaml)
    with pytest.raises(SystemExit) as stopped:
        main(["run", *argv, "--config", str(config)])
    assert stopped.value.code == 2 and not started
    last = capsys.readouterr().err.rstrip("\n").split("\n")[-1]
    assert last.startswith("storybot run: error: ") and message in last


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("bot: {shard_ids: [0]}", "'bot.shard_ids' need 'bot.shard_count'"),
        ("bot: {shard_ids: [], shard_count: 2}", "'bot.shard_ids' must name at least one"),
        ("bot: {shard_ids: [0, 2], shard_count: 2}", "must be from 0 to 1"),
        ("bot: {shard_ids: [1, 1], shard_count: 2}", "name shard 1 more than once"),
        ("bot: {shard_count: 0}", "'bot.shard_count' must be at least 1, got 0"),
        ("bot: {shard_ids: 0, shard_count: 2}", "'bot.shard_ids' must be a list"),
    ],
)
def test_bad_shard_keys_in_the_config_are_refused(tmp_path: Path, yaml: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_settings(path)


async def test_only_the_process_with_shard_0_syncs_the_commands(
    make_bot: MakeBot, settings: Settings
) -> None:
    first = await make_bot(settings.with_shards([0, 1], 4))
    other = await make_bot(settings.with_shards([2, 3], 4))
    assert first.runs_background_jobs and not other.runs_background_jobs
    first.tree.sync.assert_awaited_once()  # type: ignore[attr-defined]
    other.tree.sync.assert_not_awaited()  # type: ignore[attr-defined]
    assert other.get_cog("Ask") is not None  # it answers all the same


# One bot process of two shards: sets its guild's channel off through /settings, then
# waits for the other process's guild to be set off too.
BOT_PROCESS = textwrap.dedent(
    """
    import asyncio, sys, time
    from unittest.mock import AsyncMock, MagicMock
    import discord
    from bot.client import StoryBot
    from retrieval import Retriever, load_settings
    from tests.bot.helpers import FakeInteraction

    config, shard, mine, theirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

    async def main():
        settings = load_settings(config).with_shards([shard], 2)
        bot = StoryBot(settings, Retriever.from_settings(settings))
        bot.tree.sync = AsyncMock(return_value=[])
        await bot.setup_hook()
        interaction = FakeInteraction(guild_id=mine, channel_id=5)
        interaction.user = MagicMock(spec=discord.Member)
        interaction.user.guild_permissions = discord.Permissions(manage_guild=True)
        cog = bot.get_cog("Channels")
        await cog.mode.callback(cog, interaction, mode="off")
        deadline = time.monotonic() + 60
        while bot.channel_settings(theirs, 5).mode != "off":
            if time.monotonic() > deadline:
                sys.exit("the other process's setting never appeared")
            await asyncio.sleep(0.01)
        print(bot.shard_ids, bot.runs_background_jobs, bot.channel_settings(theirs, 5).stored)
        await bot.close()

    asyncio.run(main())
    """
)


def test_two_bot_processes_share_one_state_file(config: Path, tmp_path: Path) -> None:
    settings = load_settings(config)
    Retriever.from_settings(settings)  # the index, built once before both start
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BOT_PROCESS, str(config), str(shard), str(mine), str(theirs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for shard, mine, theirs in ((0, 111, 222), (1, 222, 111))
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    assert [out.strip() for out, _ in outputs] == ["[0] True True", "[1] False True"]
    assert settings.state_path == tmp_path / "state.sqlite3" and settings.state_path.is_file()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (4011, "Discord requires more shards for this bot (shards 0 of 1)"),
        (4010, "Discord refused the shards (shards 0 of 1)"),
        (4000, "could not connect to Discord: Shard ID 0 WebSocket closed with 4000"),
    ],
)
def test_discord_refusing_the_shards_is_one_line(
    config: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    message: str,
) -> None:
    async def login(self: StoryBot, token: str) -> None:
        return None

    async def connect(self: StoryBot, *, reconnect: bool = True) -> None:
        raise discord.ConnectionClosed(SimpleNamespace(close_code=code), shard_id=0)  # type: ignore[arg-type]

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "login", login)
    monkeypatch.setattr(StoryBot, "connect", connect)
    assert main(["run", "--shard-ids", "0", "--shard-count", "1", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("storybot: error: ") and message in err
