"""/add: who may add, from a file or a URL, and errors that only the asker sees."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.client import StoryBot
from retrieval.errors import ArticleError
from retrieval.text.article import Article
from tests.bot.helpers import FakeInteraction

MakeBot = Callable[..., Awaitable[StoryBot]]
ZAMBONI = (
    b"---\ntitle: Rink <@123> news\n---\n"
    b"The zamboni broke down at the arena.\n\nRepairs take a week.\n"
)


def member(manage: bool = False, roles: tuple[str, ...] = ()) -> Any:
    user = MagicMock(spec=discord.Member)
    user.id = 42
    user.guild_permissions = discord.Permissions(manage_guild=manage)
    user.roles = [MagicMock(spec=discord.Role, **{"name": r}) for r in roles]
    for role, name in zip(user.roles, roles, strict=True):
        role.name = name
    return user


def attachment(name: str, data: bytes) -> Any:
    file = MagicMock(spec=discord.Attachment)
    file.filename = name
    file.size = len(data)

    async def read() -> bytes:
        return data

    file.read = read
    return file


async def run_add(bot: StoryBot, user: Any, **options: Any) -> FakeInteraction:
    interaction = FakeInteraction()
    interaction.user = user
    cog = bot.get_cog("AddArticles")
    assert cog is not None
    await cog.add.callback(cog, interaction, **options)  # type: ignore[attr-defined]
    return interaction


async def test_manager_adds_an_attached_file(make_bot: MakeBot) -> None:
    bot = await make_bot()
    before = len(bot.retriever.index.articles)
    interaction = await run_add(bot, member(manage=True), file=attachment("rink.md", ZAMBONI))
    assert interaction.names == ["defer", "followup.send"]
    sent = interaction.last("followup.send")
    assert "ephemeral" not in sent and sent["allowed_mentions"].users is False
    assert sent["content"].startswith("Added `") and "2 passages" in sent["content"]
    assert "<@123>" not in sent["content"] and "Rink" in sent["content"]
    assert len(bot.retriever.index.articles) == before + 1
    answer = bot.retriever.ask("What broke down at the arena?")
    assert answer.results[0].sources[0].title == "Rink <@123> news"


async def test_a_configured_role_may_add(make_bot: MakeBot) -> None:
    bot = await make_bot(add_roles=["Editors"])
    interaction = await run_add(
        bot, member(roles=("Editors",)), file=attachment("r.txt", b"Zamboni news.")
    )
    assert interaction.last("followup.send")["content"].startswith("Added")


@pytest.mark.parametrize(
    "user", [member(), member(roles=("Readers",)), MagicMock(spec=discord.User)]
)
async def test_others_may_not_add(make_bot: MakeBot, user: Any) -> None:
    bot = await make_bot(add_roles=["Editors"])
    before = len(bot.retriever.index.articles)
    interaction = await run_add(bot, user, file=attachment("r.txt", b"Zamboni news."))
    sent = interaction.last("send_message")
    assert (
        sent["ephemeral"] is True
        and "Manage Server" in sent["content"]
        and "Editors" in sent["content"]
    )
    assert len(bot.retriever.index.articles) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "one of them"),
        ({"url": "https://example.org/a", "file": attachment("a.txt", b"x")}, "one of them"),
        ({"file": attachment("a.txt", b"\x89PNG\x00\x00")}, "binary"),
        ({"file": attachment("a.pdf", b"%PDF-1.4")}, "unsupported file type"),
        ({"file": attachment("a.txt", b"   ")}, "no text"),
    ],
)
async def test_bad_requests_get_a_private_error(
    make_bot: MakeBot, options: dict[str, Any], message: str
) -> None:
    bot = await make_bot()
    before = len(bot.retriever.index.articles)
    interaction = await run_add(bot, member(manage=True), **options)
    sent = interaction.sends()[-1]
    assert sent["ephemeral"] is True and message in sent["content"]
    assert len(bot.retriever.index.articles) == before


async def test_the_same_text_twice_is_refused(make_bot: MakeBot) -> None:
    bot = await make_bot()
    await run_add(bot, member(manage=True), file=attachment("r.md", ZAMBONI))
    interaction = await run_add(bot, member(manage=True), file=attachment("again.md", ZAMBONI))
    sent = interaction.sends()[-1]
    assert sent["ephemeral"] is True and "already in the corpus" in sent["content"]


async def test_a_url_is_fetched_and_added(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.intake.fetch

    def fake_fetch(url: str, settings: Any, overrides: Any = None) -> Article:
        assert url == "https://news.example/story"
        return Article(id="abc123", text="The ferry sank in calm water.", title="Ferry", url=url)

    monkeypatch.setattr(retrieval.intake.fetch, "fetch_article", fake_fetch)
    bot = await make_bot()
    interaction = await run_add(bot, member(manage=True), url=" https://news.example/story ")
    assert interaction.last("followup.send")["content"].startswith("Added `abc123` “Ferry”")


async def test_an_unreachable_url_is_a_private_error(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.intake.fetch

    def failing(url: str, settings: Any, overrides: Any = None) -> Article:
        raise ArticleError(f"{url}: unreachable (connection refused)")

    monkeypatch.setattr(retrieval.intake.fetch, "fetch_article", failing)
    bot = await make_bot()
    interaction = await run_add(bot, member(manage=True), url="https://down.example/")
    sent = interaction.sends()[-1]
    assert sent["ephemeral"] is True and "unreachable" in sent["content"]
