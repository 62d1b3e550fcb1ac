"""Guards before answering: channel allow-list, channel mode, question length, cooldown."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from retrieval import QuestionTooLong, check_question

# How many allowed channels a pointer names before "and others".
_NAMED_CHANNELS = 5
_PRUNE_AT = 1024
# English interrogatives: a message opening with one asks something, "?" or not.
_QUESTION_WORDS = frozenset("who whom whose what which when where why how".split())
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_CLOSERS = "\"'”’»)]*_~|.! "
OFF = (
    "I'm switched off in this channel (mode `off`). Members with the Manage Server "
    "permission can change that with `/settings mode`."
)


def is_question(text: str) -> bool:
    """Whether a message asks something: it ends with "?" or opens with a question word.

    The rule a questions-mode channel answers by; a message with no letter at all
    ("??", "?!") asks nothing.
    """
    first = _FIRST_WORD.search(text)
    if first is None:
        return False
    if text.rstrip(_CLOSERS).endswith(("?", "？")):
        return True
    opening = not any(c.isalnum() for c in text[: first.start()])
    return opening and first.group().casefold() in _QUESTION_WORDS


class Cooldown:
    """One question per user every ``seconds``, whichever way they ask."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}
        self._told: dict[int, float] = {}  # user -> the window they were told about

    def retry_after(self, user_id: int) -> float:
        """Seconds the user must still wait, or 0.0 after recording a question now."""
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        if len(self._last) >= _PRUNE_AT:
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}
            self._told = {u: t for u, t in self._told.items() if u in self._last}
        self._last[user_id] = now
        return 0.0

    def first_notice(self, user_id: int) -> bool:
        """Whether the user is yet to be told of the wait in the current window (then: told)."""
        window = self._last.get(user_id)
        if window is None or self._told.get(user_id) == window:
            return False
        self._told[user_id] = window
        return True


def channel_pointer(
    allowed: Sequence[int], channel_id: int | None, parent_id: int | None = None
) -> str | None:
    """Where to ask instead, when the allow-list excludes this channel (or thread's parent)."""
    if not allowed or channel_id in allowed or (parent_id is not None and parent_id in allowed):
        return None
    named = ", ".join(f"<#{c}>" for c in allowed[:_NAMED_CHANNELS])
    more = " and a few others" if len(allowed) > _NAMED_CHANNELS else ""
    return f"I only answer in {named}{more}. Please ask me there."


def question_problem(question: str, max_chars: int) -> str | None:
    """Why a question can't be asked as it is, or None."""
    if not question.strip():
        return "Ask me a question about the story, for example: who said what?"
    try:
        check_question(question, max_chars)
    except QuestionTooLong as refused:
        return str(refused)  # the library's words, as `storybot chat` prints them
    return None


def cooldown_notice(retry_after: float) -> str | None:
    """A friendly wait message, or None when the user may ask now."""
    if retry_after <= 0:
        return None
    seconds = max(1, math.ceil(retry_after))
    return f"One question at a time, please: you can ask again in {seconds} s."


def interaction_pointer(allowed: Sequence[int], interaction: Any) -> str | None:
    """channel_pointer for an interaction's channel (or its thread's parent)."""
    parent_id = getattr(interaction.channel, "parent_id", None)
    return channel_pointer(allowed, interaction.channel_id, parent_id)
