"""Config: loaded safely, validated, every error names the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import ConfigError
from retrieval.settings import DEFAULT_CONFIG, Settings, config_path, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_loads_and_matches_defaults() -> None:
    settings = load_settings()
    assert settings.source == DEFAULT_CONFIG.resolve()
    assert settings.corpus.name == "seeds" and settings.corpus.is_dir()
    assert settings.retrieval.model == "okapi"


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert settings.retrieval == Settings().retrieval


def test_default_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    """Without corpus or index keys, the documented defaults are read from the file's folder."""
    config = tmp_path / "conf" / "c.yaml"
    config.parent.mkdir()
    config.write_text("", encoding="utf-8")
    settings = load_settings(config)
    assert settings.corpus == (tmp_path / "seeds").resolve()
    assert settings.index == (tmp_path / ".storybot" / "index").resolve()


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    """An empty file gives what the project's config file (and the README) say."""
    assert load_settings(write(tmp_path, "")).retrieval == load_settings().retrieval


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "corpus: articles\nindex: ../idx\n"))
    assert settings.corpus == (tmp_path / "articles").resolve()
    assert settings.index == (tmp_path.parent / "idx").resolve()


def test_state_file_is_beside_the_index_unless_set(tmp_path: Path) -> None:
    beside = load_settings(write(tmp_path, "index: data/idx\n"))
    assert beside.state_path == (tmp_path / "data" / "state.sqlite3").resolve()
    assert beside.with_paths(index=tmp_path / "elsewhere" / "i").state_path == (
        tmp_path / "elsewhere" / "state.sqlite3"
    )
    chosen = load_settings(write(tmp_path, "state: ../st.db\nbot: {default_mode: questions}\n"))
    assert chosen.state_path == (tmp_path.parent / "st.db").resolve()
    assert chosen.bot.default_mode == "questions" and chosen.bot.threads is False


def test_values_are_converted_and_kept(tmp_path: Path) -> None:
    settings = load_settings(
        write(
            tmp_path,
            "retrieval: {model: plus, k1: 2, delta: 0.5, top_k: 5}\n"
            "bot: {allowed_channels: [1, 2]}\n",
        )
    )
    assert settings.retrieval.k1 == 2.0 and isinstance(settings.retrieval.k1, float)
    assert settings.retrieval.delta == 0.5 and settings.retrieval.top_k == 5
    assert settings.bot.allowed_channels == [1, 2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("retrieval: {k2: 1}", "unknown key 'retrieval.k2'"),
        ("colour: blue", "unknown key 'colour'"),
        ("retrieval: {k1: fast}", "'retrieval.k1' must be a number, got a string"),
        ("retrieval: {top_k: 2.5}", "'retrieval.top_k' must be an integer"),
        ("retrieval: {top_k: true}", "'retrieval.top_k' must be an integer"),
        ("retrieval: {top_k: 0}", "'retrieval.top_k' must be at least 1 and at most 25, got 0"),
        ("retrieval: {model: bm99}", "'retrieval.model' must be one of okapi, plus, l"),
        ("retrieval: {b: 2}", "'retrieval.b' must be at least 0 and at most 1, got 2"),
        ("retrieval: 3", "'retrieval' must be a mapping"),
        ("analysis: {stopwords: 'yes'}", "'analysis.stopwords' must be true or false"),
        ("bot: {allowed_channels: 5}", "'bot.allowed_channels' must be a list"),
        ("bot: {allowed_channels: [x]}", "'bot.allowed_channels' must be an integer"),
        (
            "excerpts: {max_chars: 1000}",
            "'excerpts.max_chars' must be at least 80 and at most 400, got 1000",
        ),
        ("corpus: [a]", "'corpus' must be a string"),
        ("- a list", "top level must be a mapping"),
        ("retrieval: {k1: [unclosed", "invalid YAML at line 1"),
        ("bot:\n  token: abc", "unknown key 'bot.token'"),
        ("!!python/object/apply:os.system ['true']", "invalid YAML"),
        # The second value would silently win: the key is named with its line.
        ("retrieval:\n  k1: 1\n  k1: 2\n", "duplicate key 'k1' at line 3"),
        ("corpus: a\nindex: b\ncorpus: c\n", "duplicate key 'corpus' at line 3"),
        # The rule broken is stated: 0 fails because it is excluded.
        (
            "fetch: {timeout_seconds: 0}",
            "'fetch.timeout_seconds' must be greater than 0 and at most 120, got 0",
        ),
        ("retrieval: {k1: -1}", "'retrieval.k1' must be at least 0, got -1"),
        ("analysis: {stemmer: klingon}", "'analysis.stemmer' must be a Snowball language"),
        ("bot: {default_mode: all}", "'bot.default_mode' must be one of mention, questions, off"),
        (
            "bot: {conversation_idle_minutes: 0}",
            "'bot.conversation_idle_minutes' must be greater than 0 and at most 1440, got 0",
        ),
        ("bot: {threads: 1}", "'bot.threads' must be true or false"),
        ("state: [a]", "'state' must be a string"),
        (
            "excerpts: {target_chars: 390, max_chars: 100}",
            "'excerpts.target_chars' must be at most 'excerpts.max_chars' (100), got 390",
        ),
    ],
)
def test_invalid_config_names_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.yaml")


def test_config_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config_path() == DEFAULT_CONFIG
    monkeypatch.setenv("STORYBOT_CONFIG", str(tmp_path / "env.yaml"))
    assert config_path() == tmp_path / "env.yaml"
    assert config_path(tmp_path / "flag.yaml") == tmp_path / "flag.yaml"
