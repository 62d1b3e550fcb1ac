"""`storybot eval`: answer quality on a file of questions with accepted answers."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval import (
    Answer,
    Conversation,
    EvalError,
    Outcome,
    QuestionTooLong,
    Retriever,
    clip,
    evaluate,
    load_questions,
)
from retrieval.cli.options import command, open_retriever, top_k
from retrieval.cli.output import echo, echo_json

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    ev = command(
        commands,
        "eval",
        "measure answer quality on a question file",
        """
          storybot eval tests/data/heldout.yaml
          storybot eval questions.yaml --verbose --top-k 5
          storybot eval questions.yaml --json > figures.json
        """,
    )
    ev.add_argument(
        "file",
        type=Path,
        help="a YAML list of {q: question, a: [accepted answer substrings], kind: label}, "
        "with after: [earlier questions] for a follow-up",
    )
    ev.add_argument(
        "--top-k",
        type=top_k,
        default=10,
        metavar="N",
        help="excerpts per question, 1-25 (default 10)",
    )
    ev.add_argument(
        "-v",
        "--verbose",
        dest="show_misses",
        action="store_true",
        help="print each miss: the question, what was expected, and the first excerpt",
    )
    ev.add_argument(
        "--json", action="store_true", help="print the figures and the misses as one JSON object"
    )
    ev.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    questions = load_questions(args.file)
    retriever = open_retriever(args)
    report = evaluate(
        questions,
        lambda q: _ask(retriever, q, args),
        lambda asked: _converse(retriever, asked, args),
    )
    if args.json:
        echo_json({**report.to_dict(args.top_k), "misses": [_miss(o) for o in report.misses()]})
        return 0
    for line in report.lines(args.top_k):
        echo(line)
    if args.show_misses:
        for outcome in report.misses():
            miss = _miss(outcome)
            where = f"rank {miss['rank']}" if miss["rank"] else "not found"
            expected = " | ".join(miss["expected"]) if miss["expected"] else "no answer"
            got = miss["first"].replace("\n", " ") if miss["first"] is not None else "(no answer)"
            echo(
                f"MISS [{miss['kind']}] {miss['q']}\n  expected: {expected} ({where})\n"
                f"  first: {got}"
            )
    return 0


def _ask(retriever: Retriever, question: str, args: argparse.Namespace) -> Answer:
    try:
        return retriever.ask(question, top_k=args.top_k)
    except QuestionTooLong as error:
        raise EvalError(f"{args.file}: question {clip(question, 40)!r}: {error}") from None


def _converse(retriever: Retriever, asked: Sequence[str], args: argparse.Namespace) -> Answer:
    """Ask questions in order in one new conversation; the last one's answer."""
    conversation = Conversation(retriever)
    answer = Answer("")
    for question in asked:
        try:
            answer = conversation.ask(question, top_k=args.top_k)
        except QuestionTooLong as error:
            raise EvalError(f"{args.file}: question {clip(question, 40)!r}: {error}") from None
    return answer


def _miss(outcome: Outcome) -> dict[str, Any]:
    q, answer = outcome.question, outcome.answer
    return {
        "q": q.q,
        "kind": q.kind,
        "expected": list(q.a),
        "rank": outcome.rank,
        "first": answer.results[0].excerpt if answer.found else None,
        **({"understood": answer.understood} if answer.understood else {}),
    }
