"""Settings: a YAML file loaded safely and validated against typed dataclasses.

An unknown key or a value of the wrong type is reported with the dotted key and
the file. Secrets never live here: the Discord token comes from DISCORD_TOKEN.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import Stemmer

from retrieval.errors import ConfigError
from retrieval.yamlfile import read_yaml

CONFIG_ENV = "STORYBOT_CONFIG"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "storybot.yaml"

Model = Literal["okapi", "plus", "l"]
# How the bot treats a channel: mentions and /ask, every question, or nothing.
ChannelMode = Literal["mention", "questions", "off"]
CHANNEL_MODES: tuple[ChannelMode, ...] = ("mention", "questions", "off")


@dataclass(frozen=True)
class AnalysisSettings:
    """How text becomes terms, for passages and questions alike."""

    stemmer: str | None = "english"
    stopwords: bool = True
    fuzzy: bool = True
    # Processes that analyse articles for a rebuild or a bulk add; 0: one per core.
    workers: int = 0


@dataclass(frozen=True)
class RetrievalSettings:
    """The BM25 model, its parameters and when to answer at all."""

    model: Model = "okapi"
    k1: float = 0.9
    b: float = 0.5
    epsilon: float = 0.25
    delta: float | None = None
    top_k: int = 3
    min_coverage: float = 0.35
    # The longest question, however it is asked (the bot, ask, ask -, chat).
    max_question_chars: int = 300


@dataclass(frozen=True)
class ExcerptSettings:
    """How much of a passage is quoted: ``target_chars`` usually, never over ``max_chars``."""

    target_chars: int = 300
    max_chars: int = 400


@dataclass(frozen=True)
class FetchSettings:
    """Fetching articles from URLs: what may be fetched, and how much."""

    allow_private: bool = False
    timeout_seconds: float = 15.0
    max_bytes: int = 5_000_000


@dataclass(frozen=True)
class LockSettings:
    """How long to wait for another process updating the index (it holds the folder's lock)."""

    # A question: past this it is answered from the last saved index.
    read_seconds: float = 5.0
    # add and remove: past this they stop with an error.
    write_seconds: float = 600.0


@dataclass(frozen=True)
class FeedSettings:
    """Followed feeds: how often the bot updates them, what is kept, where news is posted."""

    interval_minutes: float = 30.0
    # Share of a new article's main terms one corpus article must use (intake/relevance.py).
    min_relevance: float = 0.5
    max_items_per_update: int = 20
    announce_channel: int | None = None


@dataclass(frozen=True)
class BotSettings:
    """The Discord adapter's behaviour; the token is read from DISCORD_TOKEN only."""

    prefix: str = "!"
    prefix_commands: bool = False
    test_guild: int | None = None
    cooldown_seconds: float = 5.0
    allowed_channels: list[int] = field(default_factory=list)
    page_timeout_seconds: float = 180.0
    pages: int = 3
    add_roles: list[str] = field(default_factory=list)
    # A channel's mode and threads flag until /settings sets them for it.
    default_mode: ChannelMode = "mention"
    threads: bool = False
    # Request the privileged message-content intent (questions mode needs it).
    message_content: bool = False
    # Keep each question's text and the excerpts shown in the state (for stats and export).
    log_questions: bool = True
    # Days the question log and its votes are kept.
    question_log_days: int = 90
    # A thread's conversation (its follow-ups' context) ends after this long unused.
    conversation_idle_minutes: float = 30.0
    # Gateway shards: None lets discord.py ask Discord how many, all in this process;
    # shard_ids runs only those (others in other processes), of shard_count in all.
    shard_count: int | None = None
    shard_ids: list[int] | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the config file can set; paths are absolute once loaded."""

    corpus: Path = PROJECT_ROOT / "seeds"
    index: Path = PROJECT_ROOT / ".storybot" / "index"
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    excerpts: ExcerptSettings = field(default_factory=ExcerptSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    lock: LockSettings = field(default_factory=LockSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    # The SQLite file of the bot's state; None: state.sqlite3 beside the index folder.
    state: Path | None = None
    source: Path | None = None

    @property
    def state_path(self) -> Path:
        """Where the state database is: ``state``, else beside the index folder."""
        return self.state if self.state is not None else self.index.parent / "state.sqlite3"

    def with_shards(self, ids: list[int] | None, count: int | None) -> Settings:
        """A copy running these shards (None keeps the config's value for each)."""
        bot = dataclasses.replace(
            self.bot,
            shard_ids=self.bot.shard_ids if ids is None else ids,
            shard_count=self.bot.shard_count if count is None else count,
        )
        return dataclasses.replace(self, bot=bot)

    def with_paths(self, corpus: Path | None = None, index: Path | None = None) -> Settings:
        """A copy with the corpus and/or index folder overridden."""
        return dataclasses.replace(
            self,
            corpus=corpus.resolve() if corpus else self.corpus,
            index=index.resolve() if index else self.index,
        )


@dataclass(frozen=True)
class Range:
    """The values a number may take; ``open_low`` excludes the lower bound itself."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False

    def allows(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return False
        return self.high is None or value <= self.high

    def rule(self) -> str:
        """The rule in words: "must be greater than 0 and at most 120"."""
        parts = []
        if self.low is not None:
            parts.append(f"{'greater than' if self.open_low else 'at least'} {_number(self.low)}")
        if self.high is not None:
            parts.append(f"at most {_number(self.high)}")
        return "must be " + " and ".join(parts)


_RANGES: dict[str, Range] = {
    "analysis.workers": Range(0, 64),
    "retrieval.k1": Range(0),
    "retrieval.b": Range(0, 1),
    "retrieval.epsilon": Range(0),
    "retrieval.delta": Range(0),
    "retrieval.top_k": Range(1, 25),
    "retrieval.min_coverage": Range(0, 1),
    "retrieval.max_question_chars": Range(10, 2000),
    "excerpts.target_chars": Range(80, 400),
    "excerpts.max_chars": Range(80, 400),
    "fetch.timeout_seconds": Range(0, 120, open_low=True),
    "fetch.max_bytes": Range(1000, 50_000_000),
    "lock.read_seconds": Range(0, 600),
    "lock.write_seconds": Range(0, 86_400),
    "feeds.interval_minutes": Range(1, 10_080),
    "feeds.min_relevance": Range(0, 1),
    "feeds.max_items_per_update": Range(1, 500),
    "bot.cooldown_seconds": Range(0),
    # A slash command's reply can only be edited for 15 minutes after the question.
    "bot.page_timeout_seconds": Range(0, 840, open_low=True),
    "bot.pages": Range(1, 10),
    "bot.question_log_days": Range(1, 3650),
    "bot.conversation_idle_minutes": Range(0, 1440, open_low=True),
    "bot.shard_count": Range(1),
}


# Keys that have moved: the old name is refused with a message naming the new one.
_MOVED = {"bot.max_question_chars": "retrieval.max_question_chars"}

# Where the folders are, relative to the config file, when it doesn't say.
_DEFAULT_PATHS = {"corpus": "../seeds", "index": "../.storybot/index"}


def config_path(explicit: str | Path | None = None) -> Path:
    """The config file to use: the one given, else $STORYBOT_CONFIG, else the project's."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else DEFAULT_CONFIG


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate a config file; relative paths in it are relative to the file."""
    file = config_path(path)
    raw = read_yaml(file, ConfigError, "config file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: the top level must be a mapping of keys to values")
    values = _build(Settings, raw, "", file)
    _cross_check(values, file)
    base = file.resolve().parent
    for key, default in _DEFAULT_PATHS.items():
        values[key] = (base / values.get(key, default)).resolve()
    if values.get("state") is not None:
        values["state"] = (base / values["state"]).resolve()
    return Settings(**values, source=file.resolve())


def _build(cls: type, raw: dict[str, Any], prefix: str, file: Path) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if dotted in _MOVED:
            new = _MOVED[dotted]
            raise ConfigError(f"{file}: '{dotted}' is now '{new}' (it applies however one asks)")
        if not isinstance(key, str) or key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{file}: unknown key '{dotted}' (known here: {known})")
        values[key] = _convert(hints[key], value, dotted, file)
        problem = _problem(dotted, values[key])
        if problem:
            raise ConfigError(f"{file}: '{dotted}' {problem}, got {value!r}")
    return values


def _problem(key: str, value: Any) -> str | None:
    """The rule a converted value breaks, or None."""
    if value is None:
        return None
    limits = _RANGES.get(key)
    if limits is not None and not limits.allows(value):
        return limits.rule()
    if key == "bot.prefix" and not value.strip():
        return "must not be empty"
    if key == "analysis.stemmer" and value not in Stemmer.algorithms():
        return f"must be a Snowball language ({', '.join(Stemmer.algorithms())}) or null"
    return None


def _cross_check(values: dict[str, Any], file: Path) -> None:
    """Rules between keys, checked once each section is valid on its own."""
    excerpts = values.get("excerpts")
    if isinstance(excerpts, ExcerptSettings) and excerpts.target_chars > excerpts.max_chars:
        raise ConfigError(
            f"{file}: 'excerpts.target_chars' must be at most 'excerpts.max_chars' "
            f"({excerpts.max_chars}), got {excerpts.target_chars}"
        )
    bot = values.get("bot")
    if isinstance(bot, BotSettings):
        problem = shard_problem(
            bot.shard_ids, bot.shard_count, "'bot.shard_ids'", "'bot.shard_count'"
        )
        if problem:
            raise ConfigError(f"{file}: {problem}")


def shard_problem(
    ids: list[int] | None,
    count: int | None,
    ids_name: str = "the shard ids",
    count_name: str = "the shard count",
) -> str | None:
    """Why shard ids and a shard count can't be run together, or None."""
    if count is not None and count < 1:
        return f"{count_name} must be at least 1, got {count}"
    if ids is None:
        return None
    if not ids:
        return f"{ids_name} must name at least one shard (or be left out to run them all)"
    if count is None:
        return f"{ids_name} need {count_name}: how many shards all the processes run together"
    repeated = sorted({n for n in ids if ids.count(n) > 1})
    if repeated:
        return f"{ids_name} name shard {', '.join(map(str, repeated))} more than once"
    outside = [n for n in ids if not 0 <= n < count]
    if outside:
        return (
            f"{ids_name} must be from 0 to {count - 1} ({count_name} is {count}), "
            f"got {', '.join(map(str, outside))}"
        )
    return None


def _convert(hint: Any, value: Any, key: str, file: Path) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, key, file)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: '{key}' must be a mapping, got {_kind(value)}")
        cls = typing.cast(type, hint)
        return cls(**_build(cls, value, f"{key}.", file))
    if origin is Literal:
        if value not in args:
            allowed = ", ".join(map(str, args))
            raise ConfigError(f"{file}: '{key}' must be one of {allowed}, got {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{file}: '{key}' must be a list, got {_kind(value)}")
        return [_convert(args[0], v, key, file) for v in value]
    if hint is Path:
        hint = str
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"{file}: '{key}' must be {_name(hint)}, got {_kind(value)}")
    return value


def _name(hint: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        hint, str(hint)
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
