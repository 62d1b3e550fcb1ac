"""The Context button under answers: the excerpt's paragraph and its neighbours, privately,
from a custom id that outlives the process and the index positions."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest

from bot.client import StoryBot
from bot.embeds import DESCRIPTION, context_embed
from bot.errors import APOLOGY
from bot.paging import Pager
from bot.views import CONTEXT_PREFIX, UNREADABLE, ContextButton, ContextMenu, context_items
from retrieval import Context, PassageRef, RenderedResult, Source, escape
from retrieval.settings import Settings
from tests.bot.helpers import ASKABLE, FakeInteraction, assert_within_limits, with_top_k

MakeBot = Callable[..., Awaitable[StoryBot]]
KELLY = "Deputy Mayor Norm Kelly said he asked the mayor to take a pause, but the mayor refused."
NUNZIATA = (
    "Councillor Frances Nunziata said the mayor's allies are urging him to take a leave of absence."
)


def cog(bot: StoryBot, name: str) -> Any:
    found = bot.get_cog(name)
    assert found is not None
    return found


async def ask(bot: StoryBot, question: str = ASKABLE, user_id: int = 1001) -> dict[str, Any]:
    interaction = FakeInteraction(user_id=user_id)
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=question)
    return interaction.last("followup.send")


def buttons(view: discord.ui.View) -> list[ContextButton]:
    return [item for item in view.children if isinstance(item, ContextButton)]


def pressed_by(bot: StoryBot, user_id: int = 555, **data: Any) -> FakeInteraction:
    interaction = FakeInteraction(user_id=user_id)
    interaction.client = bot  # type: ignore[attr-defined]
    interaction.data = data  # type: ignore[attr-defined]
    return interaction


async def test_every_excerpt_of_an_answer_has_its_context_button(
    make_bot: MakeBot, settings: Settings
) -> None:
    # Excerpts of a sentence or so: the article's short paragraphs are shown apart.
    short = dataclasses.replace(settings.excerpts, target_chars=100, max_chars=120)
    bot = await make_bot(dataclasses.replace(settings, excerpts=short))
    posted = await ask(bot)
    expected = [r.ref for r in bot.retriever.ask(ASKABLE).results]
    found = buttons(posted["view"])
    assert len(expected) > 1
    assert [b.item.label for b in found] == [f"Context {n}" for n in range(1, len(expected) + 1)]
    assert [PassageRef.parse(b.token) for b in found] == expected
    assert all(b.custom_id == CONTEXT_PREFIX + b.token for b in found)
    assert all(len(b.custom_id) <= 100 for b in found)


async def test_context_shows_the_paragraph_and_its_neighbours_privately_to_anyone(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    first = buttons((await ask(bot, user_id=1))["view"])[0]
    interaction = pressed_by(bot, user_id=2)  # not the asker: anyone may look
    await first.callback(interaction)  # type: ignore[arg-type]
    sent = interaction.last("send_message")
    assert sent["ephemeral"] is True and not sent["allowed_mentions"].everyone
    embed = sent["embed"]
    assert embed.title == "Context"
    assert embed.description == "\n\n".join(
        [
            f"> {escape(KELLY)}",
            escape(NUNZIATA),
            "…",
            "— Example Times · [Mayor refuses to step aside](<https://example.com/news/mayor>)"
            " · 2013-11-06 · `city`",
        ]
    )


async def test_the_button_works_in_a_new_process_after_adds(
    make_bot: MakeBot, settings: Settings
) -> None:
    old = buttons((await ask(await make_bot()))["view"])[0]
    restarted = await make_bot()
    restarted.retriever.add([_article("zeta", "Snow fell on the quay.\n\nThe lamp was lit.")])
    # What the restarted bot registered answers the old button, as Discord sends its id.
    store = restarted._connection._view_store
    (factory,) = [f for p, f in store._dynamic_items.items() if p.fullmatch(old.custom_id)]
    interaction = pressed_by(restarted)
    match = ContextButton.__discord_ui_compiled_template__.fullmatch(old.custom_id)
    item = await factory.from_custom_id(interaction, old.item, match)  # type: ignore[arg-type]
    await item.callback(interaction)  # type: ignore[arg-type]
    assert f"> {escape(KELLY)}" in interaction.last("send_message")["embed"].description


async def test_a_removed_article_is_said_to_be_removed(make_bot: MakeBot) -> None:
    bot = await make_bot()
    first = buttons((await ask(bot))["view"])[0]
    bot.retriever.remove("city")
    interaction = pressed_by(bot)
    await first.callback(interaction)  # type: ignore[arg-type]
    sent = interaction.last("send_message")
    assert sent["content"] == "That article was removed from the corpus, so I can't show it."
    assert sent["ephemeral"] is True and "embed" not in sent


@pytest.mark.parametrize("token", ["garbage", "1:2:0123abcd:../../etc", "9:1:0123abcd:city"])
async def test_a_forged_button_gets_a_short_private_reply(make_bot: MakeBot, token: str) -> None:
    bot = await make_bot()
    interaction = pressed_by(bot)
    await ContextButton(token).callback(interaction)  # type: ignore[arg-type]
    assert interaction.last("send_message") == {
        "content": UNREADABLE,
        "ephemeral": True,
        "allowed_mentions": interaction.last("send_message")["allowed_mentions"],
    }


async def test_an_unexpected_error_is_logged_and_apologised_for(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await make_bot()
    first = buttons((await ask(bot))["view"])[0]

    async def broken(ref: PassageRef) -> Context:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot, "context", broken)
    interaction = pressed_by(bot)
    with caplog.at_level(logging.ERROR, logger="bot"):
        await first.callback(interaction)  # type: ignore[arg-type]
    assert interaction.last("send_message")["content"] == APOLOGY
    assert caplog.records[-1].exc_info is not None


async def test_each_page_carries_its_own_buttons_and_they_outlast_the_pager(
    make_bot: MakeBot, settings: Settings
) -> None:
    bot = await make_bot(with_top_k(settings, 1))
    view = (await ask(bot, question="What did the mayor do?", user_id=7))["view"]
    assert isinstance(view, Pager)
    first = [b.token for b in buttons(view)]
    await view.more.callback(FakeInteraction(user_id=7))  # type: ignore[arg-type]
    second = [b.token for b in buttons(view)]
    assert len(first) == len(second) == 1 and first != second
    assert [b.item.label for b in buttons(view)] == ["Context"]
    await view.on_timeout()
    assert view.message is not None
    (edit,) = view.message.edits  # type: ignore[attr-defined]
    lasting = edit["view"]
    assert lasting.timeout is None
    assert [b.token for b in buttons(lasting)] == second
    assert len(lasting.children) == 3  # Context, 👍 and 👎
    view.stop()


def rendered(n: int, ref: PassageRef | None) -> RenderedResult:
    return RenderedResult(
        f"> Excerpt **number** {n} about the \\*mayor\\*", (f"— Outlet {n} · *Title {n}*",), ref
    )


async def test_a_page_of_many_excerpts_gets_one_menu_naming_each(make_bot: MakeBot) -> None:
    bot = await make_bot()
    refs = [r.ref for r in bot.retriever.ask(ASKABLE, top_k=6).results]
    refs = (refs * 6)[:6]
    (menu,) = context_items([rendered(n, ref) for n, ref in enumerate(refs, start=1)])
    assert isinstance(menu, ContextMenu)
    options = menu.item.options
    assert [o.label for o in options][:2] == [
        "1. Excerpt number 1 about the *mayor*",
        "2. Excerpt number 2 about the *mayor*",
    ]
    assert options[0].description == "Outlet 1 · Title 1"
    assert [PassageRef.parse(o.value) for o in options] == refs
    interaction = pressed_by(bot, values=[options[0].value])
    await menu.callback(interaction)  # type: ignore[arg-type]
    assert interaction.last("send_message")["embed"].title == "Context"


def test_excerpts_without_a_reference_get_no_button() -> None:
    assert context_items([rendered(1, None)]) == []
    ref = PassageRef("city", 0, 10, "0" * 8)
    (only,) = context_items([rendered(1, None), rendered(2, ref)])
    assert isinstance(only, ContextButton) and only.item.label == "Context 2"


def _long(words: int, mark: str) -> str:
    return " ".join(f"{mark}{n}*_" for n in range(words))


@pytest.mark.parametrize("where", [0.0, 0.5, 0.98])
@pytest.mark.parametrize("size", [50, 3000])
def test_the_context_fits_one_embed_however_long_its_paragraphs(where: float, size: int) -> None:
    paragraph = _long(size, "w")
    at = int(len(paragraph) * where)
    at = paragraph.rfind(" ", 0, at) + 1
    passage = paragraph[at : at + 300]
    context = Context(
        source=Source("huge", title="T" * 300, url="https://example.com/" + "a" * 280),
        paragraphs=(_long(size, "b"), paragraph, _long(size, "a")),
        at=1,
        focus=(at, at + len(passage)),
        earlier=True,
        later=True,
    )
    embed = context_embed(context)
    description = embed.description or ""
    assert len(description) <= DESCRIPTION
    assert_within_limits([embed])
    # The excerpt's own passage is always shown, inside the quoted paragraph.
    quoted = " ".join(
        line.removeprefix("> ") for line in description.split("\n") if line.startswith(">")
    )
    assert escape(passage.strip()) in quoted
    assert description.startswith("…") and description.split("\n\n")[-2] == "…"
    if size > 1000:
        assert "…" in quoted and len(description) > DESCRIPTION - 200


async def test_a_mention_answer_has_the_buttons_too(
    dpy_bot: MakeBot, sends: list[dict[str, Any]]
) -> None:
    bot = await dpy_bot()
    assert bot.user is not None
    await dpytest.message(f"<@{bot.user.id}> {ASKABLE}")
    dpytest.get_message()
    (answer,) = [s for s in sends if s.get("embed") is not None]
    tokens = [b.token for b in buttons(answer["view"])]
    assert tokens and [PassageRef.parse(t) for t in tokens] == [
        r.ref for r in bot.retriever.ask(ASKABLE).results
    ]


def _article(article_id: str, text: str) -> Any:
    from retrieval import Article

    return Article(id=article_id, text=text)
