"""The benchmark's change stage: one article removed and added back, one new one added,
each as a whole `storybot` command in a fresh process (index load included)."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from memory import mb, run_child


@dataclass
class ChangeFigures:
    removed_id: str
    removed_passages: int
    remove_seconds: float
    remove_peak_rss_mb: float
    add_back_seconds: float
    add_back_peak_rss_mb: float


def new_article(name: str) -> str:
    """A short article no corpus has, as a Markdown file with front matter."""
    return (
        f"---\ntitle: Benchmark {name}\nsource: bench\n---\n"
        f"The {name} quarry flooded overnight, the county engineer said on Tuesday.\n\n"
        f"Crews pumped water from the {name} quarry until dawn, and the road stayed shut.\n"
    )


def stage_add_cli(config: Path, workdir: Path) -> float:
    """`storybot add FILE` for one new article: the whole command, index load included."""
    path = workdir / "qovarthfield.md"
    path.write_text(new_article("Qovarthfield"), encoding="utf-8")
    command = [sys.executable, "-m", "retrieval.cli", "add", str(path), "--config", str(config)]
    code, seconds, _ = run_child(command, workdir / "add-one.log")
    if code != 0:
        raise SystemExit(f"storybot add of one article failed with exit code {code}")
    return round(seconds, 3)


def stage_remove_and_add_back(config: Path, workdir: Path) -> ChangeFigures:
    """`storybot remove ID` of the middle article of the corpus folder, then `storybot add`
    of the same file again: each a whole command in a fresh process, index load included."""
    corpus = workdir / "corpus"
    names = sorted(p.name for p in corpus.glob("*.md"))
    if not names:
        raise SystemExit("no article file in the corpus folder to remove")
    kept = workdir / "removed-article.md"
    shutil.copyfile(corpus / names[len(names) // 2], kept)
    from retrieval.storage.corpus import read_article_file

    article_id = read_article_file(kept).id
    cli = [sys.executable, "-m", "retrieval.cli"]
    remove = [*cli, "remove", article_id, "--json", "--config", str(config)]
    code, remove_seconds, remove_peak = run_child(remove, workdir / "remove.log")
    log = (workdir / "remove.log").read_text(errors="replace")
    if code != 0:
        sys.stderr.write(log[-2000:])
        raise SystemExit(f"storybot remove failed with exit code {code}")
    removed = json.loads(log.strip().splitlines()[-1])["removed"]
    add = [*cli, "add", str(kept), "--config", str(config)]
    code, add_seconds, add_peak = run_child(add, workdir / "add-back.log")
    if code != 0:
        raise SystemExit(f"storybot add of the removed article failed with exit code {code}")
    return ChangeFigures(
        removed_id=article_id,
        removed_passages=int(removed["passages"]),
        remove_seconds=round(remove_seconds, 3),
        remove_peak_rss_mb=mb(remove_peak),
        add_back_seconds=round(add_seconds, 3),
        add_back_peak_rss_mb=mb(add_peak),
    )
