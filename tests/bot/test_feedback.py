"""👍 / 👎 under answers, the 👎 form, the question log the bot keeps, and /stats."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import discord.ext.test as dpytest
import pytest

from bot.client import StoryBot
from bot.feedback import GONE, VOTE_PREFIX, CommentForm, VoteButton
from bot.paging import Pager
from bot.views import DYNAMIC_ITEMS, ContextButton
from retrieval import NO_ANSWER
from retrieval.settings import Settings
from tests.bot.helpers import ASKABLE, UNANSWERABLE, FakeInteraction, with_top_k
from tests.bot.test_conversations import FIRST, FOLLOW_UP, Clock, mention, thread_of, threaded_bot

MakeBot = Callable[..., Awaitable[StoryBot]]
GUILD, CHANNEL = 9001, 2001
ASKER, VOTER = 1001, 283_749_501_234_567_890


def cog(bot: StoryBot, name: str) -> Any:
    found = bot.get_cog(name)
    assert found is not None
    return found


async def ask(bot: StoryBot, question: str = ASKABLE) -> FakeInteraction:
    interaction = FakeInteraction(user_id=ASKER, guild_id=GUILD, channel_id=CHANNEL)
    await cog(bot, "Ask").ask.callback(cog(bot, "Ask"), interaction, question=question)
    return interaction


def votes(view: discord.ui.View) -> dict[bool, VoteButton]:
    return {item.helpful: item for item in view.children if isinstance(item, VoteButton)}


def pressed_by(bot: StoryBot, user_id: int = VOTER) -> FakeInteraction:
    interaction = FakeInteraction(user_id=user_id, guild_id=GUILD, channel_id=CHANNEL)
    interaction.client = bot  # type: ignore[attr-defined]
    return interaction


async def press(bot: StoryBot, button: VoteButton, user_id: int = VOTER) -> FakeInteraction:
    interaction = pressed_by(bot, user_id)
    await button.callback(interaction)  # type: ignore[arg-type]
    return interaction


def whispered(interaction: FakeInteraction) -> str:
    sent = interaction.last("send_message")
    assert sent["ephemeral"] is True
    text: str = sent["content"]
    return text


def rows(bot: StoryBot, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.feedback.database.path) as connection:
        return connection.execute(sql).fetchall()


async def test_an_answer_is_logged_and_carries_both_buttons(make_bot: MakeBot) -> None:
    bot = await make_bot()
    view = (await ask(bot)).last("followup.send")["view"]
    buttons = votes(view)
    ((answer_id, guild, channel, question, answered, excerpts),) = rows(
        bot, "SELECT id, guild_id, channel_id, question, answered, excerpts FROM answers"
    )
    assert (guild, channel, question, answered) == (GUILD, CHANNEL, ASKABLE, 1)
    assert "Norm Kelly" in excerpts and "Example Times" in excerpts
    assert buttons[True].custom_id == f"{VOTE_PREFIX}up:{answer_id}"
    assert buttons[False].custom_id == f"{VOTE_PREFIX}down:{answer_id}"
    assert [str(b.item.emoji) for b in buttons.values()] == ["👍", "👎"]


async def test_a_vote_is_recorded_once_and_changed(make_bot: MakeBot) -> None:
    bot = await make_bot()
    buttons = votes((await ask(bot)).last("followup.send")["view"])
    assert whispered(await press(bot, buttons[True])) == "Thanks! Your 👍 is counted."
    assert whispered(await press(bot, buttons[True])) == (
        "Your 👍 on this answer is already counted."
    )
    assert rows(bot, "SELECT helpful FROM votes") == [(1,)]
    # The other button changes the vote, and asks what they were looking for.
    changed = await press(bot, buttons[False])
    form = changed.last("send_modal")["modal"]
    assert isinstance(form, CommentForm) and form.title == "Thanks. What were you looking for?"
    assert form.note.required is False and form.note.max_length == 500
    assert rows(bot, "SELECT helpful FROM votes") == [(0,)]
    assert whispered(await press(bot, buttons[False])) == (
        "Your 👎 on this answer is already counted."
    )
    # Someone else's vote is theirs.
    assert whispered(await press(bot, buttons[True], user_id=77)) == "Thanks! Your 👍 is counted."
    assert rows(bot, "SELECT helpful FROM votes ORDER BY helpful") == [(0,), (1,)]


@pytest.mark.parametrize(
    ("typed", "stored", "reply"),
    [
        (
            "the date\x00 of the\u202e vote\n\nplease",
            "the date of the vote please",
            "Your 👎 and your note are counted. Thanks!",
        ),
        ("   ", None, "Your 👎 is counted. Thanks!"),
    ],
)
async def test_the_forms_note_is_kept_with_the_thumbs_down(
    make_bot: MakeBot, typed: str, stored: str | None, reply: str
) -> None:
    bot = await make_bot()
    buttons = votes((await ask(bot)).last("followup.send")["view"])
    form = (await press(bot, buttons[False])).last("send_modal")["modal"]
    submitted = pressed_by(bot)
    form.note._refresh_state(submitted, {"value": typed})  # as Discord fills it in
    await form.on_submit(submitted)
    assert whispered(submitted) == reply
    assert rows(bot, "SELECT helpful, comment FROM votes") == [(0, stored)]


async def test_votes_count_after_a_restart(make_bot: MakeBot, settings: Settings) -> None:
    old = votes((await ask(await make_bot())).last("followup.send")["view"])[False]
    restarted = await make_bot()
    # What the restarted bot registered answers the old button, as Discord sends its id.
    store = restarted._connection._view_store
    (factory,) = [f for p, f in store._dynamic_items.items() if p.fullmatch(old.custom_id)]
    interaction = pressed_by(restarted)
    match = VoteButton.__discord_ui_compiled_template__.fullmatch(old.custom_id)
    item = await factory.from_custom_id(interaction, old.item, match)  # type: ignore[arg-type]
    await item.callback(interaction)  # type: ignore[arg-type]
    assert isinstance(interaction.last("send_modal")["modal"], CommentForm)
    assert rows(restarted, "SELECT helpful FROM votes") == [(0,)]


async def test_a_vote_on_a_forgotten_answer_is_declined_politely(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = await press(bot, VoteButton("A" * 12, helpful=True))
    assert whispered(interaction) == GONE
    assert rows(bot, "SELECT count(*) FROM votes") == [(0,)]


async def test_an_unanswered_question_is_logged_without_buttons(make_bot: MakeBot) -> None:
    bot = await make_bot()
    interaction = await ask(bot, UNANSWERABLE)
    assert NO_ANSWER in interaction.sends()[-1]["content"]
    assert "view" not in interaction.sends()[-1]
    assert rows(bot, "SELECT question, answered, excerpts FROM answers") == [
        (UNANSWERABLE, 0, None)
    ]


async def test_without_the_log_no_question_text_is_stored(
    make_bot: MakeBot, settings: Settings, tmp_path: Path
) -> None:
    bot = await make_bot(log_questions=False)
    liked = votes((await ask(bot, "Who gathered outside City Hall?")).last("followup.send")["view"])
    disliked = votes((await ask(bot)).last("followup.send")["view"])
    await press(bot, liked[True])
    await press(bot, disliked[False])
    assert rows(bot, "SELECT count(*) FROM answers WHERE question IS NULL") == [(2,)]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.sqlite3*"))
    assert b"City Hall?" not in stored
    # What the 👎 is about is kept with it, for the export.
    assert rows(bot, "SELECT question FROM votes WHERE helpful = 0") == [(ASKABLE,)]


async def test_no_user_id_reaches_the_state_file(make_bot: MakeBot, tmp_path: Path) -> None:
    bot = await make_bot()
    buttons = votes((await ask(bot)).last("followup.send")["view"])
    await press(bot, buttons[False])
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.sqlite3*"))
    assert ASKABLE.encode() in stored and GUILD.to_bytes(2, "big") in stored
    assert str(VOTER).encode() not in stored and VOTER.to_bytes(8, "big") not in stored


async def test_the_pagers_timeout_leaves_every_answers_buttons_working(
    make_bot: MakeBot, settings: Settings
) -> None:
    bot = await make_bot(with_top_k(settings, 1))
    view = (await ask(bot, "What did the mayor do?")).last("followup.send")["view"]
    assert isinstance(view, Pager)
    store = bot._connection._view_store
    store.add_view(view, 1)  # as discord.py does when the answer is sent
    store.remove_view(view)  # as discord.py does when the pager times out ...
    await view.on_timeout()  # ... before it calls this
    registered = set(store._dynamic_items.values())
    assert registered >= set(DYNAMIC_ITEMS) >= {ContextButton, VoteButton}
    (edit,) = view.message.edits  # type: ignore[union-attr]
    assert set(votes(edit["view"])) == {True, False}  # the votes stay under the answer
    view.stop()


async def test_a_mention_answer_has_the_buttons_and_is_logged(
    dpy_bot: MakeBot, sends: list[dict[str, Any]]
) -> None:
    bot = await dpy_bot()
    assert bot.user is not None
    await dpytest.message(f"<@{bot.user.id}> {ASKABLE}")
    dpytest.get_message()
    (answer,) = [s for s in sends if s.get("embed") is not None]
    buttons = votes(answer["view"])
    ((answer_id, question, guild),) = rows(bot, "SELECT id, question, guild_id FROM answers")
    assert question == ASKABLE and guild is not None
    assert buttons[True].answer_id == answer_id


def manager(manage: bool) -> Any:
    user = MagicMock(spec=discord.Member)
    user.id = 42
    user.guild_permissions = discord.Permissions(manage_guild=manage)
    return user


async def stats(bot: StoryBot, manage: bool = True, **options: Any) -> FakeInteraction:
    interaction = FakeInteraction(guild_id=GUILD, channel_id=CHANNEL)
    interaction.user = manager(manage)
    await cog(bot, "Stats").stats.callback(cog(bot, "Stats"), interaction, **options)
    return interaction


async def test_stats_count_this_servers_questions_for_managers_only(make_bot: MakeBot) -> None:
    bot = await make_bot()
    buttons = votes((await ask(bot)).last("followup.send")["view"])
    await press(bot, buttons[True])
    await press(bot, buttons[False], user_id=5)
    for question in (UNANSWERABLE, "what is the capital of France", "Who won the cup?"):
        await ask(bot, question)
    bot.feedback.questions.record("Elsewhere?", (), 777, 1)  # another server
    assert whispered(await stats(bot, manage=False)) == (
        "Only members with the Manage Server permission can see the stats."
    )
    sent = (await stats(bot, days=7)).last("send_message")
    assert sent["ephemeral"] is True
    embed: discord.Embed = sent["embed"]
    assert embed.title == "Questions in this server, the last 7 days"
    assert embed.description == "**4** asked, **1** answered (25%)\nFeedback: 1 👍, 1 👎"
    (field,) = embed.fields
    assert field.value == "1. what is the capital of france (×2)\n2. who won the cup (×1)"


async def test_stats_escape_what_people_typed(make_bot: MakeBot) -> None:
    bot = await make_bot()
    bot.feedback.questions.record("@everyone **where** is <@123>?", (), GUILD, CHANNEL)
    embed = (await stats(bot)).last("send_message")["embed"]
    assert "@everyone" not in embed.fields[0].value and "**where**" not in embed.fields[0].value


async def test_an_answer_is_given_without_buttons_when_the_log_cannot_be_written(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await make_bot()
    with sqlite3.connect(bot.feedback.database.path) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON answers "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    with caplog.at_level(logging.WARNING, logger="bot"):
        sent = (await ask(bot)).last("followup.send")
    assert "Norm Kelly" in sent["embed"].description
    assert not votes(sent["view"])  # Context only: nothing to vote on
    assert "Could not log an answer" in caplog.text and "disk is full" in caplog.text
    assert rows(bot, "SELECT count(*) FROM answers") == [(0,)]


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[discord.Thread]:
    """Every thread the bot starts from a question, as real threads of the fake guild."""
    started: list[discord.Thread] = []

    async def create_thread(self: discord.Message, *, name: str, **_: Any) -> discord.Thread:
        started.append(thread_of(self, name))
        return started[-1]

    monkeypatch.setattr(discord.Message, "create_thread", create_thread)
    return started


async def test_a_follow_up_in_a_thread_is_logged_with_its_earlier_questions(
    dpy_bot: MakeBot, threads: list[discord.Thread]
) -> None:
    bot = await threaded_bot(dpy_bot, Clock())
    await dpytest.message(mention(bot, FIRST))
    (thread,) = threads
    dpytest.get_message()
    await dpytest.message(mention(bot, FOLLOW_UP), channel=thread)
    dpytest.get_message()
    logged = rows(bot, "SELECT question, after, channel_id FROM answers ORDER BY rowid")
    assert logged == [
        (FIRST, None, logged[0][2]),
        (FOLLOW_UP, json.dumps([FIRST]), thread.id),
    ]
