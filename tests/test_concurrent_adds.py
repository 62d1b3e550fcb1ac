"""Adds in several processes at once: no article lands twice, none is lost, readers keep up.

The children are real processes. Each pauses while it loads the index (at its first
segment read) until the test has had one more add land: the moment at which a process
that checks copies against what it loaded, or records what it saw after loading,
goes wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from retrieval.retriever import Retriever
from retrieval.settings import PROJECT_ROOT, load_settings
from tests.ingesting import add, story

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from retrieval import Retriever, expand, load_settings
    from retrieval.index.segment import Segment

    config, signals, name, *paths = sys.argv[1:]
    load = Segment.load.__func__
    paused = []

    def pausing_load(cls, path):
        if not paused:
            paused.append(True)
            (Path(signals) / f"loading-{name}").touch()
            while not (Path(signals) / "go").exists():
                time.sleep(0.01)
        return load(cls, path)

    Segment.load = classmethod(pausing_load)
    settings = load_settings(config)
    retriever = Retriever.from_settings(settings)
    if paths:
        report = retriever.add(expand(paths, settings.fetch))
        print(json.dumps([a.id for a in report.added]))
    else:
        sys.stdin.readline()
        retriever.ask("Who urged Ford to take a pause?")
        print(json.dumps(sorted(info.source.id for info in retriever.articles())))
    """
)
ADDERS = 3
READERS = 2
ROUNDS = 3


def child(config: Path, signals: Path, name: str, *paths: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", CHILD, str(config), str(signals), name, *map(str, paths)]
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def article(path: Path, title: str, text: str) -> Path:
    path.write_text(f"---\ntitle: {title}\n---\n{text}\n", encoding="utf-8")
    return path


def wait_for(files: list[Path], procs: list[subprocess.Popen[str]]) -> None:
    """Until every file exists (each child is loading), failing if a child ends first."""
    deadline = time.monotonic() + 60
    while not all(f.exists() for f in files):
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(proc.communicate()[1])
        assert time.monotonic() < deadline, "the children never started loading"
        time.sleep(0.01)


def test_concurrent_adds_never_duplicate_lose_or_leave_a_reader_behind(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, _ = ready
    for number in range(ROUNDS):
        signals = tmp_path / f"round-{number}"
        signals.mkdir()
        race = article(tmp_path / f"race-{number}.md", f"Race {number}", story(50 + number))
        own = [
            article(tmp_path / f"own-{number}-{p}.md", f"Own {number}-{p}", story(100 * number + p))
            for p in range(ADDERS + 1)
        ]
        adders = [child(config, signals, f"a{p}", race, own[p]) for p in range(1, ADDERS + 1)]
        readers = [child(config, signals, f"r{r}") for r in range(READERS)]
        names = [f"a{p}" for p in range(1, ADDERS + 1)] + [f"r{r}" for r in range(READERS)]
        wait_for([signals / f"loading-{n}" for n in names], adders + readers)
        # While every child is halfway through loading, one more add lands.
        assert add(config, str(race), str(own[0]), "--quiet") == 0
        (signals / "go").touch()
        for proc in adders:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        truth = [a.id for a in Retriever.from_settings(load_settings(config)).index.articles]
        stored = [p.stem.split("_", 1)[1] for p in corpus.glob("*.md") if "_" in p.stem]
        expected = {race.stem, *(p.stem for p in own)}
        for ids in (truth, stored):
            copies = {i: n for i, n in Counter(ids).items() if i in expected and n > 1}
            assert copies == {}, f"round {number}: landed twice: {copies}"
            assert expected <= set(ids), f"round {number}: lost {expected - set(ids)}"
        for proc in readers:
            out, err = proc.communicate("ask\n", timeout=120)
            assert proc.returncode == 0, err
            assert json.loads(out) == sorted(truth), f"round {number}: a reader missed an add"
