"""Abstention at every scale: questions no article should answer, over corpora of any size.

Asks a question file (the `storybot eval` format, ``a: []``) over the seed corpus and
over the first N articles of a news corpus, for each N given, and prints per corpus and
kind the share left unanswered, then each question answered with the start of its first
excerpt. Each corpus is imported once into ``--workdir`` and reused by later runs.
Nothing here is timed against a target: it prints figures.

    python3 bench/abstention.py --questions tests/data/abstain.yaml \\
        --corpus NEWS-CORPUS.jsonl.gz --articles 1000 --articles 0 --workdir DIR
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import defaultdict
from pathlib import Path

from retrieval import EvalQuestion, Retriever, expand, load_questions
from retrieval import load_settings as load_config

SHOWN_CHARS = 70


def first_lines(corpus: Path, articles: int, out: Path) -> Path:
    """The first ``articles`` lines of a JSONL corpus (0: all), written once to ``out``."""
    if out.exists():
        return out
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for count, line in enumerate(src):
            if articles and count == articles:
                break
            dst.write(line)
    return out


def news_retriever(corpus: Path, articles: int, workdir: Path) -> Retriever:
    """A retriever over the first ``articles`` articles, imported into ``workdir`` once."""
    folder = workdir / (f"first-{articles}" if articles else "all")
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    settings = load_config().with_paths(corpus=folder / "corpus", index=folder / "index")
    retriever = Retriever.from_settings(settings, allow_empty=True)
    if not retriever.articles():
        jsonl = first_lines(corpus, articles, folder / "articles.jsonl")
        report = retriever.add(expand([str(jsonl)], settings.fetch))
        print(f"  imported {len(report.added)} articles, {len(report.refused)} refused")
    return retriever


def report(name: str, retriever: Retriever, questions: list[EvalQuestion]) -> int:
    """Print the share left unanswered per kind and each answered question; return those."""
    answered: list[tuple[EvalQuestion, str]] = []
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for question in questions:
        answer = retriever.ask(question.q)
        totals[question.kind][1] += 1
        if answer.found:
            answered.append((question, answer.results[0].excerpt))
        else:
            totals[question.kind][0] += 1
    index = retriever.index
    print(f"{name}: {index.article_count} articles, {index.passage_count} passages")
    for kind, (left, total) in sorted(totals.items()):
        print(f"  {kind:5} left unanswered {left}/{total} ({left / total:.3f})")
    for question, excerpt in answered:
        shown = " ".join(excerpt.split())[:SHOWN_CHARS]
        print(f"  answered [{question.kind}] {question.q[:50]!r}: {shown}")
    return len(answered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, required=True, help="a question file")
    parser.add_argument("--corpus", type=Path, help="a news corpus (JSONL, may be gzipped)")
    parser.add_argument(
        "--articles", type=int, action="append", default=[], metavar="N",
        help="ask over its first N articles, 0 for all (repeatable)",
    )  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="keep the imported corpora here")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed corpus")
    args = parser.parse_args(argv)
    if args.articles and not (args.corpus and args.workdir):
        parser.error("--articles needs --corpus and --workdir")
    questions = load_questions(args.questions)
    if not args.no_seeds:
        report("seed corpus", Retriever.from_settings(load_config()), questions)
    for articles in args.articles:
        retriever = news_retriever(args.corpus, articles, args.workdir)
        report(f"news, first {articles or 'all'}", retriever, questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
