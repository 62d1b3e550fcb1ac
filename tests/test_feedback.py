"""The question log and feedback in the state database: votes, comments, retention, privacy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from retrieval import (
    MAX_COMMENT_CHARS,
    Feedback,
    QuestionLog,
    Shown,
    StateDatabase,
    question_stats,
    unhelpful_questions,
)
from retrieval.state.export import source_line

GUILD, CHANNEL = 771_234_567_890_123_456, 881_234_567_890_123_456
USER, OTHER = 283_749_501_234_567_890, 391_000_000_000_000_007
SHOWN = (
    Shown(
        "Deputy Mayor Norm Kelly said he asked the mayor to take a pause.",
        (
            {
                "id": "city.txt",
                "title": "Mayor refuses",
                "source": "Example Times",
                "url": "https://example.com/news/mayor",
                "published": "2013-11-06",
                "label": None,
            },
        ),
    ),
)
START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    """A settable clock, so that retention is tested without waiting."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_log(path: Path, clock: Clock, **options: object) -> QuestionLog:
    return QuestionLog(StateDatabase.open(path), clock=clock, **options)  # type: ignore[arg-type]


def raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_a_vote_is_recorded_once_then_changed(tmp_path: Path, clock: Clock) -> None:
    feedback = Feedback(open_log(tmp_path / "s.sqlite3", clock))
    answer = feedback.questions.record("Who asked for a pause?", SHOWN, GUILD, CHANNEL)
    steps = [
        (feedback.vote(answer, USER, helpful=True), feedback.current(answer, USER)),
        (feedback.vote(answer, USER, helpful=True), feedback.current(answer, USER)),
        (feedback.vote(answer, USER, helpful=False), feedback.current(answer, USER)),
        (feedback.vote(answer, OTHER, helpful=False), feedback.current(answer, OTHER)),
    ]
    assert steps == [
        ("recorded", True),
        ("unchanged", True),
        ("changed", False),
        ("recorded", False),
    ]
    assert raw(tmp_path / "s.sqlite3", "SELECT count(*), sum(helpful) FROM votes") == [(2, 0)]
    assert feedback.vote("no-such-answer", USER, helpful=True) == "unknown"


def test_a_comment_is_cleaned_bounded_and_kept_only_with_a_thumbs_down(
    tmp_path: Path, clock: Clock
) -> None:
    feedback = Feedback(open_log(tmp_path / "s.sqlite3", clock))
    answer = feedback.questions.record("Who asked for a pause?", SHOWN, GUILD, CHANNEL)
    assert feedback.comment(answer, USER, "no vote yet") is False
    feedback.vote(answer, USER, helpful=False)
    typed = "the\x00 deputy\u202e mayor's\u200b name\r\n\tplease " + "x" * 2000
    assert feedback.comment(answer, USER, typed) is True
    ((comment,),) = raw(tmp_path / "s.sqlite3", "SELECT comment FROM votes")
    assert isinstance(comment, str)
    assert comment.startswith("the deputy mayor's name please xxx") and comment.endswith("…")
    assert len(comment) == MAX_COMMENT_CHARS
    # Changing to 👍 keeps nothing of the 👎.
    feedback.vote(answer, USER, helpful=True)
    assert raw(tmp_path / "s.sqlite3", "SELECT comment FROM votes") == [(None,)]
    assert feedback.comment(answer, USER, "too late") is False


