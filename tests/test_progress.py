"""Progress of long work: plain steps from the library, counting only finished articles,
shown on a terminal only and never with --quiet."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval import ProgressStep, Retriever
from retrieval.cli.progress import ProgressDisplay
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.scoring import BM25Params
from retrieval.intake import ingest
from retrieval.intake.inputs import expand
from retrieval.settings import load_settings
from retrieval.storage.store import MANIFEST, Manifest
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article
from tests.conftest import SEEDS
from tests.ingesting import story

ROOT = Path(__file__).resolve().parent.parent


def test_add_counts_as_done_only_articles_stored_and_indexed(
    ready: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, corpus, index_dir = ready
    monkeypatch.setattr(ingest, "BATCH", 3)
    folder = tmp_path / "new"
    folder.mkdir()
    for n in range(8):
        (folder / f"s{n}.md").write_text(story(n), encoding="utf-8")
    files_before = len(list(corpus.iterdir()))
    indexed_before = len(Manifest.read(index_dir / MANIFEST).files)
    steps: list[ProgressStep] = []

    def record(step: ProgressStep) -> None:
        # What the step calls done is in the saved index; what it calls stored is on disk.
        indexed = len(Manifest.read(index_dir / MANIFEST).files) - indexed_before
        stored = len(list(corpus.iterdir())) - files_before
        assert step.stage == "add" and step.done <= indexed and step.stored <= stored
        steps.append(step)

    retriever = Retriever.from_settings(load_settings(config))
    report = retriever.add(expand([str(folder)], load_settings(config).fetch), progress=record)
    assert len(report.added) == 8
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    assert any(s.stored > s.done for s in steps)  # stored, being indexed: not counted as done
    assert (steps[-1].done, steps[-1].stored, steps[-1].refused) == (8, 8, 0)


def test_a_rebuild_reports_the_articles_analysed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    steps: list[ProgressStep] = []
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    Retriever.from_settings(settings, progress=steps.append)
    assert steps and {s.stage for s in steps} == {"rebuild"}
    assert steps[-1].done == 3


def test_a_rebuild_reports_each_chunk_analysed_while_it_still_reads() -> None:
    read = 0

    def articles() -> Iterator[tuple[str | None, Article]]:
        nonlocal read
        for n in range(450):
            read += 1
            yield None, Article(id=f"s{n}", text=story(n))

    steps: list[tuple[int, int]] = []
    CorpusIndex.build(
        articles(), Analyzer(), BM25Params(), progress=lambda s: steps.append((s.done, read))
    )
    assert [done for done, _ in steps] == [200, 400, 450]
    # The first 200 were reported analysed before the rest had been read.
    assert steps[0][1] < 450 and steps[1][1] < 450


def test_the_catch_up_after_a_killed_add_reports_the_articles_indexed(
    ready: tuple[Path, Path, Path],
) -> None:
    config, corpus, _ = ready
    for n in range(3, 7):  # files a killed add had put in the corpus, not yet indexed
        (corpus / f"{n:03d}_s{n}.md").write_text(story(n), encoding="utf-8")
    steps: list[ProgressStep] = []
    retriever = Retriever.from_settings(load_settings(config), progress=steps.append)
    assert steps and {s.stage for s in steps} == {"catch-up"}
    assert steps[-1].done == 4 and len(retriever.index.articles) == 7


def test_remove_reports_its_step(ready: tuple[Path, Path, Path]) -> None:
    steps: list[ProgressStep] = []
    Retriever.from_settings(load_settings(ready[0])).remove("001_5b0c9ae72aa1523b", steps.append)
    assert steps == [ProgressStep("remove", 0, 1), ProgressStep("remove", 1, 1)]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


STEPS = [
    (ProgressStep("rebuild", 40), "rebuilding the index"),
    (ProgressStep("catch-up", 3), "indexing articles added since the last save"),
    (ProgressStep("add", 1000, stored=1400, refused=2), "400 stored, being indexed, 2 refused"),
    (ProgressStep("remove", 1, 1), "removing"),
]


@pytest.mark.parametrize(("step", "shown"), STEPS)
@pytest.mark.parametrize(
    ("stream", "quiet", "visible"),
    [(Terminal, False, True), (Terminal, True, False), (io.StringIO, False, False)],
)
def test_the_display_shows_each_stage_on_a_terminal_only(
    step: ProgressStep, shown: str, stream: type[io.StringIO], quiet: bool, visible: bool
) -> None:
    out = stream()
    with ProgressDisplay(out, quiet=quiet) as display:
        display.update(step)
    assert (shown in out.getvalue()) == visible
    assert (f"{step.done}" in out.getvalue()) == visible
    assert visible or out.getvalue() == ""


def test_a_stage_first_seen_midway_shows_no_rate_for_work_done_before() -> None:
    out = Terminal()
    with ProgressDisplay(out) as display:
        display.update(ProgressStep("rebuild", 200))
    assert "200 articles" in out.getvalue()
    assert re.search(r"\d articles/s", out.getvalue()) is None


def test_an_empty_corpus_reports_no_rebuild_step() -> None:
    steps: list[ProgressStep] = []
    CorpusIndex.build([], Analyzer(), BM25Params(), progress=steps.append)
    assert steps == []


def _on_a_terminal(config: Path, *args: str) -> tuple[int, str]:
    """storybot with stderr on a pseudo-terminal: its exit status and what it showed."""
    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "retrieval.cli", *args, "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closes when the child ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    return child.wait(timeout=120), shown.decode(errors="replace")


def test_the_first_question_after_a_killed_add_shows_the_catch_up(
    ready: tuple[Path, Path, Path],
) -> None:
    config, corpus, _ = ready
    for n in range(3, 6):
        (corpus / f"{n:03d}_s{n}.md").write_text(story(n), encoding="utf-8")
    status, shown = _on_a_terminal(config, "ask", "Which story is about the museum?")
    assert status == 0
    assert "indexing articles added since the last save" in shown and "3 articles" in shown
    # Once caught up, nothing to show.
    status, shown = _on_a_terminal(config, "ask", "Which story is about the museum?")
    assert status == 0 and shown == ""
