"""Conversations in threads: each thread's follow-ups are read against its earlier questions.

Kept in memory only, one per thread, each ending after ``bot.conversation_idle_minutes``
unused; past ``MAX_CONVERSATIONS`` live ones the least recently used ends first. None of
it is stored: a restart starts every thread afresh.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from retrieval import Conversation, Retriever

# Live conversations kept at most (a few kilobytes each).
MAX_CONVERSATIONS = 1000


class Conversations:
    """The live conversations of threads, by thread id, with an idle time and an LRU cap."""

    def __init__(
        self,
        retriever: Retriever,
        idle_seconds: float,
        capacity: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.retriever = retriever
        self.idle_seconds = idle_seconds
        self.capacity = max(capacity, 1)
        self.clock = clock
        self._live: OrderedDict[int, tuple[Conversation, float]] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._live)

    def new(self) -> Conversation:
        """A conversation not yet kept for any thread (see ``keep``)."""
        return Conversation(self.retriever)

    def keep(self, thread_id: int, conversation: Conversation) -> None:
        """Keep ``conversation`` as the thread's, used now."""
        self._live[thread_id] = (conversation, self.clock())
        self._live.move_to_end(thread_id)
        while len(self._live) > self.capacity:
            self._live.popitem(last=False)

    def of(self, thread_id: int) -> Conversation:
        """The thread's conversation, used now: its live one, else a new one kept for it."""
        self._expire()
        live = self._live.get(thread_id)
        conversation = live[0] if live else self.new()
        self.keep(thread_id, conversation)
        return conversation

    def _expire(self) -> None:
        """End the conversations unused for the idle time (the oldest are first)."""
        now = self.clock()
        while self._live:
            thread_id, (_, used) = next(iter(self._live.items()))
            if now - used < self.idle_seconds:
                break
            del self._live[thread_id]
