"""The question log: each answer the bot gives, kept ``keep_days`` days, then deleted.

A logged answer has an id (the feedback buttons under it carry it), its guild, channel
and time, whether the articles answered, and, unless the log is off, the question and
the excerpts shown with their sources. With the log off, the text stays in this
process's memory for a while (bounded), only so that a 👎 vote can keep what it was
about; nothing else of it is written.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from retrieval.errors import StateError
from retrieval.state.database import StateDatabase

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Answers whose text is remembered in memory when the log is off, for 👎 votes.
UNLOGGED_ANSWERS = 2000
# How often a process that keeps recording deletes what is past the retention period.
PRUNE_EVERY = timedelta(hours=1)
ANSWER_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")
_SOURCE_FIELDS = ("id", "title", "source", "url", "published", "label")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(moment: datetime) -> str:
    """A time as stored: ISO 8601 in UTC, to the second (so text order is time order)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def normalize_question(text: str) -> str:
    """A question as the stats group it: case, punctuation and spacing don't count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(word.replace("’", "'") for word in _WORD.findall(text))


@dataclass(frozen=True)
class Shown:
    """An excerpt as it was shown, with its sources (id, title, source, url, published, label)."""

    excerpt: str
    sources: tuple[dict[str, str | None], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"excerpt": self.excerpt, "sources": [dict(s) for s in self.sources]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shown:
        sources = tuple(
            {key: _text_or_none(source.get(key)) for key in _SOURCE_FIELDS}
            for source in data.get("sources", [])
            if isinstance(source, dict)
        )
        return cls(str(data.get("excerpt", "")), sources)


@dataclass(frozen=True)
class LoggedAnswer:
    """One answer as the log keeps it; ``question`` is None when the log was off."""

    id: str
    guild_id: int | None
    channel_id: int | None
    asked_at: str
    question: str | None
    answered: bool
    shown: tuple[Shown, ...] = field(default=())
    # The questions asked before it in its conversation (a follow-up's context).
    after: tuple[str, ...] = ()


class QuestionLog:
    """Records answers and deletes them (and their votes) after ``keep_days`` days."""

    def __init__(
        self,
        database: StateDatabase,
        keep_days: int = 90,
        log_questions: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        self.database = database
        self.keep_days = keep_days
        self.log_questions = log_questions
        self.clock = clock
        self._unlogged: OrderedDict[str, Unlogged] = OrderedDict()
        self._memory_lock = threading.Lock()
        self._pruned_at: datetime | None = None
        self.prune()

    def record(
        self,
        question: str,
        shown: Sequence[Shown],
        guild_id: int | None = None,
        channel_id: int | None = None,
        after: Sequence[str] = (),
    ) -> str:
        """Log an answer (``shown`` empty: the articles didn't answer; ``after``: the
        questions asked before it in its conversation); its new id."""
        self.prune_if_due()
        answer_id = secrets.token_urlsafe(9)
        text = question if self.log_questions else None
        excerpts = dump_shown(shown) if self.log_questions and shown else None
        earlier = dump_after(after) if self.log_questions else None
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO answers (id, guild_id, channel_id, asked_at, question, normalized, "
                "answered, excerpts, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    guild_id,
                    channel_id,
                    timestamp(self.clock()),
                    text,
                    normalize_question(text) if text is not None else None,
                    int(bool(shown)),
                    excerpts,
                    earlier,
                ),
            )
        if not self.log_questions:
            self._remember(answer_id, Unlogged(question, tuple(shown), tuple(after)))
        return answer_id

    def get(self, answer_id: str) -> LoggedAnswer | None:
        """A logged answer, or None when there is none by that id (or it was deleted)."""
        rows = self.database.query("SELECT * FROM answers WHERE id = ?", (answer_id,))
        if not rows:
            return None
        row = rows[0]
        return LoggedAnswer(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            asked_at=row["asked_at"],
            question=row["question"],
            answered=bool(row["answered"]),
            shown=load_shown(row["excerpts"]),
            after=load_after(row["after"]),
        )

    def unlogged(self, answer_id: str) -> Unlogged | None:
        """The question and excerpts of a recent answer not written to the log, if remembered."""
        with self._memory_lock:
            return self._unlogged.get(answer_id)

    def cutoff(self) -> datetime:
        """The time before which answers are deleted."""
        return self.clock() - timedelta(days=self.keep_days)

    def prune(self) -> int:
        """Delete the answers (with their votes) older than the retention period; how many."""
        now = self.clock()
        with self.database.transaction() as connection:
            deleted = connection.execute(
                "DELETE FROM answers WHERE asked_at < ?", (timestamp(self.cutoff()),)
            ).rowcount
        self._pruned_at = now
        if deleted:
            log.info("Deleted %d logged answers older than %d days", deleted, self.keep_days)
        return int(deleted)

    def prune_if_due(self) -> int:
        """Prune when the last prune is older than PRUNE_EVERY."""
        if self._pruned_at is not None and self.clock() - self._pruned_at < PRUNE_EVERY:
            return 0
        return self.prune()

    def _remember(self, answer_id: str, unlogged: Unlogged) -> None:
        with self._memory_lock:
            self._unlogged[answer_id] = unlogged
            while len(self._unlogged) > UNLOGGED_ANSWERS:
                self._unlogged.popitem(last=False)


@dataclass(frozen=True)
class Unlogged:
    """An answer's text kept in memory only (the log is off), for a 👎 vote to keep."""

    question: str
    shown: tuple[Shown, ...]
    after: tuple[str, ...] = ()


def dump_after(after: Sequence[str]) -> str | None:
    return json.dumps(list(after), ensure_ascii=False) if after else None


def load_after(text: str | None) -> tuple[str, ...]:
    """A follow-up's earlier questions as a row keeps them; () when there are none."""
    return tuple(item for item in _json_list(text, "earlier questions") if isinstance(item, str))


def dump_shown(shown: Sequence[Shown]) -> str:
    return json.dumps([s.to_dict() for s in shown], ensure_ascii=False)


def load_shown(text: str | None) -> tuple[Shown, ...]:
    """The excerpts a row keeps; a row that can't be read is a StateError naming it."""
    items = _json_list(text, "excerpts")
    return tuple(Shown.from_dict(item) for item in items if isinstance(item, dict))


def _json_list(text: str | None, what: str) -> list[object]:
    """The JSON list a column keeps ([] when empty); StateError naming ``what`` otherwise."""
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"a logged answer's {what} are not readable: {exc}") from None
    if not isinstance(data, list):
        raise StateError(f"a logged answer's {what} are not a list")
    return data


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
