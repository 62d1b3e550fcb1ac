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

from retrieval.errors import ConfigError
from retrieval.yamlfile import read_yaml

CONFIG_ENV = "STORYBOT_CONFIG"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "storybot.yaml"

Model = Literal["okapi", "plus", "l"]


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
    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25
    delta: float | None = None
    top_k: int = 3
    min_coverage: float = 0.45


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
class BotSettings:
    """The Discord adapter's behaviour; the token is read from DISCORD_TOKEN only."""

    prefix: str = "!"
    prefix_commands: bool = False
    test_guild: int | None = None
    cooldown_seconds: float = 5.0
    max_question_chars: int = 300
    allowed_channels: list[int] = field(default_factory=list)
    page_timeout_seconds: float = 180.0
    pages: int = 3
    add_roles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """Everything the config file can set; paths are absolute once loaded."""

    corpus: Path = PROJECT_ROOT / "seeds"
    index: Path = PROJECT_ROOT / ".storybot" / "index"
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    excerpts: ExcerptSettings = field(default_factory=ExcerptSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    source: Path | None = None

    def with_paths(self, corpus: Path | None = None, index: Path | None = None) -> Settings:
        """A copy with the corpus and/or index folder overridden."""
        return dataclasses.replace(
            self,
            corpus=corpus.resolve() if corpus else self.corpus,
            index=index.resolve() if index else self.index,
        )


_CHECKS: dict[str, tuple[typing.Callable[[Any], bool], str]] = {
    "analysis.workers": (lambda v: 0 <= v <= 64, "must be between 0 and 64"),
    "retrieval.k1": (lambda v: v >= 0, "must be >= 0"),
    "retrieval.b": (lambda v: 0 <= v <= 1, "must be between 0 and 1"),
    "retrieval.epsilon": (lambda v: v >= 0, "must be >= 0"),
    "retrieval.delta": (lambda v: v is None or v >= 0, "must be >= 0"),
    "retrieval.top_k": (lambda v: 1 <= v <= 25, "must be between 1 and 25"),
    "retrieval.min_coverage": (lambda v: 0 <= v <= 1, "must be between 0 and 1"),
    "excerpts.target_chars": (lambda v: 80 <= v <= 400, "must be between 80 and 400"),
    "excerpts.max_chars": (lambda v: 80 <= v <= 400, "must be between 80 and 400"),
    "fetch.timeout_seconds": (lambda v: 0 < v <= 120, "must be between 0 and 120"),
    "fetch.max_bytes": (lambda v: 1000 <= v <= 50_000_000, "must be between 1000 and 50000000"),
    "bot.prefix": (lambda v: bool(v.strip()), "must not be empty"),
    "bot.cooldown_seconds": (lambda v: v >= 0, "must be >= 0"),
    "bot.max_question_chars": (lambda v: 10 <= v <= 2000, "must be between 10 and 2000"),
    # A slash command's reply can only be edited for 15 minutes after the question.
    "bot.page_timeout_seconds": (lambda v: 0 < v <= 840, "must be between 0 and 840"),
    "bot.pages": (lambda v: 1 <= v <= 10, "must be between 1 and 10"),
}


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
    base = file.resolve().parent
    for key in ("corpus", "index"):
        if key in raw:
            values[key] = (base / values[key]).resolve()
    return Settings(**values, source=file.resolve())


def _build(cls: type, raw: dict[str, Any], prefix: str, file: Path) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if not isinstance(key, str) or key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{file}: unknown key '{dotted}' (known here: {known})")
        values[key] = _convert(hints[key], value, dotted, file)
        check = _CHECKS.get(dotted)
        if check and values[key] is not None and not check[0](values[key]):
            raise ConfigError(f"{file}: '{dotted}' {check[1]}, got {value!r}")
    return values


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


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
