"""Sending helpers: every message goes out with no allowed mentions and within 2000 characters."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

from bot.embeds import fit_content

NO_MENTIONS = discord.AllowedMentions.none()
THREAD_NAME = 100  # Discord's longest thread name

log = logging.getLogger(__name__)


async def whisper(interaction: discord.Interaction[Any], text: str) -> None:
    """Tell only the user who ran the command, even after a public "thinking…" deferral."""
    text = fit_content(text)
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        # The first follow-up would fill the public "thinking…" message; remove it so
        # that the follow-up is a new message that only the user sees.
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def reply_to(message: discord.Message, text: str) -> discord.Message:
    """Answer a message in its channel as a reply that pings no one."""
    return await message.channel.send(
        fit_content(text),
        reference=message.to_reference(fail_if_not_exists=False),
        allowed_mentions=NO_MENTIONS,
    )


def with_view(view: discord.ui.View | None) -> dict[str, Any]:
    """The ``view`` keyword for a send, left out when there is none (webhooks reject None)."""
    return {"view": view} if view is not None else {}


async def start_thread(message: discord.Message, question: str) -> discord.Thread | None:
    """A thread started from the question and named after it, or None where there can't be.

    Only a message in a text channel can start one; when Discord refuses (no permission
    to create threads), the answer goes to the channel instead.
    """
    if not isinstance(message.channel, discord.TextChannel):
        return None
    name = " ".join(question.split())
    if len(name) > THREAD_NAME:
        name = name[: THREAD_NAME - 1].rstrip() + "…"
    try:
        return await message.create_thread(name=name)
    except discord.HTTPException as exc:
        log.warning("Could not start a thread in #%s: %s", message.channel, exc)
        return None
