"""The slash commands, called with a stand-in interaction (dpytest can't simulate interactions)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from discord import app_commands

from bot.client import StoryBot
from bot.errors import APOLOGY
from bot.paging import Pager
from retrieval.answering.render import NO_ANSWER, build_reply, reply_text
from retrieval.settings import Settings
from retrieval.text.filters import Filters
from tests.bot.helpers import (
    ASKABLE,
    CITY,
    UNANSWERABLE,
    FakeInteraction,
    assert_within_limits,
    with_question_cap,
    with_top_k,
    write_corpus,
)

MakeBot = Callable[..., Awaitable[StoryBot]]


def cog(bot: StoryBot, name: str) -> Any:
    # load_extension imports the cog modules afresh, so their classes aren't the ones
    # imported here: cogs are looked up by name.
    found = bot.get_cog(name)
    assert found is not None
    return found


def assert_no_mentions_allowed(interaction: FakeInteraction) -> None:
    sends = interaction.sends()
    assert sends
    for kwargs in sends:
        allowed = kwargs["allowed_mentions"]
        assert not (allowed.everyone or allowed.users or allowed.roles or allowed.replied_user)


async def test_commands_are_registered_with_descriptions(make_bot: MakeBot) -> None:
    bot = await make_bot()
    commands = {c.name: c for c in bot.tree.get_commands()}
    assert set(commands) == {
        "ask",
        "sources",
        "quotes",
        "latest",
        "timeline",
        "help",
        "add",
        "settings",
        "stats",
        "follow",
        "unfollow",
        "feeds",
    }
    assert all(c.description for c in commands.values())
    ask = commands["ask"]
    assert isinstance(ask, app_commands.Command)
    question, *filters = ask.parameters
    assert question.name == "question" and question.required and question.description
    assert [f.name for f in filters] == ["since", "until", "source"]
    assert all(not f.required and f.description for f in filters)


async def test_ask_defers_then_posts_the_answer(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=ASKABLE)
    assert interaction.names[0] == "defer"
    assert interaction.last("defer") == {"thinking": True}
    posted = interaction.last("followup.send")
    assert posted["wait"] is True and "ephemeral" not in posted
    embed = posted["embed"]
    assert embed.title == ASKABLE and "**pause**" in embed.description
    assert_within_limits([embed])
    assert_no_mentions_allowed(interaction)


async def test_page_one_is_what_storybot_chat_prints(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=ASKABLE)
    embed = interaction.last("followup.send")["embed"]
    chat = reply_text(build_reply(bot.retriever.ask(ASKABLE)))
    footer = embed.footer.text.split(" · Page ")[0]
    assert f"{embed.description}\n\n-# {footer}" == chat


async def test_more_excerpts_come_with_a_pager_for_the_asker(
    make_bot: MakeBot, settings: Settings
) -> None:
    bot = await make_bot(with_top_k(settings, 1))
    interaction = FakeInteraction(user_id=77)
    await cog(bot, "Ask").ask.callback(
        cog(bot, "Ask"), interaction, question="What did the mayor do?"
    )
    posted = interaction.last("followup.send")
    view = posted["view"]
    assert isinstance(view, Pager) and view.owner_id == 77 and len(view.pages) > 1
    assert view.message is interaction.followup.messages[-1]
    assert view.pages[0] is posted["embed"]
    view.stop()


async def test_no_answer_is_ephemeral_with_a_hint(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=UNANSWERABLE)
    # The public "thinking…" message goes, and only the asker sees the reply.
    assert interaction.names == ["defer", "delete_original_response", "followup.send"]
    sent = interaction.last("followup.send")
    assert sent["ephemeral"] is True
    assert sent["content"].startswith(NO_ANSWER) and "/sources" in sent["content"]
    assert_no_mentions_allowed(interaction)


async def test_too_long_question_is_refused_before_searching(
    make_bot: MakeBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await make_bot(with_question_cap(settings, 20))
    monkeypatch.setattr(bot.retriever, "ask", pytest.fail)
    interaction = FakeInteraction()
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=ASKABLE)
    assert interaction.names == ["send_message"]
    sent = interaction.last("send_message")
    assert sent["ephemeral"] is True and "please keep it to 20 or fewer" in sent["content"]


async def test_cooldown_is_per_user_and_friendly(make_bot: MakeBot) -> None:
    bot = await make_bot(cooldown_seconds=30)
    ask = cog(bot, "Ask")
    first, second, other = FakeInteraction(1), FakeInteraction(1), FakeInteraction(2)
    await ask.ask.callback(ask, first, question=ASKABLE)
    await ask.ask.callback(ask, second, question=ASKABLE)
    await ask.ask.callback(ask, other, question=ASKABLE)
    assert "embed" in first.last("followup.send")
    refused = second.last("send_message")
    assert refused["ephemeral"] is True
    assert refused["content"] == "One question at a time, please: you can ask again in 30 s."
    assert "embed" in other.last("followup.send")


async def test_allow_list_points_elsewhere_and_allows_threads(make_bot: MakeBot) -> None:
    bot = await make_bot(allowed_channels=[555])
    ask = cog(bot, "Ask")
    outside, inside, thread = (
        FakeInteraction(channel_id=9),
        FakeInteraction(channel_id=555),
        (FakeInteraction(channel_id=777, parent_id=555)),
    )
    await ask.ask.callback(ask, outside, question=ASKABLE)
    assert outside.last("send_message") == {
        "content": "I only answer in <#555>. Please ask me there.",
        "ephemeral": True,
        "allowed_mentions": outside.last("send_message")["allowed_mentions"],
    }
    for interaction in (inside, thread):
        await ask.ask.callback(ask, interaction, question=ASKABLE)
        assert "embed" in interaction.last("followup.send")
    for command, name in (("sources", "Sources"), ("help", "Help")):
        elsewhere = FakeInteraction(channel_id=9)
        found = cog(bot, name)
        await getattr(found, command).callback(found, elsewhere)
        assert elsewhere.last("send_message")["content"].startswith("I only answer in <#555>")


async def test_retrieval_runs_off_the_event_loop(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await make_bot()
    threads: list[threading.Thread] = []
    real = bot.retriever.ask

    def spy(question: str, top_k: int | None = None, filters: Filters | None = None) -> Any:
        threads.append(threading.current_thread())
        return real(question, top_k, filters)

    monkeypatch.setattr(bot.retriever, "ask", spy)
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), FakeInteraction(), question=ASKABLE)
    assert threads and threading.main_thread() not in threads


async def test_errors_are_logged_with_traceback_and_apologised_for(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await make_bot()
    ask = cog(bot, "Ask")

    def broken(question: str, top_k: int | None = None, filters: Filters | None = None) -> Any:
        raise RuntimeError("index on fire")

    monkeypatch.setattr(bot.retriever, "ask", broken)
    interaction = FakeInteraction()
    with pytest.raises(RuntimeError) as raised:
        await ask.ask.callback(ask, interaction, question=ASKABLE)
    # What discord.py's tree does with an exception from a command.
    error = app_commands.CommandInvokeError(ask.ask, raised.value)
    with caplog.at_level(logging.ERROR, logger="bot"):
        await bot.tree.on_error(interaction, error)  # type: ignore[arg-type]
    assert interaction.names == ["defer", "delete_original_response", "followup.send"]
    sent = interaction.last("followup.send")
    assert sent["content"] == APOLOGY and sent["ephemeral"] is True
    (record,) = [r for r in caplog.records if r.name == "bot"]
    assert record.exc_info and record.exc_info[1] is raised.value
    # ...and the bot keeps serving.
    monkeypatch.undo()
    again = FakeInteraction()
    await ask.ask.callback(ask, again, question=ASKABLE)
    assert "embed" in again.last("followup.send")


async def test_error_before_responding_is_an_ephemeral_apology(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    await bot.tree.on_error(interaction, app_commands.AppCommandError("odd"))  # type: ignore[arg-type]
    assert interaction.names == ["send_message"]
    assert interaction.last("send_message")["ephemeral"] is True


async def test_sources_lists_the_articles(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    found = cog(bot, "Sources")
    await found.sources.callback(found, interaction)
    sent = interaction.last("send_message")
    assert sent["ephemeral"] is True and "view" not in sent
    embed = sent["embed"]
    assert (
        "**1.** Example Times · [Mayor refuses to step aside](<https://example.com/news/mayor>)"
        in (embed.description)
    )
    assert "2013-11-06 · `city` · 3 passages" in embed.description
    assert "**2.** `wire` · 3 passages" in embed.description
    assert embed.footer.text == "2 articles, 6 passages."


async def test_sources_are_paged_when_long(
    make_bot: MakeBot, settings: Settings, tmp_path: Path
) -> None:
    many = write_corpus(tmp_path / "many", {f"a{n:02}.txt": CITY for n in range(25)})
    bot = await make_bot(settings.with_paths(corpus=many, index=tmp_path / "many-index"))
    interaction = FakeInteraction()
    found = cog(bot, "Sources")
    await found.sources.callback(found, interaction)
    sent = interaction.last("send_message")
    view = sent["view"]
    assert isinstance(view, Pager) and len(view.pages) == 3
    assert view.message is interaction.original
    assert sent["embed"].footer.text == "25 articles, 75 passages. · Page 1 of 3"
    for page in view.pages:
        assert_within_limits([page])
    view.stop()


async def test_help_explains_the_ways_to_ask(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = FakeInteraction()
    found = cog(bot, "Help")
    await found.help.callback(found, interaction)
    sent = interaction.last("send_message")
    text = sent["embed"].description
    assert sent["ephemeral"] is True
    assert "/ask question:" in text and "mention me" in text and "/sources" in text
    assert "!ask" not in text
    assert "Questions up to 300 characters; one question every 0 s." in text
    prefixed = await make_bot(prefix_commands=True)
    assert "`!ask who said what?`" in (cog(prefixed, "Help").embed().description or "")


@pytest.mark.parametrize(
    ("mode", "shown", "hidden"),
    [
        ("mention", "mention me", "just ask"),
        ("questions", "here, just ask", "not here"),
        ("off", "not here: this channel is set to `off`", "mention me"),
    ],
)
async def test_help_tells_the_channels_mode(
    make_bot: MakeBot, mode: str, shown: str, hidden: str
) -> None:
    bot = await make_bot(message_content=True)
    bot.channels.set(9, 2001, mode=mode)  # type: ignore[arg-type]
    interaction = FakeInteraction(guild_id=9, channel_id=2001)
    found = cog(bot, "Help")
    await found.help.callback(found, interaction)
    text = interaction.last("send_message")["embed"].description
    assert shown in text and hidden not in text and "`/settings` (Manage Server)" in text


QUOTED = """---
title: Council reacts
source: Daily Wire
published: 2013-11-06
---
"I'm inviting him today to take a pause with all its advantages," Norm Kelly said.

