"""The state database: migrated at open, refused when newer or damaged, shared by processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from retrieval import ChannelSettings, ChannelStore, QuestionLog, StateDatabase, StateError
from retrieval.state.database import MIGRATIONS, SCHEMA_VERSION

# Every table the migrations make.
TABLES = {"channel_settings", "secrets", "answers", "votes", "feeds", "feed_items"}


@pytest.fixture
def store(tmp_path: Path) -> ChannelStore:
    return ChannelStore(StateDatabase.open(tmp_path / "state.sqlite3"), "mention", False)


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_a_new_file_is_created_in_wal_with_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    database = StateDatabase.open(path)
    assert database.version == SCHEMA_VERSION >= 1
    (mode,) = database.query("PRAGMA journal_mode")[0]
    assert mode == "wal"
    (synchronous,) = database.query("PRAGMA synchronous")[0]
    assert synchronous == 1  # NORMAL: a commit is not synced to disk before it returns
    assert tables(path) == TABLES
    database.close()


def test_a_version_0_file_is_migrated_and_keeps_what_it_held(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.execute("INSERT INTO notes VALUES ('kept')")
    assert tables(path) == {"notes"}
    StateDatabase.open(path).close()
    assert tables(path) == {"notes", *TABLES}
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert connection.execute("SELECT text FROM notes").fetchall() == [("kept",)]


def test_a_version_1_file_gets_the_question_log_and_keeps_its_channels(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(MIGRATIONS[0][0])
        connection.execute(
            "INSERT INTO channel_settings VALUES (1, 2, 'off', 1, '2026-01-01T00:00:00+00:00')"
        )
        connection.execute("PRAGMA user_version = 1")
    database = StateDatabase.open(path)
    assert database.version == SCHEMA_VERSION and tables(path) == TABLES
    assert ChannelStore(database).get(1, 2) == ChannelSettings("off", True, stored=True)
    assert QuestionLog(database).record("Who?", ()) is not None


def test_settings_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    ChannelStore(StateDatabase.open(path)).set(1, 2, mode="off", threads=True)
    again = ChannelStore(StateDatabase.open(path))
    assert again.get(1, 2) == ChannelSettings("off", True, stored=True)


def test_a_newer_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StateError) as refused:
        StateDatabase.open(path)
    message = str(refused.value)
    assert str(path) in message and f"schema version {SCHEMA_VERSION + 1}" in message
    assert "\n" not in message
    assert path.read_bytes() == before and tables(path) == set()


@pytest.mark.parametrize(
    "content",
    [
        b"channel,mode\n1,off\n" * 200,  # some other file given as the state
        b"SQLite format 3\x00" + bytes(range(256)) * 8,  # a damaged header
    ],
)
def test_a_damaged_file_is_refused_and_left_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StateError) as refused:
        StateDatabase.open(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: not a usable state database") and "\n" not in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite3"]


def test_get_falls_back_to_the_defaults(tmp_path: Path) -> None:
    store = ChannelStore(StateDatabase.open(tmp_path / "s.sqlite3"), "questions", True)
    assert store.get(1, 2) == ChannelSettings("questions", True, stored=False)
    # Only the mode set: the threads flag still follows the config.
    assert store.set(1, 2, mode="off") == ChannelSettings("off", True, stored=True)


def test_set_changes_only_what_is_given_and_reset_forgets(store: ChannelStore) -> None:
    store.set(10, 20, mode="questions")
    store.set(10, 20, threads=True)
    assert store.get(10, 20) == ChannelSettings("questions", True, stored=True)
    assert store.get(10, 21) == ChannelSettings("mention", False)  # another channel
    assert store.get(11, 20) == ChannelSettings("mention", False)  # another guild
    assert store.channels(10) == {20: ChannelSettings("questions", True, stored=True)}
    assert store.reset(10, 20) is True
    assert store.get(10, 20) == ChannelSettings("mention", False)
    assert store.reset(10, 20) is False


def test_an_unknown_mode_is_refused(store: ChannelStore) -> None:
    with pytest.raises(StateError, match="unknown channel mode 'loud'"):
        store.set(1, 2, mode="loud")  # type: ignore[arg-type]
    assert store.get(1, 2).stored is False


WRITER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from retrieval import ChannelStore, StateDatabase

    path, guild, other = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    store = ChannelStore(StateDatabase.open(path))
    for channel in range(200):
        store.set(guild, channel, mode="off" if channel % 2 else "questions", threads=True)
    # Wait until the other process has written all of its own, then read them.
    deadline = time.monotonic() + 60
    while len(store.channels(other)) < 200:
        if time.monotonic() > deadline:
            sys.exit("the other process's channels never all appeared")
        time.sleep(0.005)
    print(sum(s.mode == "off" and s.threads for s in store.channels(other).values()))
    """
)


def test_two_processes_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"  # created by whichever process opens it first
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(guild), str(other)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for guild, other in ((1, 2), (2, 1))
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert out.strip() == "100"  # each saw the other's 100 'off' channels, threads on
    store = ChannelStore(StateDatabase.open(path))
    for guild in (1, 2):
        assert len(store.channels(guild)) == 200
        assert store.get(guild, 7) == ChannelSettings("off", True, stored=True)


def test_the_cost_script_runs(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "bench" / "state_cost.py"
    small = ["--channels", "50", "--repeat", "20", "--writes", "20", "--answers", "300"]
    output = subprocess.run(
        [sys.executable, str(script), "--workdir", str(tmp_path), *small],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "lookup, a stored channel: " in output
    assert "2 processes × 20 changes: " in output
    assert "failed processes 0, torn reads 0" in output
    assert "question log: 300 answers over 90 days in 20 servers" in output
    assert "log an answer (one write transaction): " in output and "; a vote: " in output
    assert "/stats, one server, 30 days: " in output and "retention, " in output


def _open_at_once(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        StateDatabase.open(Path(path)).close()
        results.put("ok")
    except StateError as error:
        results.put(str(error))


def test_two_processes_opening_a_new_file_at_once_both_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL doesn't wait on SQLite's busy timeout: 19 of 300 such
    # opens failed with "database is locked" before the switch was retried.
    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(40):
        path = str(tmp_path / f"state-{trial}.sqlite3")
        barrier, results = context.Barrier(2), context.Queue()
        workers = [
            context.Process(target=_open_at_once, args=(path, barrier, results)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        failures += [r for r in (results.get(timeout=10) for _ in workers) if r != "ok"]
    assert failures == []
