"""Concurrent adds under stress: several `storybot add` at once, and readers opened meanwhile.

The corpus starts with the first --articles articles of a JSONL(.gz) file. Each round,
--processes `storybot add` commands start together: every one adds the same new article
(`race-R.txt`) and one of its own (`own-R-P.txt`). Meanwhile --readers processes open a
retriever at random moments; once the adds are done each asks one question (which takes
in what was added since it opened) and reports the articles it knows. Printed: processes
× rounds, duplicates found (copies of an article in the corpus or the index beyond the
first), articles lost (an article of the round in neither), and readers that missed an add
(their articles differ from a fresh open's after the round).

    python3 bench/stress_adds.py --corpus NEWS.jsonl.gz --articles 2000 \\
        --processes 4 --rounds 12 --readers 6 --workdir /tmp/stress
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What happened?"


@dataclass
class Figures:
    processes: int = 0
    rounds: int = 0
    adds_failed: int = 0
    duplicates: int = 0
    lost: int = 0
    readers: int = 0
    readers_missed: int = 0
    readers_failed: int = 0


def storybot(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "retrieval.cli", *args, "--config", str(config)]


def prepare(source: Path, articles: int, workdir: Path) -> Path:
    """A config, a corpus folder holding the first ``articles`` articles, and its index."""
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "corpus").mkdir(parents=True)
    config = workdir / "storybot.yaml"
    config.write_text("corpus: corpus\nindex: index\n", encoding="utf-8")
    base = workdir / "base.jsonl"
    opener: Callable[..., Any] = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as lines, base.open("w", encoding="utf-8") as out:
        for count, line in enumerate(lines):
            if count >= articles:
                break
            out.write(line)
    done = subprocess.run(storybot(config, "add", str(base), "--quiet"), capture_output=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"the first add failed: {done.stderr.decode(errors='replace')}")
    return config


def article(path: Path, title: str, words: str) -> Path:
    path.write_text(f"---\ntitle: {title}\n---\n{words}\n\nIt was reported today.\n", "utf-8")
    return path


def start_readers(config: Path, count: int, window: float) -> list[subprocess.Popen[str]]:
    """Readers that open a retriever after a random delay, then wait to be asked."""
    readers = []
    for _ in range(count):
        delay = str(random.uniform(0, window))
        command = [sys.executable, __file__, "--reader", str(config), delay]
        readers.append(
            subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
            )
        )
    return readers


def reader(config: Path, delay: float) -> int:
    """Open a retriever after ``delay`` seconds; at a line on stdin, ask, print the article ids."""
    from retrieval import Retriever, load_settings

    time.sleep(delay)
    retriever = Retriever.from_settings(load_settings(config))
    sys.stdin.readline()
    retriever.ask(QUESTION)
    print(json.dumps(sorted(info.source.id for info in retriever.articles())))
    return 0


def indexed_ids(config: Path) -> list[str]:
    """The ids of the indexed articles, as a fresh process opens the index."""
    done = subprocess.run(storybot(config, "sources", "--json"), capture_output=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"storybot sources failed: {done.stderr.decode(errors='replace')}")
    return [entry["id"] for entry in json.loads(done.stdout)]


def corpus_ids(corpus: Path) -> list[str]:
    """The id in every added article's file name (``NNN_ID.md``)."""
    return [p.stem.split("_", 1)[1] for p in corpus.glob("*.md") if "_" in p.stem]


def one_round(config: Path, workdir: Path, number: int, args: argparse.Namespace) -> Figures:
    figures = Figures(processes=args.processes, rounds=1, readers=args.readers)
    inputs = workdir / "inputs"
    inputs.mkdir(exist_ok=True)
    race = article(inputs / f"race-{number}.txt", f"Race {number}", f"The race {number} article.")
    own = [
        article(inputs / f"own-{number}-{p}.txt", f"Own {number}-{p}", f"Own story {number} {p}.")
        for p in range(args.processes)
    ]
    readers = start_readers(config, args.readers, args.window)
    adders = []
    for path in own:
        time.sleep(random.uniform(0, args.jitter))
        command = storybot(config, "add", str(race), str(path), "--quiet")
        adders.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for proc in adders:
        _, err = proc.communicate()
        # Status 1 is the expected refusal of the copy of the race article.
        if proc.returncode not in (0, 1) or b"error" in err:
            figures.adds_failed += 1
            sys.stderr.write(err.decode(errors="replace"))
    truth = indexed_ids(config)
    expected = {race.stem, *(p.stem for p in own)}
    for ids in (truth, corpus_ids(workdir / "corpus")):
        counts = Counter(i for i in ids if i in expected)
        figures.duplicates += sum(n - 1 for n in counts.values())
        figures.lost += len(expected - set(counts))
    for proc in readers:
        out, _ = proc.communicate("ask\n")
        if proc.returncode != 0:
            figures.readers_failed += 1
        elif sorted(json.loads(out)) != sorted(truth):
            figures.readers_missed += 1
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a JSONL(.gz) file of articles")
    parser.add_argument("--articles", type=int, default=2000, help="articles to start with")
    parser.add_argument("--processes", type=int, default=4, help="adds at once, each round")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--readers", type=int, default=6, help="readers opened each round")
    parser.add_argument("--window", type=float, default=1.5, help="seconds readers open over")
    parser.add_argument("--jitter", type=float, default=0.05, help="seconds between add starts")
    parser.add_argument("--workdir", type=Path, help="scratch folder (emptied first)")
    parser.add_argument("--reader", nargs=2, metavar=("CONFIG", "DELAY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reader:
        return reader(Path(args.reader[0]), float(args.reader[1]))
    if args.corpus is None or args.workdir is None:
        parser.error("--corpus and --workdir are required")
    config = prepare(args.corpus, args.articles, args.workdir)
    total = Figures()
    for number in range(args.rounds):
        figures = one_round(config, args.workdir, number, args)
        for key, value in vars(figures).items():
            setattr(total, key, getattr(total, key) + value)
        print(f"round {number + 1}: {json.dumps(vars(figures))}", flush=True)
    total.processes = args.processes
    print(f"{args.processes} processes × {args.rounds} rounds ({args.articles} articles)")
    print(f"duplicates found: {total.duplicates}")
    print(f"articles lost: {total.lost}")
    print(f"readers that missed an add: {total.readers_missed} of {total.readers}")
    print(f"failed adds: {total.adds_failed}; failed readers: {total.readers_failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