"We will vote on the motion next week, whatever happens," Councillor Rob Fordham said.

"Nobody at city hall expected any of this," said Councillor Josh Fordham.
"""


async def test_quotes_pages_a_speakers_quotes(
    make_bot: MakeBot, settings: Settings, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "quoted", {"quoted.md": QUOTED})
    bot = await make_bot(settings.with_paths(corpus=corpus, index=tmp_path / "quoted-index"))
    quotes = cog(bot, "Quotes")
    interaction = FakeInteraction()
    await quotes.quotes.callback(quotes, interaction, speaker="Kelly")
    assert interaction.names[0] == "defer"
    embed = interaction.last("followup.send")["embed"]
    assert embed.title == "What Norm Kelly said"
    assert "> **1.** I'm inviting him today to take a pause" in embed.description
    assert "Daily Wire · *Council reacts* · 2013-11-06" in embed.description
    assert_within_limits([embed])
    assert_no_mentions_allowed(interaction)

    ambiguous = FakeInteraction()
    await quotes.quotes.callback(quotes, ambiguous, speaker="Fordham")
    assert ambiguous.last("followup.send")["content"] == (
        "“Fordham” could be: Josh Fordham, Rob Fordham. Ask again with a full name."
    )
    nobody = FakeInteraction()
    await quotes.quotes.callback(quotes, nobody, speaker="@everyone")
    content = nobody.last("followup.send")["content"]
    assert content == "No one called “@\u200beveryone” is quoted in the articles."
    assert_no_mentions_allowed(nobody)


async def test_latest_shows_what_the_newest_article_adds(
    make_bot: MakeBot, settings: Settings, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "news", {"city.txt": CITY, "quoted.md": QUOTED})
    bot = await make_bot(settings.with_paths(corpus=corpus, index=tmp_path / "news-index"))
    latest = cog(bot, "Latest")
    interaction = FakeInteraction()
    await latest.latest.callback(latest, interaction, since="2013-11-06")
    embed = interaction.last("followup.send")["embed"]
    assert embed.title == "What's new since 2013-11-06"
    assert "Council reacts" in embed.description and "Mayor refuses" in embed.description
    assert_within_limits([embed])
    assert_no_mentions_allowed(interaction)

    nothing = FakeInteraction()
    await latest.latest.callback(latest, nothing, since="2013-11-07")
    assert nothing.last("followup.send")["content"].startswith("Nothing new since 2013-11-07")
    bad = FakeInteraction()
    await latest.latest.callback(latest, bad, since="soon")
    assert bad.names == ["send_message"] and bad.last("send_message")["ephemeral"] is True
    assert "YYYY-MM-DD" in bad.last("send_message")["content"]


async def test_timeline_lists_dated_events_in_order(
    make_bot: MakeBot, settings: Settings, tmp_path: Path
) -> None:
    dated = (
        "---\ntitle: Later\npublished: 2013-11-06\n---\n"
        "Ford spoke on Tuesday.\n\nIn May the video surfaced.\n"
    )
    corpus = write_corpus(tmp_path / "dated", {"dated.md": dated})
    bot = await make_bot(settings.with_paths(corpus=corpus, index=tmp_path / "dated-index"))
    timeline = cog(bot, "Timeline")
    interaction = FakeInteraction()
    await timeline.timeline.callback(timeline, interaction)
    embed = interaction.last("followup.send")["embed"]
    assert embed.title == "The story so far"
    assert embed.description.index("**May 2013**") < embed.description.index("**2013-11-05**")
    assert "— *Later* · 2013-11-06" in embed.description
    assert_within_limits([embed])
    assert_no_mentions_allowed(interaction)
