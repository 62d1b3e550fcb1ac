"""storybot on Discord: an adapter over the public API in ``retrieval`` (never a room)."""

from __future__ import annotations

from pathlib import Path

from bot.client import StoryBot
from bot.runner import run_bot
from retrieval import load_settings

__all__ = ["StoryBot", "create_bot", "run_bot"]


def create_bot(
    config_path: str | Path | None = None,
    corpus_dir: str | Path | None = None,
    index_dir: str | Path | None = None,
) -> StoryBot:
    """The bot with its settings and retriever, index loaded, not connected."""
    settings = load_settings(config_path).with_paths(
        corpus=Path(corpus_dir) if corpus_dir else None,
        index=Path(index_dir) if index_dir else None,
    )
    return StoryBot.from_settings(settings)
