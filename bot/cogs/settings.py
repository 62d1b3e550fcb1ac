"""/settings: members with Manage Server set how the bot treats a channel.

A channel's mode and threads flag are kept in the state database, shared by every bot
process on the machine; a thread follows its channel.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import whisper
from retrieval import ChannelMode, ChannelSettings

if TYPE_CHECKING:
    from bot.client import StoryBot

NOT_ALLOWED = "Only members with the Manage Server permission can change my settings."
NO_CHANNEL = "Use /settings in a server's channel."
NEEDS_CONTENT = (
    "Questions mode needs to read messages that don't mention me, and I don't ask Discord "
    "for that: the bot's owner must enable the Message Content Intent in the developer "
    "portal and set `bot.message_content: true` in the config. Nothing changed."
)
MODES = {
    "mention": "I answer `/ask` and messages that mention me",
    "questions": "I answer every message that is a question, and `/ask` and mentions",
    "off": "I answer nothing here",
}


class Channels(commands.Cog):
    """Per-channel settings: the mode, and whether answers go to threads."""

    group = app_commands.Group(
        name="settings",
        description="How I behave in this channel (Manage Server)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @group.command(name="view", description="Show this channel's settings")
    async def view(self, interaction: discord.Interaction[StoryBot]) -> None:
        """Show the mode and threads setting of this channel, and which channels have their own."""
        place = await self.place(interaction)
        if place is None:
            return
        guild_id, channel_id = place
        current = self.bot.channels.get(guild_id, channel_id)
        others = [
            f"<#{channel}>: `{settings.mode}`{', threads' if settings.threads else ''}"
            for channel, settings in self.bot.channels.channels(guild_id).items()
            if channel != channel_id
        ]
        lines = [describe(channel_id, current)]
        if others:
            lines += ["Other channels with their own settings: " + "; ".join(others[:20])]
        await whisper(interaction, "\n".join(lines))

    @group.command(name="mode", description="Set how I answer in this channel")
    @app_commands.describe(
        mode="mention: /ask and mentions; questions: every question; off: nothing"
    )
    async def mode(self, interaction: discord.Interaction[StoryBot], mode: ChannelMode) -> None:
        """Set this channel's mode: mention, questions or off."""
        place = await self.place(interaction)
        if place is None:
            return
        if mode == "questions" and not self.bot.reads_messages:
            await whisper(interaction, NEEDS_CONTENT)
            return
        changed = await asyncio.to_thread(self.bot.channels.set, *place, mode=mode)
        await whisper(interaction, describe(place[1], changed))

    @group.command(name="threads", description="Answer in a thread started from each question")
    @app_commands.describe(enabled="True: answers go to a thread; false: in the channel")
    async def threads(self, interaction: discord.Interaction[StoryBot], enabled: bool) -> None:
        """Turn answering in threads on or off for this channel."""
        place = await self.place(interaction)
        if place is None:
            return
        changed = await asyncio.to_thread(self.bot.channels.set, *place, threads=enabled)
        await whisper(interaction, describe(place[1], changed))

    @group.command(name="reset", description="Back to the config's defaults in this channel")
    async def reset(self, interaction: discord.Interaction[StoryBot]) -> None:
        """Forget this channel's settings: the config's defaults apply again."""
        place = await self.place(interaction)
        if place is None:
            return
        had = await asyncio.to_thread(self.bot.channels.reset, *place)
        current = self.bot.channels.get(*place)
        prefix = "Reset to the defaults. " if had else "Nothing was set here. "
        await whisper(interaction, prefix + describe(place[1], current))

    async def place(self, interaction: discord.Interaction[StoryBot]) -> tuple[int, int] | None:
        """The guild and channel to set (a thread's parent), after the permission check."""
        user = interaction.user
        if not (isinstance(user, discord.Member) and user.guild_permissions.manage_guild):
            await whisper(interaction, NOT_ALLOWED)
            return None
        guild_id = interaction.guild_id
        channel_id = getattr(interaction.channel, "parent_id", None) or interaction.channel_id
        if guild_id is None or channel_id is None:
            await whisper(interaction, NO_CHANNEL)
            return None
        return guild_id, channel_id


def describe(channel_id: int, settings: ChannelSettings) -> str:
    """One line on a channel's settings, saying which are the config's defaults."""
    where = "in the channel" if not settings.threads else "in a thread started from the question"
    source = "" if settings.stored else " (the config's defaults)"
    return (
        f"<#{channel_id}>: mode `{settings.mode}`: {MODES[settings.mode]}; "
        f"answers go {where}{source}."
    )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Channels(bot))
