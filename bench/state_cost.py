"""What the bot's state database costs: a channel lookup, a change, and writers at once;
logging an answer, a vote, and the stats and export queries over a full question log.

Opens a fresh state file in --workdir (a temporary folder by default), stores
--channels channel settings, then times --repeat lookups of a stored channel and of
one never set (the defaults), and --repeat changes; then --processes processes each
make --writes changes at once to the same file (each its own guild) and wait for each
other's. Prints microseconds per operation, the writers' changes per second together,
and the lookups that failed or saw a half-written channel (both should be 0). Last,
it fills a question log with --answers answers over 90 days in 20 servers (a third
unanswered, one in ten voted on) and times logging one more answer, a vote, /stats
for one server and `storybot stats` for all over 30 days, the export's query over the
whole log, and the retention's deletion of one day's answers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from retrieval import (
    ChannelStore,
    Feedback,
    QuestionLog,
    Shown,
    StateDatabase,
    question_stats,
    unhelpful_questions,
)


def per_call(action: Callable[[int], object], repeat: int) -> float:
    """Median microseconds of one call, over five runs of ``repeat`` calls."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for number in range(repeat):
            action(number)
        runs.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(runs)


def writer(path: Path, guild: int, writes: int, processes: int) -> None:
    """Make ``writes`` changes in one guild, then wait for every other writer's; print them."""
    store = ChannelStore(StateDatabase.open(path))
    start = time.perf_counter()
    for channel in range(writes):
        store.set(guild, channel, mode="off" if channel % 2 else "questions", threads=True)
    seconds = time.perf_counter() - start
    torn = 0
    for other in range(processes):
        while len(store.channels(other)) < writes:
            time.sleep(0.001)
        torn += sum(not s.threads for s in store.channels(other).values())
    print(f"{seconds} {torn}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, guild, writes, processes = args.child
        writer(Path(path), int(guild), int(writes), int(processes))
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        measure(Path(folder), args)


def measure(folder: Path, args: argparse.Namespace) -> None:
    path = folder / "state.sqlite3"
    store = ChannelStore(StateDatabase.open(path))
    with store.database.transaction() as connection:
        connection.executemany(
            "INSERT INTO channel_settings VALUES (?, ?, 'questions', 1, '')",
            [(999, channel) for channel in range(args.channels)],
        )
    stored = per_call(lambda n: store.get(999, n % args.channels), args.repeat)
    default = per_call(lambda n: store.get(998, n), args.repeat)
    change = per_call(lambda n: store.set(997, n % 50, threads=bool(n % 2)), args.repeat // 10)
    print(f"channels stored: {args.channels:,}")
    print(f"lookup, a stored channel: {stored:.1f} µs")
    print(f"lookup, a channel never set: {default:.1f} µs")
    print(f"change (one write transaction, WAL): {change:.1f} µs")
    shared = folder / "shared.sqlite3"
    command = [sys.executable, __file__, "--child", str(shared)]
    start = time.perf_counter()
    children = [
        subprocess.Popen(
            [*command, str(guild), str(args.writes), str(args.processes)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for guild in range(args.processes)
    ]
    outputs = [child.communicate()[0].split() for child in children]
    wall = time.perf_counter() - start
    failed = sum(child.returncode != 0 for child in children)
    torn = sum(int(out[1]) for out in outputs if len(out) == 2)
    total = args.processes * args.writes
    writing = max(float(out[0]) for out in outputs if len(out) == 2)
    print(f"{args.processes} processes × {args.writes} changes: {total / writing:,.0f} changes/s")
    print(f"  (wall {wall:.2f} s with start-up); failed processes {failed}, torn reads {torn}")
    measure_log(folder / "log.sqlite3", args.answers, args.repeat)


def timed_ms(action: Callable[[], object]) -> float:
    """Median milliseconds of five calls."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1e3)
    return statistics.median(runs)


def measure_log(path: Path, answers: int, repeat: int) -> None:
    feedback = Feedback(QuestionLog(StateDatabase.open(path)))
    log = feedback.questions
    now = log.clock()
    shown = [Shown("An excerpt of about three hundred characters. " * 6, ({"id": "a1"},))]
    excerpts = '[{"excerpt": "' + "An excerpt of three hundred characters. " * 7 + '"}]'
    rows = []
    for n in range(answers):
        asked = (now - timedelta(seconds=n * 90 * 86_400 // max(answers, 1))).isoformat(
            timespec="seconds"
        )
        answered = n % 3 != 0
        text = f"who is question number {n % 997 if answered else (n * 7) % 211}"
        rows.append((f"bench{n:012}", n % 20, 1, asked, text + "?", text, int(answered), excerpts))
    with log.database.transaction() as connection:
        connection.executemany(
            "INSERT INTO answers (id, guild_id, channel_id, asked_at, question, normalized, "
            "answered, excerpts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.executemany(
            "INSERT INTO votes (answer_id, voter, helpful, voted_at) VALUES (?, ?, ?, ?)",
            [(row[0], f"voter{n}", n % 2, row[3]) for n, row in enumerate(rows[::10])],
        )
    record = per_call(lambda n: log.record(f"A question {n}?", shown, 1, 1), repeat // 10)
    ids = [log.record(f"Voted {n}?", shown, 1, 1) for n in range(repeat // 10)]
    voters = iter(range(10**9))  # a new voter each time: every call writes a vote
    vote = per_call(lambda n: feedback.vote(ids[n], next(voters), helpful=False), repeat // 10)
    month = now - timedelta(days=30)
    one = timed_ms(lambda: question_stats(log.database, month, now, guild_id=3))
    every = timed_ms(lambda: question_stats(log.database, month, now))
    export = timed_ms(lambda: unhelpful_questions(log.database, now - timedelta(days=90), now))
    log.keep_days = 89
    start = time.perf_counter()
    deleted = log.prune()
    prune = (time.perf_counter() - start) * 1e3
    print(f"question log: {answers:,} answers over 90 days in 20 servers")
    print(f"log an answer (one write transaction): {record:.1f} µs; a vote: {vote:.1f} µs")
    print(f"/stats, one server, 30 days: {one:.1f} ms; all servers: {every:.1f} ms")
    print(f"export query, 90 days: {export:.1f} ms; retention, {deleted:,} deleted: {prune:.1f} ms")


if __name__ == "__main__":
    main()
