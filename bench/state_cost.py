"""What the bot's state database costs: a channel lookup, a change, and writers at once.

Opens a fresh state file in --workdir (a temporary folder by default), stores
--channels channel settings, then times --repeat lookups of a stored channel and of
one never set (the defaults), and --repeat changes; last, --processes processes each
make --writes changes at once to the same file (each its own guild) and wait for each
other's. Prints microseconds per operation, the writers' changes per second together,
and the lookups that failed or saw a half-written channel (both should be 0).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from retrieval import ChannelStore, StateDatabase


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


if __name__ == "__main__":
    main()
