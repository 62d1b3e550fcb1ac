"""Feedback on answers: one 👍 or 👎 per person per answer, changeable, and a 👎's comment.

A voter is stored as an HMAC-SHA256 of their Discord user id under a random key kept in
the state database (created once, shared by every process): enough to count one vote
per person, and no user id is written in clear. Votes never change rankings.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import Literal

from retrieval.state.database import StateDatabase
from retrieval.state.questions import QuestionLog, dump_after, dump_shown, timestamp

# What a vote did: first vote, changed from the other button, the same again, or an
# answer the log doesn't hold (deleted after the retention period, or never logged).
VoteResult = Literal["recorded", "changed", "unchanged", "unknown"]
MAX_COMMENT_CHARS = 500
_KEY_NAME = "voter_key"
_SPACES = re.compile(r"\s+")


class Feedback:
    """Votes and comments on the answers a QuestionLog holds."""

    def __init__(self, questions: QuestionLog) -> None:
        self.questions = questions
        self.database: StateDatabase = questions.database
        self._key = voter_key(self.database)

    def voter(self, user_id: int) -> str:
        """The keyed hash a user's votes are stored under."""
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()

    def vote(self, answer_id: str, user_id: int, helpful: bool) -> VoteResult:
        """Record or change a user's vote on an answer."""
        voter = self.voter(user_id)
        # What a 👎 is about, kept with the vote when the log doesn't hold the question.
        question, excerpts, after = None, None, None
        remembered = None if helpful else self.questions.unlogged(answer_id)
        if remembered is not None:
            question, excerpts = remembered.question, dump_shown(remembered.shown)
            after = dump_after(remembered.after)
        with self.database.transaction() as connection:
            if not connection.execute(
                "SELECT 1 FROM answers WHERE id = ?", (answer_id,)
            ).fetchone():
                return "unknown"
            before = connection.execute(
                "SELECT helpful FROM votes WHERE answer_id = ? AND voter = ?", (answer_id, voter)
            ).fetchone()
            if before is not None and bool(before["helpful"]) == helpful:
                return "unchanged"
            # A changed vote keeps nothing of the 👎 it was: no comment, no question.
            connection.execute(
                "INSERT OR REPLACE INTO votes (answer_id, voter, helpful, comment, question, "
                "excerpts, after, voted_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
                (answer_id, voter, int(helpful), question, excerpts, after, self._now()),
            )
        return "recorded" if before is None else "changed"

    def current(self, answer_id: str, user_id: int) -> bool | None:
        """The user's vote on an answer: True 👍, False 👎, None none."""
        rows = self.database.query(
            "SELECT helpful FROM votes WHERE answer_id = ? AND voter = ?",
            (answer_id, self.voter(user_id)),
        )
        return bool(rows[0]["helpful"]) if rows else None

    def comment(self, answer_id: str, user_id: int, text: str) -> bool:
        """Keep what a 👎 voter was looking for (cleaned, bounded); False without their 👎."""
        cleaned = clean_comment(text)
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "UPDATE votes SET comment = ? WHERE answer_id = ? AND voter = ? AND helpful = 0",
                (cleaned or None, answer_id, self.voter(user_id)),
            )
            return cursor.rowcount > 0

    def _now(self) -> str:
        return timestamp(self.questions.clock())


def voter_key(database: StateDatabase) -> bytes:
    """The HMAC key of voters: made once per state file, by whichever process comes first."""
    with database.transaction() as connection:
        connection.execute(
            "INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
            (_KEY_NAME, secrets.token_bytes(32)),
        )
        row = connection.execute("SELECT value FROM secrets WHERE name = ?", (_KEY_NAME,))
        return bytes(row.fetchone()["value"])


def clean_comment(text: str) -> str:
    """One line of at most MAX_COMMENT_CHARS: no control or invisible characters."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cc" or char in "\u2028\u2029":
            kept.append(" ")  # a line break or tab between words still separates them
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    line = _SPACES.sub(" ", "".join(kept)).strip()
    if len(line) > MAX_COMMENT_CHARS:
        line = line[: MAX_COMMENT_CHARS - 1].rstrip() + "…"
    return line
