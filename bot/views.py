"""The components under an answer that anyone may use, and that outlive the bot's process.

**Context** shows the paragraph an excerpt was cut from, with its neighbours, to whoever
presses it, privately: one button for a page with one excerpt, a menu naming each
excerpt for a page with several. Their custom ids carry the passage's stable reference
(``PassageRef``: article id, span, checksum), not a position in the index, and they are
registered as dynamic items, so a button keeps working after a restart, an add or a
remove; one whose article has gone says so. **👍 / 👎** (``bot.feedback``) follow on
every page of a logged answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import partial
from typing import Any, Protocol, cast

import discord

from bot.embeds import context_embed, fit
from bot.errors import report
from bot.feedback import VoteButton, vote_items
from bot.paging import Pager, lasting_view
from bot.replies import NO_MENTIONS, whisper
from retrieval import Context, PassageGone, PassageRef, RenderedResult, clip

log = logging.getLogger(__name__)

CONTEXT_PREFIX = "storybot:context:"
CONTEXT_MENU = "storybot:context-menu"
UNREADABLE = "I can't read that button any more. Ask the question again for a fresh answer."
# Discord's limits on a select menu's options (https://discord.com/developers/docs).
_OPTIONS = 25
_OPTION_LABEL = 100
_OPTION_DESCRIPTION = 100
# A row of buttons holds five; a page with more excerpts gets a menu instead.
_BUTTONS = 5
_ROW = 1  # under the pager's Previous and More
_LINK = re.compile(r"\[(.*?)\]\(<[^>]*>\)")
_ESCAPED = re.compile(r"\\(.)")
_MARKUP = re.compile(r"(?<!\\)[*`]")


class ContextSource(Protocol):
    """What the items need of the bot (``StoryBot``, which registers them)."""

    async def context(self, ref: PassageRef) -> Context: ...


class ContextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=CONTEXT_PREFIX + r"(?P<token>\S{1,80})",
):
    """Shows one excerpt's context to whoever presses it."""

    def __init__(self, token: str, label: str = "Context") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=CONTEXT_PREFIX + token,
                row=_ROW,
            )
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ContextButton:
        return cls(match["token"], getattr(item, "label", None) or "Context")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the excerpt's paragraph with its neighbours, privately."""
        await show_context(interaction, self.token)


class ContextMenu(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=CONTEXT_MENU,
):
    """A menu of the excerpts on a page: the chosen one's context, to whoever chose it."""

    def __init__(self, options: Sequence[discord.SelectOption] = ()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=CONTEXT_MENU,
                placeholder="Context: show an excerpt's paragraph…",
                options=list(options),
                row=_ROW,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ContextMenu:
        return cls(getattr(item, "options", ()))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the chosen excerpt's paragraph with its neighbours, privately."""
        # The values of this interaction, not of a shared item another may be filling.
        data: Any = interaction.data or {}
        values = data.get("values") or [""]
        await show_context(interaction, str(values[0]))


async def show_context(interaction: discord.Interaction[Any], token: str) -> None:
    """Reply privately with the context a token names, or why there is none to show."""
    try:
        ref = PassageRef.parse(token)
        if ref is None:
            await whisper(interaction, UNREADABLE)
            return
        bot = cast(ContextSource, interaction.client)
        try:
            context = await bot.context(ref)
        except PassageGone as gone:
            text = str(gone)
            await whisper(interaction, f"{text[:1].upper()}{text[1:]}, so I can't show it.")
            return
        await interaction.response.send_message(
            embed=context_embed(context), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
    except Exception as error:
        await report(error, "the Context button", partial(whisper, interaction))


def context_items(results: Sequence[RenderedResult]) -> list[discord.ui.Item[Any]]:
    """The Context components for a page's excerpts: buttons, or a menu past a row of them."""
    refs = [(n, r.ref) for n, r in enumerate(results, start=1) if r.ref is not None]
    if not refs:
        return []
    if len(refs) == 1 and len(results) == 1:
        return [ContextButton(refs[0][1].token())]
    if len(refs) <= _BUTTONS:
        return [ContextButton(ref.token(), f"Context {n}") for n, ref in refs]
    options = [
        discord.SelectOption(
            label=fit(f"{n}. {_opening(results[n - 1])}", _OPTION_LABEL),
            description=clip(_plain(result.sources[0]), _OPTION_DESCRIPTION)
            if result.sources
            else None,
            value=ref.token(),
        )
        for n, ref in refs[:_OPTIONS]
        for result in [results[n - 1]]
    ]
    return [ContextMenu(options)]


def _opening(result: RenderedResult) -> str:
    """The excerpt's first words, without the quote's Markdown."""
    lines = (line.removeprefix(">").strip() for line in result.quote.split("\n"))
    return _plain(" ".join(lines))


def _plain(markdown: str) -> str:
    """Rendered text as plain text for a menu, which shows Markdown literally."""
    text = _LINK.sub(r"\1", markdown.removeprefix("— "))
    return _ESCAPED.sub(r"\1", _MARKUP.sub("", text)).strip()


def answer_view(
    layout: Sequence[tuple[discord.Embed, Sequence[RenderedResult]]],
    owner_id: int,
    timeout: float,
    answer_id: str | None = None,
    registry: discord.Client | None = None,
) -> discord.ui.View | None:
    """The components under an answer: the pager when it has pages, each page's Context,
    and 👍 / 👎 on every page when the answer is logged as ``answer_id``.

    ``registry``, the bot, gets the dynamic items back when the pager times out.
    """
    items = [[*context_items(results), *vote_items(answer_id)] for _, results in layout]
    if len(layout) > 1:
        return Pager([embed for embed, _ in layout], owner_id, timeout, items, registry)
    return lasting_view(items[0] if items else [])


DYNAMIC_ITEMS = (ContextButton, ContextMenu, VoteButton)
