"""What filters cost a question: the same questions asked over a sample of a news corpus
unfiltered, filtered by source and filtered by date, and how often each is answered.

    python3 bench/filter_cost.py --corpus NEWS-CORPUS.jsonl.gz --queries QUERIES.txt \
        --articles 3000 --source usatoday --since 2021-01-01
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sample import import_sample

from retrieval import Answer, Filters, Retriever


def timed(ask: Callable[[str], Answer], questions: list[str]) -> tuple[float, float, int]:
    """Median and 95th percentile milliseconds per question, and how many were answered."""
    seconds, answered = [], 0
    for question in questions:
        start = time.perf_counter()
        answered += ask(question).found
        seconds.append(time.perf_counter() - start)
    cut = statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]
    return statistics.median(seconds) * 1000, cut * 1000, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a JSONL(.gz) news corpus")
    parser.add_argument("--queries", type=Path, required=True, help="one question a line")
    parser.add_argument("--articles", type=int, default=3000, help="the first N articles")
    parser.add_argument("--source", default="usatoday", help="the --source filter to time")
    parser.add_argument("--since", default="2021-01-01", help="the --since filter to time")
    parser.add_argument("--questions", type=int, default=200, help="how many questions")
    args = parser.parse_args()
    lines = args.queries.read_text(encoding="utf-8").splitlines()
    questions = [q.strip() for q in lines if q.strip()][: args.questions]
    with tempfile.TemporaryDirectory() as root:
        retriever = Retriever.from_settings(import_sample(args.corpus, args.articles, Path(root)))
        runs = {
            "unfiltered": None,
            f"--source {args.source}": Filters(source=args.source),
            f"--since {args.since}": Filters(since=args.since),
        }
        timed(retriever.ask, questions[:10])  # warm the caches
        print(f"{retriever.index.article_count} articles, {len(questions)} questions")
        for name, filters in runs.items():
            matched = retriever.ask("news", filters=filters).articles_searched
            p50, p95, answered = timed(lambda q, f=filters: retriever.ask(q, filters=f), questions)
            print(
                f"{name:28} {matched:6d} articles  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"answered {answered}/{len(questions)}"
            )


if __name__ == "__main__":
    main()
