"""What one question costs: time and memory for very long words and very long questions.

Each measurement runs in its own child process with an address-space limit
(``--memory-limit-mb`` over what the opened index already takes), so a question
that would eat the machine's memory fails there with a MemoryError instead. The
child opens the index named by the config (``--config``, ``--corpus``, ``--index``),
answers one warm-up question, then asks one question and prints the seconds and
how much the peak resident memory grew.

Two levels are measured: ``ask`` is ``Retriever.ask``, what every entry point
calls (a question over ``retrieval.max_question_chars`` is refused); ``search``
runs the search on the same index with the cap lifted, to show what analysis,
spelling correction and scoring cost.
The words are letters drawn at random (seeded), so none is in the index and each
one goes through spelling correction: the worst case.

    python3 bench/question_cost.py --corpus CORPUS_DIR --index INDEX_DIR
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

WORD_LETTERS = (100, 200, 400, 800, 2000, 5000, 20000)
QUESTION_WORDS = (10, 100, 500, 2000)
SEED = 11


@dataclass
class Figure:
    level: str
    shape: str
    chars: int
    outcome: str
    seconds: float | None
    peak_growth_mb: float | None


def random_word(letters: int, rng: random.Random) -> str:
    """Lowercase letters at random: a word no index holds."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(letters))


def question_of_words(words: int, rng: random.Random) -> str:
    """A question of ``words`` made-up words of 5 to 9 letters, each needing correction."""
    return " ".join(random_word(rng.randint(5, 9), rng) for _ in range(words))


def child(args: argparse.Namespace) -> None:
    """In the child: open the index, ask one question, print the figures as JSON."""
    from retrieval import Retriever, StorybotError, load_settings

    settings = load_settings(args.config).with_paths(args.corpus, args.index)
    retriever = Retriever.from_settings(settings)
    retriever.ask("Who is the mayor?")
    rng = random.Random(SEED)
    if args.shape == "word":
        question = f"Who is {random_word(args.size, rng)}?"
    else:
        question = question_of_words(args.size, rng)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _vm_bytes() + args.memory_limit_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        answer = retriever.ask(question) if args.level == "ask" else _search(retriever, question)
        outcome = "answered" if answer.found else "no answer"
    except MemoryError:
        outcome = f"MemoryError (limit +{args.memory_limit_mb} MB)"
    except StorybotError as error:
        outcome = f"refused: {error}"
    seconds = time.perf_counter() - start
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"outcome": outcome, "seconds": seconds, "growth_kb": growth}))


def _search(retriever: object, question: str) -> object:
    """The search itself, with the question-length cap lifted."""
    from dataclasses import replace

    from retrieval.answering.search import search

    options = replace(retriever.options, max_question_chars=sys.maxsize)  # type: ignore[attr-defined]
    return search(retriever.index, question, options)  # type: ignore[attr-defined]


def _vm_bytes() -> int:
    """This process's current address-space size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(args: argparse.Namespace, level: str, shape: str, size: int) -> Figure:
    """One question in a fresh child process."""
    command = [sys.executable, __file__, "--child", "--level", level, "--shape", shape]
    command += ["--size", str(size), "--memory-limit-mb", str(args.memory_limit_mb)]
    for option in ("config", "corpus", "index"):
        if getattr(args, option):
            command += [f"--{option}", str(getattr(args, option))]
    chars = size if shape == "word" else len(question_of_words(size, random.Random(SEED)))
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Figure(level, shape, chars, f"over {args.timeout:g} s: stopped", None, None)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Figure(level, shape, chars, f"exit {done.returncode}: {last}", None, None)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    outcome = found["outcome"]
    return Figure(level, shape, chars, outcome, found["seconds"], found["growth_kb"] / 1024)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--levels", default="ask,search", help="ask, search or both")
    parser.add_argument("--words", default=",".join(map(str, WORD_LETTERS)))
    parser.add_argument("--questions", default=",".join(map(str, QUESTION_WORDS)))
    parser.add_argument("--memory-limit-mb", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per question")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--level", default="ask", help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="word", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return
    figures = []
    print(f"{'level':7} {'question':>24} {'seconds':>9} {'peak +MB':>9}  outcome")
    for level in args.levels.split(","):
        shapes = [("word", int(n)) for n in args.words.split(",") if n]
        shapes += [("words", int(n)) for n in args.questions.split(",") if n]
        for shape, size in shapes:
            figure = measure(args, level, shape, size)
            figures.append(figure)
            label = f"{size}-letter word" if shape == "word" else f"{size} words"
            label += f" ({figure.chars} ch)" if shape == "words" else ""
            secs = f"{figure.seconds:9.3f}" if figure.seconds is not None else f"{'-':>9}"
            grew = f"{figure.peak_growth_mb:9.1f}" if figure.peak_growth_mb is not None else "-"
            print(f"{level:7} {label:>24} {secs} {grew:>9}  {figure.outcome[:70]}", flush=True)
    if args.out:
        args.out.write_text(json.dumps([vars(f) for f in figures], indent=1) + "\n")


if __name__ == "__main__":
    main()
