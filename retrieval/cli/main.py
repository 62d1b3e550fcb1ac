"""The `storybot` command line: a thin adapter over the retrieval library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from retrieval.answering.answer import Answer
from retrieval.answering.evaluation import evaluate, load_questions
from retrieval.answering.render import NO_ANSWER, build_reply, reply_text
from retrieval.cli.corpus import add_parsers
from retrieval.errors import StorybotError
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings

log = logging.getLogger("storybot")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `storybot` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log.upper()),
        format="storybot: %(levelname)s: %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except StorybotError as exc:
        print(f"storybot: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $STORYBOT_CONFIG or the project's config/storybot.yaml)",
    )
    common.add_argument(
        "--corpus", metavar="DIR", type=Path, help="corpus folder (overrides the config)"
    )
    common.add_argument(
        "--index", metavar="DIR", type=Path, help="index folder (overrides the config)"
    )
    common.add_argument(
        "--log",
        choices=("debug", "info", "warning", "error"),
        default="warning",
        help="how much to log on stderr (default: warning)",
    )

    parser = argparse.ArgumentParser(
        prog="storybot",
        description="Answer questions about a news story with quoted, sourced excerpts.",
    )
    parser.set_defaults(handler=lambda _args: _usage(parser), log="warning")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ask = commands.add_parser("ask", parents=[common], help="answer a question")
    ask.add_argument(
        "question", help='the question, or "-" to read one question per line from stdin'
    )
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument(
        "--top-k", type=_positive, metavar="N", help="how many excerpts (default: config)"
    )
    ask.set_defaults(handler=cmd_ask)

    sources = commands.add_parser("sources", parents=[common], help="list the indexed articles")
    sources.add_argument("--json", action="store_true", help="print JSON")
    sources.set_defaults(handler=cmd_sources)

    ev = commands.add_parser(
        "eval", parents=[common], help="measure answer quality on a question file"
    )
    ev.add_argument("file", type=Path, help="YAML list of {q, a, kind}")
    ev.add_argument(
        "--top-k",
        type=_positive,
        default=10,
        metavar="N",
        help="excerpts per question (default 10)",
    )
    ev.add_argument(
        "-v", "--verbose", dest="show_misses", action="store_true", help="print each miss"
    )
    ev.set_defaults(handler=cmd_eval)

    chat = commands.add_parser(
        "chat", parents=[common], help="ask interactively; prints what the bot would post"
    )
    chat.set_defaults(handler=cmd_chat)

    add_parsers(commands, common)

    run = commands.add_parser(
        "run", parents=[common], help="run the Discord bot (token from DISCORD_TOKEN)"
    )
    run.set_defaults(handler=cmd_run)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= number <= 25:
        raise argparse.ArgumentTypeError("must be between 1 and 25")
    return number


def settings_from(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    return settings.with_paths(corpus=args.corpus, index=args.index)


def open_retriever(args: argparse.Namespace, allow_empty: bool = False) -> Retriever:
    retriever = Retriever.from_settings(settings_from(args), allow_empty=allow_empty)
    for problem in retriever.problems:
        print(f"storybot: warning: skipped {problem}", file=sys.stderr)
    return retriever


def cmd_ask(args: argparse.Namespace) -> int:
    if args.question != "-" and not args.question.strip():
        raise StorybotError("the question is empty")
    retriever = open_retriever(args)
    questions = sys.stdin if args.question == "-" else [args.question]
    for line in questions:
        question = line.strip()
        answer = retriever.ask(question, top_k=args.top_k) if question else Answer(question)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer), flush=True)
    return 0


def format_answer(answer: Answer) -> str:
    """An answer for a terminal: numbered excerpts, each followed by its sources."""
    if not answer.found:
        return f"{NO_ANSWER}\n"
    lines = []
    for rank, result in enumerate(answer.results, start=1):
        excerpt = result.excerpt.replace("\n", "\n   ")
        lines.append(f"{rank}. {excerpt}")
        for source in result.sources:
            known = [v for v in (source.source, source.title, source.published, source.url) if v]
            lines.append(f"   — {' · '.join([*known, source.id])}")
        lines.append("")
    return "\n".join(lines)


def cmd_sources(args: argparse.Namespace) -> int:
    retriever = open_retriever(args)
    infos = retriever.articles()
    if args.json:
        rows = [{**i.source.to_dict(), "passages": i.passages} for i in infos]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for info in infos:
        s = info.source
        known = [v for v in (s.source, s.title, s.published, s.url) if v]
        print(f"{s.id}  {' · '.join(known) or '(no metadata)'}  [{info.passages} passages]")
    total = sum(i.passages for i in infos)
    print(f"{len(infos)} articles, {total} passages")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    questions = load_questions(args.file)
    retriever = open_retriever(args)
    report = evaluate(questions, lambda q: retriever.ask(q, top_k=args.top_k))
    for line in report.lines(args.top_k):
        print(line)
    if args.show_misses:
        for outcome in report.misses():
            q = outcome.question
            got = (
                outcome.answer.results[0].excerpt.replace("\n", " ")
                if outcome.answer.found
                else "(no answer)"
            )
            where = f"rank {outcome.rank}" if outcome.rank else "not found"
            expected = " | ".join(q.a) if q.a else "no answer"
            print(f"MISS [{q.kind}] {q.q}\n  expected: {expected} ({where})\n  first: {got}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    retriever = open_retriever(args)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about the story (an empty line or Ctrl-D quits).")
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        if not line.strip():
            if interactive:
                break
            continue
        reply = build_reply(retriever.ask(line.strip()))
        print(reply_text(reply))
        print()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run_bot

    return run_bot(settings_from(args))


if __name__ == "__main__":
    raise SystemExit(main())
