"""Followed feeds in the state database: each feed's last fetch and its outcome, the
validators for the next conditional request, the backoff after errors, and the entries
already dealt with, so that an update looks only at what is new."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.state.database import StateDatabase

# SQLite's limit on the parameters of one statement is 999 in older builds.
_CHUNK = 500


@dataclass(frozen=True)
class FeedRecord:
    """A followed feed as stored; times are ISO 8601 in UTC."""

    url: str
    title: str | None
    added_at: str
    last_fetch: str | None
    status: str  # new, ok, not modified, error
    error: str | None
    etag: str | None
    last_modified: str | None
    failures: int  # errors in a row
    next_fetch: str | None  # not fetched again before this (after errors)
    articles: int  # articles taken from it in all


_COLUMNS = (
    "url, title, added_at, last_fetch, status, error, etag, last_modified, failures, "
    "next_fetch, articles"
)


class FeedStore:
    """The followed feeds, kept in the state database (several processes may share it)."""

    def __init__(self, database: StateDatabase) -> None:
        self.database = database

    def follow(self, url: str, title: str | None, now: str) -> bool:
        """Follow a feed; False when it was already followed (then nothing changes)."""
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO NOTHING",
                (url, title, now),
            )
            return cursor.rowcount > 0

    def unfollow(self, url: str) -> bool:
        """Stop following a feed (its entries are forgotten); False if it wasn't followed."""
        with self.database.transaction() as connection:
            return connection.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def get(self, url: str) -> FeedRecord | None:
        rows = self.database.query(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return FeedRecord(*rows[0]) if rows else None

    def all(self) -> list[FeedRecord]:
        """Every followed feed, in the order they were followed."""
        rows = self.database.query(f"SELECT {_COLUMNS} FROM feeds ORDER BY added_at, rowid")
        return [FeedRecord(*row) for row in rows]

    def outcomes(self, url: str, keys: Sequence[str]) -> dict[str, tuple[str, int]]:
        """The outcome and attempts of those entries an earlier update dealt with, by key."""
        found: dict[str, tuple[str, int]] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self.database.query(
                "SELECT key, outcome, attempts FROM feed_items "
                f"WHERE feed_url = ? AND key IN ({marks})",
                (url, *chunk),
            )
            found.update((row["key"], (row["outcome"], row["attempts"])) for row in rows)
        return found

    def record(
        self,
        url: str,
        *,
        fetched_at: str,
        status: str,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        failures: int = 0,
        next_fetch: str | None = None,
        title: str | None = None,
        added: int = 0,
        items: Iterable[tuple[str, str, int]] = (),
    ) -> bool:
        """Store an update of a feed and its entries' (key, outcome, attempts), at once.

        False when the feed is no longer followed (unfollowed meanwhile): nothing is stored.
        """
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "UPDATE feeds SET last_fetch = ?, status = ?, error = ?, etag = ?, "
                "last_modified = ?, failures = ?, next_fetch = ?, "
                "title = coalesce(?, title), articles = articles + ? WHERE url = ?",
                (
                    fetched_at, status, error, etag, last_modified, failures, next_fetch,
                    title, added, url,
                ),
            )  # fmt: skip
            if cursor.rowcount == 0:
                return False
            connection.executemany(
                "INSERT INTO feed_items (feed_url, key, outcome, attempts, seen_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed_url, key) DO UPDATE SET "
                "outcome = excluded.outcome, attempts = excluded.attempts, "
                "seen_at = excluded.seen_at",
                [(url, key, outcome, tries, fetched_at) for key, outcome, tries in items],
            )
            return True

    def close(self) -> None:
        self.database.close()
