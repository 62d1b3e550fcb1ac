"""A sample of a large JSONL(.gz) corpus, imported into a fresh corpus and index folder."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retrieval import Retriever, Settings, expand, load_settings


def first_articles(corpus: Path, limit: int, target: Path) -> None:
    """Copy the first ``limit`` lines of a JSONL(.gz) corpus to ``target`` (plain JSONL)."""
    opener: Callable[..., Any] = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as lines, target.open("w") as out:
        for count, line in enumerate(lines):
            if count >= limit:
                break
            out.write(line)


def import_sample(corpus: Path, limit: int, root: Path) -> Settings:
    """Settings over ``root``'s corpus and index folders, filled with the first articles."""
    (root / "corpus").mkdir()
    source = root / "input.jsonl"
    first_articles(corpus, limit, source)
    settings = load_settings().with_paths(corpus=root / "corpus", index=root / "index")
    Retriever.from_settings(settings, allow_empty=True).add(expand([str(source)], settings.fetch))
    return settings
