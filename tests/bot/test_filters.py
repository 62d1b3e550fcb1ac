"""The since, until and source options of /ask, /latest, /timeline and /quotes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.client import StoryBot
from retrieval.settings import Settings
from tests.bot.helpers import ASKABLE, CITY, WIRE, FakeInteraction, embed_text, write_corpus

MakeBot = Callable[..., Awaitable[StoryBot]]

DATED_WIRE = """---
label: Wire copy about the protest
published: 2013-11-07
---
Protesters gathered outside City Hall on Thursday, chanting for the mayor to resign.

"We want a mayor who works for the city," Councillor Jane Doyle said at the protest.
"""


def cog(bot: StoryBot, name: str) -> Any:
    found = bot.get_cog(name)
    assert found is not None
    return found


@pytest.fixture
async def bot(make_bot: MakeBot, settings: Settings, tmp_path: Path) -> StoryBot:
    corpus = write_corpus(
        tmp_path / "filtered", {"city.txt": CITY, "wire.txt": WIRE, "dated.md": DATED_WIRE}
    )
    return await make_bot(settings.with_paths(corpus=corpus, index=tmp_path / "filtered-index"))


async def test_ask_answers_from_the_matching_articles_only(bot: StoryBot) -> None:
    ask = cog(bot, "Ask")
    interaction = FakeInteraction()
    await ask.ask.callback(ask, interaction, question=ASKABLE, source="example times")
    text = embed_text(interaction.last("followup.send")["embed"])
    assert "Example Times" in text and "Searched 1 article " in text

    none_left = FakeInteraction()
    await ask.ask.callback(ask, none_left, question=ASKABLE, since="2013-11-08")
    sent = none_left.last("followup.send")
    assert sent["ephemeral"] is True
    assert sent["content"] == "No article matches the filters (since 2013-11-08)."


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"since": "soon"}, "give a date as YYYY-MM-DD"),
        ({"since": "2013-11-07", "until": "2013-11-06"}, "since 2013-11-07 is after until"),
        ({"source": "   "}, "source is empty"),
    ],
)
@pytest.mark.parametrize("command", ["Ask", "Latest", "Timeline", "Quotes"])
async def test_a_bad_filter_is_refused_privately_before_any_work(
    bot: StoryBot, command: str, options: dict[str, str], problem: str
) -> None:
    found = cog(bot, command)
    callback = getattr(found, command.lower()).callback
    first = {"Ask": {"question": ASKABLE}, "Quotes": {"speaker": "Kelly"}}.get(command, {})
    interaction = FakeInteraction()
    await callback(found, interaction, **first, **options)
    assert interaction.names == ["send_message"]
    sent = interaction.last("send_message")
    assert sent["ephemeral"] is True and problem in sent["content"]


async def test_story_views_take_the_filters(bot: StoryBot) -> None:
    timeline = cog(bot, "Timeline")
    interaction = FakeInteraction()
    await timeline.timeline.callback(timeline, interaction, source="protest")
    text = embed_text(interaction.last("followup.send")["embed"])
    assert "**2013-11-07** Protesters gathered" in text and "Example Times" not in text
    empty = FakeInteraction()
    await timeline.timeline.callback(timeline, empty, until="2013-11-01")
    assert "No sentence in the articles matching the filters (until 2013-11-01) names a date." in (
        embed_text(empty.last("followup.send")["embed"])
    )

    latest = cog(bot, "Latest")
    news = FakeInteraction()
    await latest.latest.callback(latest, news, since="2013-11-06", source="example")
    text = embed_text(news.last("followup.send")["embed"])
    assert "Example Times" in text and "Protesters" not in text
    nothing = FakeInteraction()
    await latest.latest.callback(latest, nothing, source="gazette")
    assert nothing.last("followup.send")["content"] == (
        'No article matching the filters (source "gazette") has a date, so none is newer '
        "than another."
    )

    quotes = cog(bot, "Quotes")
    doyle = FakeInteraction()
    await quotes.quotes.callback(quotes, doyle, speaker="Doyle", since="2013-11-07")
    assert "We want a mayor who works for the city" in embed_text(
        doyle.last("followup.send")["embed"]
    )
    before = FakeInteraction()
    await quotes.quotes.callback(quotes, before, speaker="Doyle", until="2013-11-06")
    assert before.last("followup.send")["content"] == (
        "No one called “Doyle” is quoted in the articles matching the filters (until 2013-11-06)."
    )
