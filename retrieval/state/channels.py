"""Per-channel settings of the bot: the channel's mode and whether answers go to threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from retrieval.errors import StateError
from retrieval.settings import CHANNEL_MODES, ChannelMode
from retrieval.state.database import StateDatabase


@dataclass(frozen=True)
class ChannelSettings:
    """How the bot treats one channel; ``stored`` is False when all of it is the default."""

    mode: ChannelMode
    threads: bool
    stored: bool = False


class ChannelStore:
    """Channel settings kept in the state database, falling back to the config's defaults."""

    def __init__(
        self, database: StateDatabase, default_mode: ChannelMode = "mention", threads: bool = False
    ) -> None:
        self.database = database
        self.defaults = ChannelSettings(default_mode, threads)

    def get(self, guild_id: int, channel_id: int) -> ChannelSettings:
        """The channel's settings: what was set for it, the defaults for the rest."""
        rows = self.database.query(
            "SELECT mode, threads FROM channel_settings WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        if not rows:
            return self.defaults
        mode, threads = rows[0]["mode"], rows[0]["threads"]
        return ChannelSettings(
            mode=self.defaults.mode if mode is None else mode,
            threads=self.defaults.threads if threads is None else bool(threads),
            stored=True,
        )

    def set(
        self,
        guild_id: int,
        channel_id: int,
        *,
        mode: ChannelMode | None = None,
        threads: bool | None = None,
    ) -> ChannelSettings:
        """Set the mode and/or the threads flag of a channel; the others keep their value."""
        if mode is not None and mode not in CHANNEL_MODES:
            raise StateError(f"unknown channel mode {mode!r} (one of {', '.join(CHANNEL_MODES)})")
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO channel_settings (guild_id, channel_id, mode, threads, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET "
                "mode = coalesce(excluded.mode, mode), "
                "threads = coalesce(excluded.threads, threads), "
                "updated_at = excluded.updated_at",
                (guild_id, channel_id, mode, None if threads is None else int(threads), _now()),
            )
        return self.get(guild_id, channel_id)

    def reset(self, guild_id: int, channel_id: int) -> bool:
        """Back to the defaults; whether anything had been set."""
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM channel_settings WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cursor.rowcount > 0

    def channels(self, guild_id: int) -> dict[int, ChannelSettings]:
        """Every channel of a guild with settings of its own."""
        rows = self.database.query(
            "SELECT channel_id FROM channel_settings WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return {row["channel_id"]: self.get(guild_id, row["channel_id"]) for row in rows}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
