"""Answer quality: SQuAD v1.1 dev, the news quiz, and question files over their own stories.

Every set is imported into a fresh corpus through the public API and asked question by
question. For SQuAD and the news quiz an answer counts as found at k when an accepted
answer occurs (case and punctuation folded, as `storybot eval` compares) in one of the
first k excerpts; abstained is the share of questions given no excerpt at all. A story
folder holds ``articles.jsonl`` and ``questions.yaml`` (the `storybot eval` format) and
is reported by kind, as `storybot eval` prints it; ``--eval FILE`` asks a question file
over the seed corpus (an item with ``after:`` in one conversation, as `storybot eval`
asks it). Nothing here is timed against a target: it prints figures.

    python3 bench/quality.py --squad PATH/squad-dev-v1.1.json --story PATH/story2 \\
        --eval PATH/dev.yaml --eval tests/data/heldout.yaml
    python3 bench/quality.py --news PATH/news-corpus.jsonl.gz \\
        --news-questions PATH/news-questions.jsonl --news-workdir DIR   # DIR kept, reused
    python3 bench/quality.py --smoke   # a CI-sized run over a small story made here
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from retrieval import (
    Answer,
    Conversation,
    EvalQuestion,
    QuestionTooLong,
    Report,
    Retriever,
    evaluate,
    expand,
    load_questions,
)
from retrieval import load_settings as load_config

TOP_K = 5


@dataclass
class SetFigures:
    name: str
    articles: int
    questions: int
    hit1: float
    hit3: float
    hit5: float
    abstained: float
    median_chars: float
    max_chars: int
    seconds: float


def open_fresh(workdir: Path, jsonl: Path | None = None) -> Retriever:
    """A retriever over ``workdir``'s corpus and index, filled from ``jsonl`` if empty."""
    (workdir / "corpus").mkdir(parents=True, exist_ok=True)
    settings = load_config().with_paths(corpus=workdir / "corpus", index=workdir / "index")
    retriever = Retriever.from_settings(settings, allow_empty=True)
    if jsonl is not None and not retriever.articles():
        report = retriever.add(expand([str(jsonl)], settings.fetch))
        print(f"  imported {len(report.added)} articles, {len(report.refused)} refused")
    return retriever


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def squad_set(path: Path, limit: int | None) -> tuple[list[dict[str, Any]], list[EvalQuestion]]:
    """SQuAD's articles (paragraphs joined by blank lines) and its questions."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    articles, questions = [], []
    for item in data:
        title = item["title"].replace("_", " ")
        paragraphs = [p["context"].strip() for p in item["paragraphs"]]
        articles.append({"id": f"squad-{len(articles)}", "title": title,
                         "text": "\n\n".join(paragraphs)})  # fmt: skip
        for paragraph in item["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append(EvalQuestion(qa["question"], answers, "squad"))
    return articles, questions[:limit] if limit else questions


def news_questions(path: Path, limit: int | None) -> list[EvalQuestion]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    questions = [EvalQuestion(r["question"], (str(r["answer"]),), "news") for r in rows]
    return questions[:limit] if limit else questions


def gunzipped(path: Path, workdir: Path) -> Path:
    if path.suffix != ".gz":
        return path
    plain = workdir / path.with_suffix("").name
    if not plain.exists():
        with gzip.open(path, "rb") as src, plain.open("wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
    return plain


def ask_within_cap(retriever: Retriever, question: str) -> Answer:
    """The answer, or none for a question over the length cap, as storybot refuses it."""
    try:
        return retriever.ask(question, top_k=TOP_K)
    except QuestionTooLong:
        return Answer(question)


def measure(
    name: str, retriever: Retriever, questions: list[EvalQuestion], answers: TextIO | None
) -> SetFigures:
    started = time.perf_counter()
    report = evaluate(questions, lambda q: ask_within_cap(retriever, q))
    seconds = time.perf_counter() - started
    for outcome in report.outcomes if answers else ():
        excerpts = [r.excerpt for r in outcome.answer.results]
        row = {"set": name, "q": outcome.question.q, "excerpts": excerpts}
        print(json.dumps(row, ensure_ascii=False), file=answers)
    inside = [o for o in report.outcomes if o.question.in_scope]
    lengths = report.excerpt_lengths()
    return SetFigures(
        name=name,
        articles=len(retriever.articles()),
        questions=len(inside),
        hit1=report.hit_at(1),
        hit3=report.hit_at(3),
        hit5=report.hit_at(5),
        abstained=sum(not o.answer.found for o in inside) / len(inside) if inside else 0.0,
        median_chars=statistics.median(lengths) if lengths else 0.0,
        max_chars=max(lengths, default=0),
        seconds=seconds,
    )


def show(figures: SetFigures) -> None:
    f = figures
    print(
        f"{f.name}: {f.questions} questions over {f.articles} articles, top-{TOP_K}\n"
        f"  answer-hit@1 {f.hit1:.3f}  @3 {f.hit3:.3f}  @5 {f.hit5:.3f}  "
        f"abstained {f.abstained:.3f}\n"
        f"  excerpts: median {f.median_chars:.0f} chars, max {f.max_chars}; "
        f"{f.questions / f.seconds:.1f} questions/s"
    )


def by_kind(name: str, retriever: Retriever, questions: list[EvalQuestion]) -> Report:
    report = evaluate(
        questions, lambda q: retriever.ask(q, top_k=TOP_K), lambda asked: converse(retriever, asked)
    )
    print(f"{name}:")
    for line in report.lines(TOP_K):
        print(f"  {line}")
    return report


def converse(retriever: Retriever, asked: Sequence[str]) -> Answer:
    """Questions asked in order in one new conversation (a follow-up with its `after:`)."""
    conversation = Conversation(retriever)
    answers = [conversation.ask(question, top_k=TOP_K) for question in asked]
    return answers[-1]


def smoke_story() -> Iterator[dict[str, Any]]:
    """A small story written for the smoke run: enough to exercise every stage."""
    yield {"id": "smoke-1", "title": "Harbour bridge reopens", "source": "Smoke Gazette",
           "text": "The Harbour Bridge reopened on Tuesday after a two-year repair that "
           "cost $42 million, the city's engineer Dana Whitlow said.\n\nTraffic was light "
           "in the morning. Cyclists welcomed the wider lanes."}  # fmt: skip
    yield {"id": "smoke-2", "title": "Council debates ferry fares", "source": "Smoke Gazette",
           "text": "Councillor Amir Osei proposed cutting ferry fares by 15 percent to "
           "win back riders lost while the bridge was closed.\n\nThe vote was put off "
           "until March because the budget office had not costed the plan."}  # fmt: skip


SMOKE_QUESTIONS = [
    EvalQuestion("How much did the bridge repair cost?", ("$42 million",), "fact"),
    EvalQuestion("Who proposed cutting ferry fares?", ("Amir Osei",), "fact"),
    EvalQuestion("Why was the vote put off?", ("had not costed",), "para"),
    EvalQuestion("What is the capital of Australia?", (), "out"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", type=Path, help="the SQuAD v1.1 dev JSON file")
    parser.add_argument("--squad-limit", type=int, metavar="N", help="only its first N questions")
    parser.add_argument("--news", type=Path, help="the news corpus (JSONL, may be gzipped)")
    parser.add_argument(
        "--news-questions", type=Path, help="its questions, JSONL {question, answer}"
    )
    parser.add_argument("--news-limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument("--news-workdir", type=Path, help="keep the news index here, to reuse")
    parser.add_argument(
        "--story", type=Path, action="append", default=[],
        help="a folder with articles.jsonl and questions.yaml (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--eval", type=Path, action="append", default=[],
        help="a question file over the seed corpus (repeatable)",
    )  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="a small run over a made-up story")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--answers", type=Path, help="write every SQuAD and news answer here (JSONL), to compare"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    answers = args.answers.open("w", encoding="utf-8") if args.answers else None
    with tempfile.TemporaryDirectory(prefix="storybot-quality-") as tmp:
        work = Path(tmp)
        if args.smoke:
            story = write_jsonl(work / "smoke.jsonl", smoke_story())
            (work / "smoke").mkdir()
            retriever = open_fresh(work / "smoke", story)
            report = by_kind("smoke", retriever, SMOKE_QUESTIONS)
            results["smoke"] = report.to_dict(TOP_K)
        if args.squad:
            articles, questions = squad_set(args.squad, args.squad_limit)
            (work / "squad").mkdir()
            retriever = open_fresh(work / "squad", write_jsonl(work / "squad.jsonl", articles))
            figures = measure("SQuAD v1.1 dev", retriever, questions, answers)
            show(figures)
            results["squad"] = asdict(figures)
        if args.news and args.news_questions:
            folder = args.news_workdir or work / "news"
            folder.mkdir(parents=True, exist_ok=True)
            retriever = open_fresh(folder, gunzipped(args.news, folder))
            questions = news_questions(args.news_questions, args.news_limit)
            figures = measure("news quiz", retriever, questions, answers)
            show(figures)
            results["news"] = asdict(figures)
        for folder in args.story:
            (work / folder.name).mkdir()
            retriever = open_fresh(work / folder.name, folder / "articles.jsonl")
            report = by_kind(str(folder.name), retriever, load_questions(folder / "questions.yaml"))
            results[f"story:{folder.name}"] = report.to_dict(TOP_K)
        if args.eval:
            retriever = Retriever.from_settings(load_config())
            for path in args.eval:
                report = by_kind(path.name, retriever, load_questions(path))
                results[f"eval:{path.name}"] = report.to_dict(TOP_K)
    if answers:
        answers.close()
    if not results:
        parser.error("nothing to measure: give --squad, --news, --story, --eval or --smoke")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
