"""`storybot run`: the token from DISCORD_TOKEN only, one clear line on failure, never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import discord
import discord.http
import pytest

from bot.client import StoryBot
from bot.runner import RedactToken, run_bot
from retrieval.cli import main
from retrieval.settings import Settings
from tests.bot.helpers import with_bot

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GsEcRt.not-a-real-token-but-secret"


@pytest.fixture(autouse=True)
def _restore_root_handlers() -> Iterator[None]:
    """run_bot adds a redacting filter to the root handlers; take it off again."""
    yield
    for handler in logging.getLogger().handlers:
        for found in [f for f in handler.filters if isinstance(f, RedactToken)]:
            handler.removeFilter(found)


def one_error_line(err: str) -> str:
    assert err.startswith("storybot: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_missing_token(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(settings) == 1
    err = one_error_line(capsys.readouterr().err)
    assert "DISCORD_TOKEN is not set" in err


def test_missing_token_through_the_cli(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert code == 1
    assert "DISCORD_TOKEN is not set" in one_error_line(capsys.readouterr().err)


def test_a_damaged_state_file_stops_the_bot_in_one_line(
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "state.sqlite3"  # where --index puts it: beside the index folder
    state.write_bytes(b"not a database\n" * 100)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "run", pytest.fail)
    code = main(["run", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert code == 1
    line = one_error_line(capsys.readouterr().err)
    assert f"{state}: not a usable state database" in line
    assert state.read_bytes() == b"not a database\n" * 100


def test_blank_token_counts_as_missing(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    assert run_bot(settings) == 1
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


def test_rejected_token(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def reject(self: discord.http.HTTPClient, token: str) -> None:
        # What discord.py raises on HTTP 401 from /users/@me; no network here.
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(discord.http.HTTPClient, "static_login", reject)
    with caplog.at_level(logging.DEBUG):
        assert run_bot(settings) == 1
    out, err = capsys.readouterr()
    assert "Discord rejected the token in DISCORD_TOKEN" in one_error_line(err)
    assert TOKEN not in out + err + caplog.text


def test_privileged_intent_not_enabled(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def login(self: StoryBot, token: str) -> None:
        logging.getLogger("discord.client").info("logging in using static token %s", token)

    async def connect(self: StoryBot, *, reconnect: bool = True) -> None:
        raise discord.PrivilegedIntentsRequired(shard_id=None)

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "login", login)
    monkeypatch.setattr(StoryBot, "connect", connect)
    settings = with_bot(settings, prefix_commands=True, default_mode="questions")
    with caplog.at_level(logging.DEBUG):
        assert run_bot(settings) == 1
    out, err = capsys.readouterr()
    line = one_error_line(err)
    assert "message content intent" in line
    assert "(bot.prefix_commands: true, bot.default_mode: questions)" in line
    # Even a careless log line doesn't show the token: the filter redacts it.
    assert TOKEN not in out + err + caplog.text
    assert "[DISCORD_TOKEN]" in caplog.text


def test_network_failure(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def login(self: StoryBot, token: str) -> None:
        raise aiohttp.ClientConnectionError(f"cannot reach discord.com with {token}")

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "login", login)
    assert run_bot(settings) == 1
    err = one_error_line(capsys.readouterr().err)
    assert "could not connect to Discord" in err and TOKEN not in err


def test_clean_stop_exits_zero(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing(self: StoryBot, *args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr(StoryBot, "login", nothing)
    monkeypatch.setattr(StoryBot, "connect", nothing)
    assert run_bot(settings) == 0


def test_redact_filter_covers_messages_and_tracebacks() -> None:
    try:
        raise RuntimeError(f"bad {TOKEN}")
    except RuntimeError as exc:
        error = exc
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "token=%s", (TOKEN,), (RuntimeError, error, None)
    )
    assert RedactToken(TOKEN).filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and text.count("[DISCORD_TOKEN]") == 2
