"""👍 and 👎 under an answer: one vote per person per answer, changeable, and a 👎's note.

The buttons' custom ids carry the answer's id in the question log; they are dynamic
items, so a vote cast after a restart still counts. Replies go only to the voter. A 👎
opens a short form, "What were you looking for?", whose answer (optional) is kept with
the vote for `storybot feedback export`. Votes never change how answers are ranked.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Protocol, cast

import discord

from bot.errors import report
from bot.replies import whisper
from retrieval import ANSWER_ID, MAX_COMMENT_CHARS, VoteResult

VOTE_PREFIX = "storybot:vote:"
_ROW = 2  # under the pager's buttons and the Context buttons
MARKS = {True: "👍", False: "👎"}
GONE = (
    "I no longer keep that answer (answers are kept for a while, then forgotten), so I "
    "can't count a vote on it. Thanks all the same."
)
FORM_TITLE = "Thanks. What were you looking for?"
FORM_LABEL = "What were you looking for? (optional)"
FORM_HINT = "For example: the date of the vote, or who said it first"


class FeedbackSink(Protocol):
    """What the buttons need of the bot (``StoryBot``, which registers them)."""

    async def vote(self, answer_id: str, user_id: int, helpful: bool) -> VoteResult: ...

    async def comment(self, answer_id: str, user_id: int, text: str) -> bool: ...


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=VOTE_PREFIX + r"(?P<vote>up|down):(?P<answer>" + ANSWER_ID.pattern + ")",
):
    """👍 or 👎 on one answer, from anyone who sees it."""

    def __init__(self, answer_id: str, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji=MARKS[helpful],
                style=discord.ButtonStyle.secondary,
                custom_id=f"{VOTE_PREFIX}{'up' if helpful else 'down'}:{answer_id}",
                row=_ROW,
            )
        )
        self.answer_id = answer_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> VoteButton:
        return cls(match["answer"], match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Count the vote; a 👎 asks what the voter was looking for."""
        try:
            await cast_vote(interaction, self.answer_id, self.helpful)
        except Exception as error:
            await report(error, "a vote button", partial(whisper, interaction))


async def cast_vote(interaction: discord.Interaction[Any], answer_id: str, helpful: bool) -> None:
    """Record the vote and tell the voter privately what happened to it."""
    bot = cast(FeedbackSink, interaction.client)
    result = await bot.vote(answer_id, interaction.user.id, helpful)
    mark = MARKS[helpful]
    if result == "unknown":
        await whisper(interaction, GONE)
    elif result == "unchanged":
        await whisper(interaction, f"Your {mark} on this answer is already counted.")
    elif not helpful:
        await interaction.response.send_modal(CommentForm(answer_id, changed=result == "changed"))
    elif result == "changed":
        await whisper(interaction, f"Changed to {mark}. Thanks!")
    else:
        await whisper(interaction, f"Thanks! Your {mark} is counted.")


class CommentForm(discord.ui.Modal):
    """The short form a 👎 opens; its one field may be left empty."""

    note: discord.ui.TextInput[CommentForm] = discord.ui.TextInput(
        label=FORM_LABEL,
        style=discord.TextStyle.paragraph,
        placeholder=FORM_HINT,
        required=False,
        max_length=MAX_COMMENT_CHARS,
    )

    def __init__(self, answer_id: str, changed: bool = False) -> None:
        super().__init__(title=FORM_TITLE, custom_id=f"storybot:comment:{answer_id}")
        self.answer_id = answer_id
        self.changed = changed

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Keep the note with the voter's 👎 and thank them, privately."""
        text = self.note.value or ""
        bot = cast(FeedbackSink, interaction.client)
        kept = bool(text.strip()) and await bot.comment(self.answer_id, interaction.user.id, text)
        await whisper(interaction, thanks(self.changed, kept))

    async def on_error(  # type: ignore[override]  # a Modal's has no item (discord.py 2.7)
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report(error, "the feedback form", partial(whisper, interaction))


def thanks(changed: bool, with_note: bool) -> str:
    """The acknowledgement of a 👎, with or without a note."""
    if changed:
        return f"Changed to 👎{', with your note' if with_note else ''}. Thanks!"
    return f"Your 👎{' and your note are' if with_note else ' is'} counted. Thanks!"


def vote_items(answer_id: str | None) -> list[discord.ui.Item[Any]]:
    """The 👍 and 👎 buttons of a logged answer (none without an id)."""
    if answer_id is None:
        return []
    return [VoteButton(answer_id, helpful=True), VoteButton(answer_id, helpful=False)]
