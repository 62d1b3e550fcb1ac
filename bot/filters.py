"""The since, until and source options of /ask, /latest, /timeline and /quotes."""

from __future__ import annotations

from typing import Any

import discord

from bot.replies import whisper
from retrieval import Filters, StorybotError, escape

# What each option's description says in Discord's command picker (at most 100 characters).
FILTER_HELP = {
    "since": "only articles published on or after this date (YYYY-MM-DD) or this long ago (3d, 2w)",
    "until": "only articles published on or before this date (YYYY-MM-DD) or this long ago",
    "source": "only articles whose outlet, label, title or web host contains this text",
}
# Longer than any date, duration, outlet or host a member would type.
MAX_DATE_CHARS = 40
MAX_SOURCE_CHARS = 200


async def read_filters(
    interaction: discord.Interaction[Any],
    since: str | None,
    until: str | None,
    source: str | None,
) -> Filters | None:
    """The filters the options give; None after telling the member privately what's wrong."""
    try:
        return Filters.parse(since, until, source)
    except StorybotError as error:
        await whisper(interaction, escape(str(error)))
        return None


def matching(filters: Filters) -> str:
    """' matching the filters (…)' to put after "the articles", or "" without filters."""
    return f" matching the filters ({escape(filters.describe())})" if filters else ""
