"""Test helpers: a small corpus, settings tweaks, stand-in interactions, limit checks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import discord

from bot import embeds as limits
from retrieval.settings import Settings

CITY = """---
title: Mayor refuses to step aside
source: Example Times
url: https://example.com/news/mayor
published: 2013-11-06
---
Deputy Mayor Norm Kelly said he asked the mayor to take a pause, but the mayor refused.

Councillor Frances Nunziata said the mayor's allies are urging him to take a leave of absence.

The council will vote next week on a motion to limit the mayor's powers.
"""

WIRE = """Protesters gathered outside City Hall on Wednesday, chanting for the mayor to resign.

Police said they have a copy of the video, which has not been released.

The mayor blew a kiss to reporters as he gave a tour of his office to school children.
"""

ASKABLE = "Who asked the mayor to take a pause?"
UNANSWERABLE = "What is the capital of France?"


def write_corpus(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def with_bot(settings: Settings, **fields: Any) -> Settings:
    """Settings with some bot.* values replaced."""
    return dataclasses.replace(settings, bot=dataclasses.replace(settings.bot, **fields))


def with_question_cap(settings: Settings, max_chars: int) -> Settings:
    """Settings with retrieval.max_question_chars replaced."""
    retrieval = dataclasses.replace(settings.retrieval, max_question_chars=max_chars)
    return dataclasses.replace(settings, retrieval=retrieval)


def with_top_k(settings: Settings, top_k: int) -> Settings:
    return dataclasses.replace(
        settings, retrieval=dataclasses.replace(settings.retrieval, top_k=top_k)
    )


def assert_within_limits(embeds: Iterable[discord.Embed], content: str | None = None) -> None:
    """Every Discord limit on one message holds."""
    embeds = list(embeds)
    assert len(embeds) <= limits.EMBEDS
    assert content is None or len(content) <= limits.CONTENT
    for embed in embeds:
        assert len(embed.title or "") <= limits.TITLE
        assert len(embed.description or "") <= limits.DESCRIPTION
        assert len(embed.fields) <= limits.FIELDS
        for field in embed.fields:
            assert len(field.name or "") <= limits.FIELD_NAME
            assert len(field.value or "") <= limits.FIELD_VALUE
        assert len(embed.footer.text or "") <= limits.FOOTER
        assert len(embed.author.name or "") <= limits.AUTHOR
    assert sum(len(e) for e in embeds) <= limits.TOTAL


_PING = re.compile(r"@[*_~|]*(everyone|here)|<@[!&]?\d+>")
# "<" that isn't escaped and doesn't open one of our own <https://…> links.
_RAW_ANGLE = re.compile(r"(?<!\\)<(?!https?://)")


def assert_cannot_ping(text: str) -> None:
    """No mention survives in the text, escaped or not, and no raw markup from articles."""
    assert not _PING.search(text), text
    assert not _RAW_ANGLE.search(text), text


def embed_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


# Stand-ins for discord.Interaction: dpytest can't simulate interactions.


class FakeMessage:
    """A sent message that records its edits."""

    def __init__(self) -> None:
        self.edits: list[dict[str, Any]] = []

    async def edit(self, **kwargs: Any) -> FakeMessage:
        self.edits.append(kwargs)
        return self


class FakeResponse:
    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls
        self.type: discord.InteractionResponseType | None = None

    def is_done(self) -> bool:
        return self.type is not None

    def _respond(self, kind: discord.InteractionResponseType) -> None:
        if self.type is not None:
            raise discord.InteractionResponded(None)  # type: ignore[arg-type]
        self.type = kind

    async def defer(self, **kwargs: Any) -> None:
        self._respond(discord.InteractionResponseType.deferred_channel_message)
        self.calls.append(("defer", kwargs))

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        self._respond(discord.InteractionResponseType.channel_message)
        self.calls.append(("send_message", {"content": content, **kwargs}))

    async def edit_message(self, **kwargs: Any) -> None:
        self._respond(discord.InteractionResponseType.message_update)
        self.calls.append(("edit_message", kwargs))

    async def send_modal(self, modal: discord.ui.Modal) -> None:
        self._respond(discord.InteractionResponseType.modal)
        self.calls.append(("send_modal", {"modal": modal}))


class FakeFollowup:
    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls
        self.messages: list[FakeMessage] = []

    async def send(self, content: str | None = None, **kwargs: Any) -> FakeMessage:
        self.calls.append(("followup.send", {"content": content, **kwargs}))
        self.messages.append(FakeMessage())
        return self.messages[-1]


class FakeUser:
    def __init__(self, user_id: int) -> None:
        self.id = user_id
        self.mention = f"<@{user_id}>"


class FakeChannel:
    def __init__(self, channel_id: int, parent_id: int | None = None) -> None:
        self.id = channel_id
        self.parent_id = parent_id


class FakeInteraction:
    """Records response.defer/send_message/edit_message, followup.send and the rest."""

    def __init__(
        self,
        user_id: int = 1001,
        channel_id: int = 2001,
        parent_id: int | None = None,
        guild_id: int | None = None,
    ):
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.user: Any = FakeUser(user_id)
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.channel = FakeChannel(channel_id, parent_id)
        self.command = None
        self.response = FakeResponse(self.calls)
        self.followup = FakeFollowup(self.calls)
        self.original = FakeMessage()

    async def delete_original_response(self) -> None:
        self.calls.append(("delete_original_response", {}))

    async def original_response(self) -> FakeMessage:
        return self.original

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def last(self, name: str) -> dict[str, Any]:
        return [kwargs for called, kwargs in self.calls if called == name][-1]

    def sends(self) -> list[dict[str, Any]]:
        return [k for n, k in self.calls if n in ("send_message", "followup.send", "edit_message")]
