"""Sending helpers: every message goes out with no allowed mentions and within 2000 characters."""

from __future__ import annotations

import contextlib
from typing import Any

import discord

from bot.embeds import fit_content

NO_MENTIONS = discord.AllowedMentions.none()


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