def test_retention_deletes_old_answers_and_their_votes(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "s.sqlite3"
    feedback = Feedback(open_log(path, clock, keep_days=90))
    old = feedback.questions.record("An old question?", SHOWN, GUILD, CHANNEL)
    feedback.vote(old, USER, helpful=False)
    clock.now += timedelta(days=60)
    recent = feedback.questions.record("A recent question?", (), GUILD, CHANNEL)
    feedback.vote(recent, USER, helpful=True)
    clock.now += timedelta(days=31)  # the old one is 91 days old, the recent one 31
    reopened = open_log(path, clock, keep_days=90)  # deletes on open
    assert reopened.get(old) is None and reopened.get(recent) is not None
    assert raw(path, "SELECT answer_id FROM votes") == [(recent,)]
    # A process that keeps running deletes them too, at its next record past the hour.
    clock.now += timedelta(days=60)
    feedback.questions.record("A new question?", (), GUILD, CHANNEL)
    assert feedback.questions.get(recent) is None
    assert raw(path, "SELECT count(*) FROM votes") == [(0,)]


def test_without_the_log_no_question_text_is_stored_except_with_a_thumbs_down(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "s.sqlite3"
    feedback = Feedback(open_log(path, clock, log_questions=False))
    liked = feedback.questions.record("Secret liked question?", SHOWN, GUILD, CHANNEL)
    unanswered = feedback.questions.record("Secret unanswered question?", (), GUILD, CHANNEL)
    disliked = feedback.questions.record("Who asked for a pause?", SHOWN, GUILD, CHANNEL)
    feedback.vote(liked, USER, helpful=True)
    feedback.vote(disliked, USER, helpful=False)
    feedback.questions.database.close()
    assert raw(path, "SELECT count(*) FROM answers WHERE question IS NULL") == [(3,)]
    assert raw(path, "SELECT count(*) FROM answers WHERE excerpts IS NOT NULL") == [(0,)]
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Secret" not in stored and b"Deputy Mayor" in stored  # the 👎 keeps its excerpts
    assert raw(path, "SELECT question FROM votes WHERE helpful = 0") == [
        ("Who asked for a pause?",)
    ]
    database = StateDatabase.open(path)
    stats = question_stats(database, START - timedelta(days=1), clock.now)
    assert (stats.asked, stats.answered, stats.logged, stats.unanswered) == (3, 2, 0, ())
    (item,) = unhelpful_questions(database, START - timedelta(days=1), clock.now)
    assert item.question == "Who asked for a pause?" and item.shown == SHOWN
    assert unanswered  # counted, never written as text


def test_no_user_id_is_stored_in_clear(tmp_path: Path, clock: Clock) -> None:
    feedback = Feedback(open_log(tmp_path / "s.sqlite3", clock))
    for n in range(20):
        answer = feedback.questions.record(f"Question {n}?", SHOWN, GUILD, CHANNEL)
        feedback.vote(answer, USER, helpful=n % 2 == 0)
        feedback.vote(answer, OTHER, helpful=False)
        feedback.comment(answer, OTHER, "a comment")
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # the file, its WAL too
    # The grep can see integers and text: the guild id and the questions are there.
    assert GUILD.to_bytes(8, "big") in stored and b"Question 19?" in stored
    for user in (USER, OTHER):
        for form in (str(user).encode(), user.to_bytes(8, "big"), user.to_bytes(8, "little")):
            assert form not in stored
    # One keyed hash per person: two voters, one key made once.
    assert raw(tmp_path / "s.sqlite3", "SELECT count(DISTINCT voter) FROM votes") == [(2,)]
    assert raw(tmp_path / "s.sqlite3", "SELECT count(*) FROM secrets") == [(1,)]


def test_the_voter_key_is_kept_so_votes_stay_one_per_person(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "s.sqlite3"
    first = Feedback(open_log(path, clock))
    answer = first.questions.record("Who asked for a pause?", SHOWN, GUILD, CHANNEL)
    first.vote(answer, USER, helpful=True)
    again = Feedback(open_log(path, clock))  # another process, or after a restart
    assert again.voter(USER) == first.voter(USER) != again.voter(OTHER)
    assert again.vote(answer, USER, helpful=True) == "unchanged"


def test_stats_count_a_period_per_guild_and_group_unanswered_questions(
    tmp_path: Path, clock: Clock
) -> None:
    feedback = Feedback(open_log(tmp_path / "s.sqlite3", clock))
    record = feedback.questions.record
    before = record("Too old for the period?", (), GUILD, CHANNEL)
    clock.now += timedelta(days=10)
    for text in ("Who is the police chief?", "who is the police chief", "WHO is the police chief"):
        record(text, (), GUILD, CHANNEL)
    record("What is the budget?", (), GUILD, CHANNEL)
    answered = record("Who asked for a pause?", SHOWN, GUILD, CHANNEL)
    record("Who is the police chief?", (), 5, 6)  # another guild
    feedback.vote(answered, USER, helpful=True)
    feedback.vote(answered, OTHER, helpful=False)
    feedback.vote(before, USER, helpful=False)  # on an answer outside the period
    stats = question_stats(
        feedback.database, clock.now - timedelta(days=5), clock.now, guild_id=GUILD
    )
    assert (stats.asked, stats.answered, stats.helpful, stats.unhelpful) == (5, 1, 1, 1)
    assert stats.answered_share == pytest.approx(0.2)
    assert stats.unanswered == (("who is the police chief", 3), ("what is the budget", 1))
    everywhere = question_stats(feedback.database, clock.now - timedelta(days=5), clock.now)
    assert everywhere.asked == 6 and everywhere.unanswered[0] == ("who is the police chief", 4)


WRITER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from retrieval import Feedback, QuestionLog, Shown, StateDatabase

    path, guild, other = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    feedback = Feedback(QuestionLog(StateDatabase.open(path)))
    mine = [feedback.questions.record(f"Q{n} of {guild}?", (Shown("x"),), guild, 1)
            for n in range(100)]
    print(" ".join(mine), flush=True)
    # Every answer of both processes gets a vote from user 7 and from this process's user.
    others = sys.stdin.readline().split()
    results = []
    for answer in mine + others:
        results.append(feedback.vote(answer, 7, helpful=False))
        results.append(feedback.vote(answer, guild, helpful=True))
    print(results.count("recorded"), results.count("unchanged"))
    """
)


def test_two_processes_write_votes_to_one_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"  # created by whichever process opens it first
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(guild), str(other)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for guild, other in ((1001, 1002), (1002, 1001))
    ]
    ids = []
    for process in processes:
        assert process.stdout is not None
        ids.append(process.stdout.readline().strip())
    outputs = [
        process.communicate(ids[1 - n] + "\n", timeout=120) for n, process in enumerate(processes)
    ]
    counted = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        recorded, unchanged = map(int, out.split())
        counted.append((recorded, unchanged))
    # User 7's vote on each of the 200 answers is recorded by one process, unchanged in the
    # other (the same keyed hash in both); each process's own user votes everywhere.
    assert sum(r for r, _ in counted) == 200 + 400 and sum(u for _, u in counted) == 200
    assert raw(path, "SELECT count(*) FROM answers") == [(200,)]
    assert raw(path, "SELECT count(*), count(DISTINCT voter) FROM votes") == [(600, 3)]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (
            {"id": "city", "title": "Mayor refuses", "source": "Example Times", "label": "x"},
            "Example Times · Mayor refuses · city",
        ),
        (
            {"id": "002_cf84", "published": "2013-11-06", "label": "Wire story on Ford"},
            "Wire story on Ford · 2013-11-06",
        ),
        ({"id": "bare\nid\u202e"}, "bare id"),
    ],
)
def test_the_exports_source_lines_name_articles_as_answers_do(
    source: dict[str, str | None], line: str
) -> None:
    assert source_line(source) == line
