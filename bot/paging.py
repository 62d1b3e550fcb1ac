"""The "Previous" and "More" buttons that page through a reply, for the asker only.

A page may carry components of its own that anyone may use (an answer's Context, in
``bot.views``): they change with the page, and stay when the pager times out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

import discord

from bot.errors import report
from bot.replies import NO_MENTIONS, whisper, with_view

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who asked can turn these pages. Ask your own question with /ask."


class Pager(discord.ui.View):
    """Buttons over pages built in advance; they go away after ``timeout`` seconds."""

    def __init__(
        self,
        pages: Sequence[discord.Embed],
        owner_id: int,
        timeout: float,
        items: Sequence[Sequence[discord.ui.Item[Any]]] = (),
        registry: discord.Client | None = None,
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.page = 0
        # Each page's own components; they are dynamic items, dispatched without the
        # pager, so the asker-only check below does not apply to them.
        self.items = [list(page) for page in items] + [[] for _ in pages[len(items) :]]
        self.registry = registry
        # Set by whoever sends the first page, so that the timeout can remove the buttons.
        self.message: discord.Message | None = None
        self._update_buttons()

    @classmethod
    def when_needed(
        cls, pages: Sequence[discord.Embed], owner_id: int, timeout: float
    ) -> Pager | None:
        """A pager when there is more than one page, else None."""
        return cls(pages, owner_id, timeout) if len(pages) > 1 else None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return False

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Pager]
    ) -> None:
        """Show the page before."""
        await self.show(interaction, self.page - 1)

    @discord.ui.button(label="More", style=discord.ButtonStyle.primary)
    async def more(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Pager]
    ) -> None:
        """Show the next page."""
        await self.show(interaction, self.page + 1)

    async def show(self, interaction: discord.Interaction[Any], page: int) -> None:
        """Turn to a page (clamped to the ones there are)."""
        self.page = max(0, min(page, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(
            embed=self.pages[self.page], view=self, allowed_mentions=NO_MENTIONS
        )
        # A page without an item kind the page before had drops that kind, too.
        self._keep_registered()

    def _keep_registered(self) -> None:
        """Register the pages' dynamic item classes again with the bot.

        discord.py drops a view's dynamic item classes from the registry that every
        message's buttons are dispatched by when the view times out, or when an edit
        leaves one out: without this, the Context and vote buttons of every answer
        would stop working until a restart.
        """
        if self.registry is None:
            return
        kinds = {type(i) for page in self.items for i in page}
        self.registry.add_dynamic_items(
            *(kind for kind in kinds if issubclass(kind, discord.ui.DynamicItem))
        )

    async def on_timeout(self) -> None:
        self._keep_registered()
        if self.message is None:
            return
        try:
            # The page buttons go; the page's own components stay.
            await self.message.edit(
                view=lasting_view(self.items[self.page]), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as exc:
            # The message may be gone; the buttons stop working either way.
            log.debug("Could not remove the page buttons: %s", exc)

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
    ) -> None:
        await report(error, "a page button", partial(whisper, interaction))

    def _update_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.more.disabled = self.page >= len(self.pages) - 1
        for item in list(self.children):
            if item not in (self.previous, self.more):
                self.remove_item(item)
        for item in self.items[self.page]:
            self.add_item(item)


def lasting_view(items: Sequence[discord.ui.Item[Any]]) -> discord.ui.View | None:
    """A view of items that need no state in this process (dynamic items), or None."""
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


async def follow_up_with_pages(
    interaction: discord.Interaction[Any], pages: Sequence[discord.Embed], timeout: float
) -> None:
    """Send the first page after a deferral, with a pager for the user when there are more."""
    view = Pager.when_needed(pages, interaction.user.id, timeout)
    sent = await interaction.followup.send(
        embed=pages[0], wait=True, allowed_mentions=NO_MENTIONS, **with_view(view)
    )
    if view:
        view.message = sent
