"""Shared fixtures: every path points into tmp_path; nothing touches the repo's index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.retriever import Retriever
from retrieval.settings import PROJECT_ROOT, Settings, load_settings
from tests.servers import Server, canned_server

SEEDS = PROJECT_ROOT / "seeds"
DEV_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "heldout.yaml"


@pytest.fixture(autouse=True)
def _no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYBOT_CONFIG", raising=False)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)


@pytest.fixture
def seed_settings(tmp_path: Path) -> Settings:
    """The project's config and seed corpus, with the index in tmp_path."""
    return load_settings().with_paths(corpus=SEEDS, index=tmp_path / "index")


@pytest.fixture
def seed_retriever(seed_settings: Settings) -> Retriever:
    return Retriever.from_settings(seed_settings)


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A copy of the seed corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def config_file(tmp_path: Path, seed_corpus: Path) -> Path:
    """A config file whose corpus and index are in tmp_path."""
    path = tmp_path / "storybot.yaml"
    path.write_text(f"corpus: {seed_corpus}\nindex: {tmp_path / 'index'}\n", encoding="utf-8")
    return path


@pytest.fixture
def ready(config_file: Path, seed_corpus: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A config whose seed corpus has a saved index: (config, corpus, index)."""
    from retrieval.cli import main

    assert main(["sources", "--config", str(config_file)]) == 0
    return config_file, seed_corpus, tmp_path / "index"


@pytest.fixture
def server() -> Iterator[Server]:
    """A local HTTP server of canned responses, in a thread; shut down after the test."""
    with canned_server() as running:
        yield running
