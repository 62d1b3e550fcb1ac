"""The Previous/More pager: pages for the asker only, stops after its timeout."""

from __future__ import annotations

import logging

import discord
import pytest

from bot.errors import APOLOGY
from bot.paging import NOT_YOURS, Pager
from tests.bot.helpers import FakeInteraction, FakeMessage


def pages(n: int) -> list[discord.Embed]:
    return [discord.Embed(title="q", description=f"page {k}") for k in range(1, n + 1)]


async def test_one_page_needs_no_buttons() -> None:
    assert Pager.when_needed(pages(1), owner_id=1, timeout=60) is None
    pager = Pager.when_needed(pages(2), owner_id=1, timeout=60)
    assert isinstance(pager, Pager) and pager.timeout == 60


async def test_more_and_previous_turn_the_pages() -> None:
    view = Pager(pages(3), owner_id=1, timeout=60)
    assert view.previous.disabled and not view.more.disabled
    assert [item.label for item in view.children] == ["Previous", "More"]  # type: ignore[attr-defined]
    for expected in ("page 2", "page 3"):
        interaction = FakeInteraction(user_id=1)
        await view.more.callback(interaction)
        edit = interaction.last("edit_message")
        assert edit["embed"].description == expected and edit["view"] is view
        assert not edit["allowed_mentions"].everyone
    assert view.more.disabled and not view.previous.disabled
    interaction = FakeInteraction(user_id=1)
    await view.previous.callback(interaction)
    assert interaction.last("edit_message")["embed"].description == "page 2"


async def test_only_the_asker_can_turn_pages() -> None:
    view = Pager(pages(2), owner_id=1, timeout=60)
    stranger = FakeInteraction(user_id=2)
    assert await view.interaction_check(stranger) is False  # type: ignore[arg-type]
    sent = stranger.last("send_message")
    assert sent["content"] == NOT_YOURS and sent["ephemeral"] is True
    assert await view.interaction_check(FakeInteraction(user_id=1)) is True  # type: ignore[arg-type]


async def test_timeout_removes_the_buttons() -> None:
    view = Pager(pages(2), owner_id=1, timeout=0.01)
    message = FakeMessage()
    view.message = message  # type: ignore[assignment]
    await view.on_timeout()
    (edit,) = message.edits
    assert edit["view"] is None and not edit["allowed_mentions"].users


async def test_timeout_survives_a_deleted_message() -> None:
    class Gone(FakeMessage):
        async def edit(self, **kwargs: object) -> FakeMessage:
            raise discord.NotFound(_Response(), "Unknown Message")

    view = Pager(pages(2), owner_id=1, timeout=0.01)
    view.message = Gone()  # type: ignore[assignment]
    await view.on_timeout()


async def test_a_button_error_is_logged_and_apologised_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    view = Pager(pages(2), owner_id=1, timeout=60)
    interaction = FakeInteraction(user_id=1)
    with caplog.at_level(logging.ERROR, logger="bot"):
        await view.on_error(interaction, RuntimeError("boom"), view.more)  # type: ignore[arg-type]
    assert interaction.last("send_message") == {
        "content": APOLOGY,
        "ephemeral": True,
        "allowed_mentions": interaction.last("send_message")["allowed_mentions"],
    }
    assert caplog.records[-1].exc_info is not None


class _Response:
    status = 404
    reason = "Not Found"
