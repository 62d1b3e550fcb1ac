"""The state database: one SQLite file, WAL, a versioned schema migrated when opened."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import StateError

# Each entry takes the schema from its index to the next version (PRAGMA user_version).
# Append only: a released migration is never edited, so every file can be brought forward.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE channel_settings (
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            mode TEXT CHECK (mode IN ('mention', 'questions', 'off')),
            threads INTEGER CHECK (threads IN (0, 1)),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        )""",
    ),
    # The question log and feedback. No Discord user id is stored: a voter is an HMAC of
    # their id under a key kept in ``secrets``. ``question`` and ``excerpts`` are NULL
    # when the log is off; a vote then keeps what its feedback needs itself.
    (
        "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
        """CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            guild_id INTEGER,
            channel_id INTEGER,
            asked_at TEXT NOT NULL,
            question TEXT,
            normalized TEXT,
            answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
            excerpts TEXT
        )""",
        "CREATE INDEX answers_by_time ON answers (asked_at)",
        "CREATE INDEX answers_by_guild ON answers (guild_id, asked_at)",
        """CREATE TABLE votes (
            answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            voter TEXT NOT NULL,
            helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
            comment TEXT,
            question TEXT,
            excerpts TEXT,
            voted_at TEXT NOT NULL,
            PRIMARY KEY (answer_id, voter)
        )""",
    ),
    # Followed feeds (storybot follow), and the entries each update has dealt with.
    (
        """CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            title TEXT,
            added_at TEXT NOT NULL,
            last_fetch TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            error TEXT,
            etag TEXT,
            last_modified TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_fetch TEXT,
            articles INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE feed_items (
            feed_url TEXT NOT NULL REFERENCES feeds (url) ON DELETE CASCADE,
            key TEXT NOT NULL,
            outcome TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, key)
        )""",
    ),
    # A follow-up's earlier questions in its conversation (a JSON list), so that the
    # feedback export can write it as an eval item with `after:`.
    (
        "ALTER TABLE answers ADD COLUMN after TEXT",
        "ALTER TABLE votes ADD COLUMN after TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_SECONDS = 10.0


class StateDatabase:
    """A connection to the state file, safe to use from several threads one at a time."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, busy_seconds: float = BUSY_SECONDS) -> StateDatabase:
        """Open (creating it if missing) and migrate the file; StateError when it can't be."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                path, timeout=busy_seconds, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"{path}: cannot open the state database: {exc}") from exc
        try:
            _configure(connection, path, busy_seconds)
            _migrate(connection, path)
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise StateError(f"{path}: not a usable state database: {exc}") from exc
        except BaseException:
            connection.close()
            raise
        return cls(path, connection)

    @property
    def version(self) -> int:
        with self._lock:
            return _user_version(self._connection)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, committed unless it raises."""
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StateError(f"{self.path}: cannot write the state: {exc}") from exc
            try:
                yield self._connection
            except sqlite3.Error as exc:
                self._connection.execute("ROLLBACK")
                raise StateError(f"{self.path}: cannot write the state: {exc}") from exc
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            try:
                self._connection.execute("COMMIT")
            except sqlite3.Error as exc:
                self._connection.execute("ROLLBACK")
                raise StateError(f"{self.path}: cannot write the state: {exc}") from exc

    def query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """The rows of one read."""
        with self._lock:
            try:
                return list(self._connection.execute(sql, parameters))
            except sqlite3.Error as exc:
                raise StateError(f"{self.path}: cannot read the state: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _configure(connection: sqlite3.Connection, path: Path, busy_seconds: float) -> None:
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
    # Reading the header refuses a file that is not SQLite, or is newer, before anything
    # writes to it: switching to WAL is itself a write.
    _check_version(connection, path)
    _switch_to_wal(connection, busy_seconds)
    # In WAL mode NORMAL never corrupts the file and loses nothing when a process dies;
    # only a power loss may take back the last commits. FULL syncs every commit: a
    # logged answer or a vote cost 4.4-5.1 ms with it, 0.15-0.18 ms without.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


def _switch_to_wal(connection: sqlite3.Connection, busy_seconds: float) -> None:
    """Journal in WAL; retried while locked, as SQLite doesn't wait on this switch itself.

    Two processes opening a new file at once would otherwise see "database is locked"
    (19 of 300 opens did, before this retry).
    """
    deadline = time.monotonic() + busy_seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Apply the migrations the file lacks, all in one transaction."""
    if _check_version(connection, path) == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated it while this one waited for the lock.
        for statements in MIGRATIONS[_check_version(connection, path) :]:
            for statement in statements:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _check_version(connection: sqlite3.Connection, path: Path) -> int:
    version = _user_version(connection)
    if version > SCHEMA_VERSION:
        raise StateError(
            f"{path}: the state database has schema version {version}, newer than this "
            f"storybot knows ({SCHEMA_VERSION}): upgrade storybot to use it"
        )
    return version


def _user_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])
