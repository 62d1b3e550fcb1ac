"""What the question log tells an editor: stats over a period, the questions marked unhelpful."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from retrieval.state.database import StateDatabase
from retrieval.state.questions import (
    Shown,
    load_after,
    load_shown,
    normalize_question,
    timestamp,
)

TOP_UNANSWERED = 10


@dataclass(frozen=True)
class QuestionStats:
    """Questions asked in a period (one guild's, or all), how many answered, the votes."""

    since: str
    until: str
    guild_id: int | None
    asked: int
    answered: int
    helpful: int
    unhelpful: int
    # Questions whose text the log keeps (none while ``bot.log_questions`` is off).
    logged: int
    # The most frequent unanswered questions, normalised, with how often they were asked.
    unanswered: tuple[tuple[str, int], ...]

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "guild": self.guild_id,
            "asked": self.asked,
            "answered": self.answered,
            "answered_share": self.answered_share,
            "helpful": self.helpful,
            "unhelpful": self.unhelpful,
            "questions_logged": self.logged,
            "top_unanswered": [{"question": q, "count": n} for q, n in self.unanswered],
        }


@dataclass(frozen=True)
class Unhelpful:
    """A question people marked unhelpful: its votes, their comments, what was shown last."""

    question: str
    unhelpful: int
    helpful: int
    comments: tuple[str, ...]
    shown: tuple[Shown, ...]
    last_asked: str
    # The questions asked before it, when it was a follow-up in a conversation.
    after: tuple[str, ...] = ()


def question_stats(
    database: StateDatabase,
    since: datetime,
    until: datetime,
    guild_id: int | None = None,
    top: int = TOP_UNANSWERED,
) -> QuestionStats:
    """The figures of the answers logged from ``since`` to ``until`` (in a guild, or all)."""
    where, parameters = _period(since, until, guild_id)
    (row,) = database.query(
        "SELECT count(*) AS asked, coalesce(sum(answered), 0) AS answered, "
        f"count(question) AS logged FROM answers WHERE {where}",
        parameters,
    )
    (votes,) = database.query(
        "SELECT coalesce(sum(v.helpful), 0) AS helpful, "
        "coalesce(sum(1 - v.helpful), 0) AS unhelpful "
        f"FROM votes v JOIN answers ON answers.id = v.answer_id WHERE {where}",
        parameters,
    )
    unanswered = database.query(
        "SELECT normalized, count(*) AS n, max(asked_at) AS last FROM answers "
        f"WHERE {where} AND answered = 0 AND normalized IS NOT NULL AND normalized != '' "
        "GROUP BY normalized ORDER BY n DESC, last DESC, normalized LIMIT ?",
        (*parameters, top),
    )
    return QuestionStats(
        since=timestamp(since),
        until=timestamp(until),
        guild_id=guild_id,
        asked=row["asked"],
        answered=row["answered"],
        helpful=votes["helpful"],
        unhelpful=votes["unhelpful"],
        logged=row["logged"],
        unanswered=tuple((r["normalized"], r["n"]) for r in unanswered),
    )


def unhelpful_questions(
    database: StateDatabase,
    since: datetime,
    until: datetime,
    guild_id: int | None = None,
) -> list[Unhelpful]:
    """Each question with a 👎 in the period, the most 👎 first; the same question asked
    in other words ("Who is the mayor?", "who is the mayor") after the same earlier
    questions is one."""
    where, parameters = _period(since, until, guild_id)
    rows = database.query(
        "SELECT answers.id, answers.asked_at, coalesce(answers.question, v.question) AS question, "
        "coalesce(answers.excerpts, v.excerpts) AS excerpts, "
        "coalesce(answers.after, v.after) AS after, v.helpful, v.comment "
        "FROM answers JOIN votes v ON v.answer_id = answers.id "
        f"WHERE {where} ORDER BY answers.asked_at",
        parameters,
    )
    groups: dict[tuple[str, ...], list[Any]] = {}
    for row in rows:
        if row["question"]:
            # A follow-up is the same question only after the same earlier ones.
            asked = (*load_after(row["after"]), row["question"])
            groups.setdefault(tuple(map(normalize_question, asked)), []).append(row)
    found = [_unhelpful(group) for group in groups.values()]
    marked = [item for item in found if item.unhelpful]
    return sorted(marked, key=lambda item: (item.unhelpful, item.last_asked), reverse=True)


def _unhelpful(rows: list[Any]) -> Unhelpful:
    down = [row for row in rows if not row["helpful"]]
    latest = (down or rows)[-1]
    comments = dict.fromkeys(row["comment"] for row in down if row["comment"])
    return Unhelpful(
        question=latest["question"],
        unhelpful=len(down),
        helpful=len(rows) - len(down),
        comments=tuple(comments),
        shown=load_shown(latest["excerpts"]),
        last_asked=max(row["asked_at"] for row in rows),
        after=load_after(latest["after"]),
    )


def _period(since: datetime, until: datetime, guild_id: int | None) -> tuple[str, tuple[Any, ...]]:
    where = "answers.asked_at >= ? AND answers.asked_at <= ?"
    parameters: tuple[Any, ...] = (timestamp(since), timestamp(until))
    if guild_id is not None:
        where += " AND answers.guild_id = ?"
        parameters += (guild_id,)
    return where, parameters
