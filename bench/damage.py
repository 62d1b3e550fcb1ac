"""Damage a saved segment at many places and ask: crashes, silent differences, rebuilds.

Builds an index of the first --articles articles of a JSONL(.gz) corpus, answers
the questions of a file once (the reference: a fresh build), then for each trial
copies the saved index, writes --bytes random bytes at an offset of its first
segment, opens it as a command would (``Retriever.from_settings``) and asks every
question. Offsets are drawn in every region of the file: the header, and each
array. Each trial is one of:

- crash: an exception reached the caller (at open or at a question);
- rebuilt: the damage was logged and the index rebuilt, answers equal to the reference;
- rebuilt-differs: logged and rebuilt, yet some answer differs (a bug);
- silent: nothing logged, some answers differ from the reference;
- harmless: nothing logged, every answer equal (the bytes changed nothing asked).

It prints one line per trial and the totals.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from retrieval import Answer, Retriever

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample import import_sample

MAGIC = b"STORYBOT"


class Damage(logging.Handler):
    """Remembers the warnings logged while a trial runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def biggest(index: Path) -> Path:
    """The largest segment of an index folder."""
    return max(index.glob("seg-*.seg"), key=lambda p: p.stat().st_size)


def regions(data: bytes) -> list[tuple[str, int, int]]:
    """(name, start, end) of the header and of every array of a segment file."""
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    # The JSON header follows the length, or (since format 4) the length and a checksum.
    start = 20 if data[20:21] == b"{" else 16
    header = json.loads(data[start : start + length])
    base = -(-(start + length) // 64) * 64
    found = [("header", 0, start + length)]
    for name, spec in header["arrays"].items():
        size = 1
        for n in spec["shape"]:
            size *= int(n)
        width = int(spec["dtype"][-1])
        lo = base + int(spec["offset"])
        if size:
            found.append((name, lo, lo + size * width))
    return found


def answers(retriever: Retriever, questions: list[str]) -> list[Answer]:
    return [retriever.ask(q) for q in questions]


def differing(got: list[Answer] | None, reference: list[Answer]) -> int:
    """How many answers differ from the reference (none when there are no answers)."""
    return 0 if got is None else sum(a != b for a, b in zip(got, reference, strict=True))


def trial(
    settings: Any, pristine: Path, offset: int, size: int, questions: list[str], rng: random.Random
) -> tuple[str, str, list[Answer] | None]:
    """Damage a copy of the index at ``offset``; (outcome so far, detail, answers or None)."""
    index = settings.index
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(pristine, index)
    segment = biggest(index)
    with segment.open("r+b") as stream:
        stream.seek(offset)
        stream.write(rng.randbytes(size))
    handler = Damage()
    logging.getLogger("retrieval").addHandler(handler)
    try:
        retriever = Retriever.from_settings(settings)
        got = answers(retriever, questions)
    except Exception as exc:
        return "crash", f"{type(exc).__name__}: {str(exc)[:80]}", None
    finally:
        logging.getLogger("retrieval").removeHandler(handler)
    logged = next((line for line in handler.lines if "damaged" in line), "")
    return ("rebuilt" if logged else "undetected"), logged[:100], got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a JSONL(.gz) of articles")
    parser.add_argument("--queries", type=Path, required=True, help="one question per line")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--per-region", type=int, default=3, help="offsets drawn in each region")
    parser.add_argument("--bytes", type=int, default=64, help="random bytes written per trial")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = args.queries.read_text(encoding="utf-8").splitlines()
    questions = [q.strip() for q in lines if q.strip()][: args.questions]
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        settings = import_sample(args.corpus, args.articles, root)
        reference = answers(Retriever.from_settings(settings), questions)
        pristine = root / "pristine"
        shutil.copytree(settings.index, pristine)
        data = biggest(pristine).read_bytes()
        print(f"{args.articles} articles, segment of {len(data)} bytes, {len(questions)} questions")
        totals: Counter[str] = Counter()
        for name, lo, hi in regions(data):
            for _ in range(args.per_region):
                offset = rng.randrange(lo, max(lo + 1, hi - args.bytes))
                outcome, detail, got = trial(settings, pristine, offset, args.bytes, questions, rng)
                differ = differing(got, reference)
                if outcome == "undetected":
                    outcome = "silent" if differ else "harmless"
                elif outcome == "rebuilt" and differ:
                    outcome = "rebuilt-differs"
                totals[outcome] += 1
                print(f"{name:16} {offset:>10}  {outcome:15} {differ:>3} differ  {detail}")
                sys.stdout.flush()
        print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
