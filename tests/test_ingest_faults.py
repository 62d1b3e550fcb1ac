"""Adding articles when things go wrong: concurrent adds, a killed add, another process."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.storage.corpus import corpus_files
from tests.ingesting import GOOD, add, cli, jsonl, story


def test_a_running_retriever_sees_articles_added_elsewhere(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, _ = ready
    running = Retriever.from_settings(load_settings(config))
    in_memory = running.index
    assert len(running.index.articles) == 3
    path = tmp_path / "z.md"
    path.write_text(GOOD, encoding="utf-8")
    assert add(config, str(path)) == 0
    assert running.ask("What broke down at the arena?").results[0].sources[0].title == "Zamboni"
    assert len(running.index.articles) == 4
    assert running.index is in_memory  # only the new segment was read


def test_two_adds_at_once_both_land(ready: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, corpus, _ = ready
    files = []
    for n in range(2):
        path = jsonl(
            tmp_path / f"bulk{n}.jsonl",
            [{"title": f"B{n}-{k}", "text": story(100 * n + k)} for k in range(30)],
        )
        files.append(path)
    procs = [cli(config, "add", str(f), "--quiet") for f in files]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    retriever = Retriever.from_settings(load_settings(config))
    assert len(retriever.index.articles) == 63
    assert len(list(corpus.iterdir())) == 63


def children(pid: int) -> list[int]:
    """A process's children, where /proc tells them (Linux); else none."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(n) for n in task.read_text().split()]
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_bulk_add_killed_midway_leaves_a_working_index(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, _ = ready
    path = jsonl(
        tmp_path / "big.jsonl",
        [
            {"title": f"K{k}", "text": story(k) + " " + "filler words here. " * 40}
            for k in range(4000)
        ],
    )
    proc = cli(config, "add", str(path), "--quiet")
    deadline = time.monotonic() + 60
    # Kill it once it has written some articles but long before it is done.
    while (
        len(list(corpus.iterdir())) < 1200 and time.monotonic() < deadline and proc.poll() is None
    ):
        time.sleep(0.02)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # Its analysis workers notice and end too, rather than wait forever.
    deadline = time.monotonic() + 15
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(running, workers))
    written = len(corpus_files(corpus))
    assert 3 < written < 4003
    ask = cli(config, "ask", "Who urged Ford to take a pause?", "--json")
    out, err = ask.communicate(timeout=300)
    assert ask.returncode == 0, err
    assert "Kelly" in json.loads(out)["results"][0]["excerpt"]
    retriever = Retriever.from_settings(load_settings(config))
    assert len(retriever.index.articles) == len(corpus_files(corpus))
