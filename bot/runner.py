"""`storybot run`: start the bot with the token from DISCORD_TOKEN; fail in one clear line."""

from __future__ import annotations

import logging
import os
import sys

import aiohttp
import discord

from bot.client import StoryBot, message_content_keys
from retrieval import Settings

TOKEN_ENV = "DISCORD_TOKEN"
# Gateway close codes about sharding (Discord's "Gateway Close Event Codes").
SHARD_REFUSALS = {
    4010: "Discord refused the shards ({shards}): check --shard-ids and --shard-count "
    "(or bot.shard_ids and bot.shard_count)",
    4011: "Discord requires more shards for this bot ({shards}), which is in too many servers "
    "for them (at most 2,500 a shard): raise --shard-count, or leave it and bot.shard_count "
    "unset so that discord.py asks Discord how many",
}


class RedactToken(logging.Filter):
    """Replaces the token wherever it would appear in a log line, traceback included."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "[DISCORD_TOKEN]")
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "[DISCORD_TOKEN]")
        return True


def run_bot(settings: Settings) -> int:
    """Run the bot until it is stopped; the exit code is 0, or 1 with one line on stderr."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        return _fail(
            f"{TOKEN_ENV} is not set: put the bot's token from the Discord developer portal "
            "(your application → Bot → Reset Token) in it"
        )
    _setup_logging(token)
    bot = StoryBot.from_settings(settings)
    try:
        # Logging is set up above; log_handler=None stops discord.py adding its own.
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        return _fail(
            f"Discord rejected the token in {TOKEN_ENV}: copy a fresh one from the developer "
            "portal (your application → Bot → Reset Token)"
        )
    except discord.PrivilegedIntentsRequired:
        keys = ", ".join(message_content_keys(settings))
        return _fail(
            f"Discord refused the message content intent, which the config asks for ({keys}): "
            "enable it in the developer portal (your application → Bot → Message Content "
            "Intent) or change those keys"
        )
    except discord.ConnectionClosed as exc:
        if exc.code in SHARD_REFUSALS:
            return _fail(SHARD_REFUSALS[exc.code].format(shards=bot.shards_text))
        return _fail(f"could not connect to Discord: {exc}")
    except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
        reason = str(exc).replace(token, "[DISCORD_TOKEN]") or type(exc).__name__
        return _fail(f"could not connect to Discord: {reason}")
    return 0


def _fail(message: str) -> int:
    print(f"storybot: error: {message}", file=sys.stderr)
    return 1


def _setup_logging(token: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        discord.utils.setup_logging(level=logging.INFO, root=True)
    for handler in root.handlers:
        handler.addFilter(RedactToken(token))
