"""The one error handler: log the unexpected with its traceback, apologise, keep serving."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.replies import whisper

if TYPE_CHECKING:
    from bot.client import StoryBot

log = logging.getLogger("bot")

APOLOGY = "Sorry, something went wrong on my side while answering. Please try again in a moment."


async def report(error: BaseException, where: str, notify: Callable[[str], Awaitable[Any]]) -> None:
    """Log an unexpected error with its traceback and tell the user briefly; never raises."""
    log.error("Unexpected error in %s", where, exc_info=(type(error), error, error.__traceback__))
    try:
        await notify(APOLOGY)
    except discord.HTTPException as exc:
        log.warning("Could not apologise for the error in %s: %s", where, exc)


class StoryTree(app_commands.CommandTree["StoryBot"]):
    """The slash-command tree, whose errors go to the one handler."""

    async def on_error(
        self, interaction: discord.Interaction[StoryBot], error: app_commands.AppCommandError
    ) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "a command"
        await report(original, f"/{name}", partial(whisper, interaction))
