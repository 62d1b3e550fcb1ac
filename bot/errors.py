"""The one error report: log the unexpected with its traceback, apologise, keep serving."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

log = logging.getLogger("bot")

APOLOGY = "Sorry, something went wrong on my side while answering. Please try again in a moment."


async def report(error: BaseException, where: str, notify: Callable[[str], Awaitable[Any]]) -> None:
    """Log an unexpected error with its traceback and tell the user briefly; never raises."""
    log.error("Unexpected error in %s", where, exc_info=(type(error), error, error.__traceback__))
    try:
        await notify(APOLOGY)
    except discord.HTTPException as exc:
        log.warning("Could not apologise for the error in %s: %s", where, exc)
