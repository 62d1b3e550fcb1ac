"""`storybot ask` and `storybot chat`: questions in, excerpts with their sources out."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from retrieval import (
    Answer,
    Context,
    Conversation,
    Filters,
    QuestionTooLong,
    Retriever,
    StorybotError,
    build_reply,
    no_answer,
    reply_text,
)
from retrieval.cli.options import command, open_retriever, top_k
from retrieval.cli.output import echo, echo_json, plain_source
from retrieval.cli.story.filters import add_filter_options, filters_from

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    ask = command(
        commands,
        "ask",
        "answer a question with the best excerpts and their sources",
        """
          storybot ask "Who urged Ford to take a leave?"
          storybot ask "Who is Ford's driver?" --top-k 5 --context
          printf 'Who is the deputy mayor?\\nWhat did Kelly say?\\n' | storybot ask - --source wire
        """,
    )
    add_filter_options(ask)
    ask.add_argument(
        "question",
        help='the question, or "-" to read one question per line from stdin (the index loads once)',
    )
    ask.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per question: {query, results: [{excerpt, score, sources}]}",
    )
    ask.add_argument(
        "--top-k", type=top_k, metavar="N", help="how many excerpts, 1-25 (default: the config's)"
    )
    ask.add_argument(
        "--context",
        action="store_true",
        help="show each excerpt's whole paragraph with the paragraphs before and after it "
        "(with --json: a 'context' object in each result)",
    )
    ask.set_defaults(handler=cmd_ask)

    chat = command(
        commands,
        "chat",
        "ask interactively, follow-ups included; prints exactly what the bot would post",
        """
          storybot chat
          printf 'Who is the deputy mayor?\\nWhat did he ask Ford to do?\\n' | storybot chat
          storybot chat --since 3d --source wire
        """,
    )
    add_filter_options(chat)
    chat.set_defaults(handler=cmd_chat)


def cmd_ask(args: argparse.Namespace) -> int:
    from_stdin = args.question == "-"
    if not from_stdin and not args.question.strip():
        raise StorybotError("the question is empty")
    args.filters = filters_from(args)
    retriever = open_retriever(args)
    if not from_stdin:
        answer_one(args, retriever, args.question.strip())
        return 0
    refused = 0
    for number, line in enumerate(sys.stdin, start=1):
        question = line.strip()
        try:
            answer_one(args, retriever, question, heading=True)
        except QuestionTooLong as error:
            # One line refused; the others are still answered, and the status says so.
            refused += 1
            print(f"storybot: error: line {number}: {error}", file=sys.stderr)
            if args.json:
                echo_json({**Answer(question).to_dict(), "error": str(error)})
    return 1 if refused else 0


def answer_one(
    args: argparse.Namespace, retriever: Retriever, question: str, heading: bool = False
) -> None:
    """Print the answer to one question; ``heading`` puts the question above it."""
    if args.json:
        answer = Answer(question)
        if question:
            answer = retriever.ask(question, args.top_k, filters=args.filters)
        found = answer.to_dict()
        if args.context:
            for result, context in zip(found["results"], contexts(retriever, answer), strict=True):
                result["context"] = context.to_dict() if context else None
        echo_json(found)
    elif question:
        answer = retriever.ask(question, args.top_k, filters=args.filters)
        if heading:
            echo(f"Q: {question}")
        echo(format_answer(answer, contexts(retriever, answer) if args.context else None))


def contexts(retriever: Retriever, answer: Answer) -> list[Context | None]:
    """Each excerpt's context, read from the index the answer came from."""
    return [retriever.context(r.ref) if r.ref else None for r in answer.results]


def format_answer(answer: Answer, context: list[Context | None] | None = None) -> str:
    """An answer for a terminal: numbered excerpts, each followed by its sources.

    With ``context``, each excerpt's paragraph and its neighbours follow its sources.
    """
    if not answer.found:
        return f"{no_answer(answer)}\n"
    lines = []
    for rank, result in enumerate(answer.results, start=1):
        excerpt = result.excerpt.replace("\n", "\n   ")
        lines.append(f"{rank}. {excerpt}")
        lines.extend(f"   — {plain_source(source)}" for source in result.sources)
        found = context[rank - 1] if context else None
        if found is not None:
            lines.extend(["   context:", *format_context(found)])
        lines.append("")
    return "\n".join(lines)


def format_context(context: Context) -> list[str]:
    """The paragraphs around an excerpt, indented; its own marked with '>'."""
    lines = ["     …"] if context.earlier else []
    for number, paragraph in enumerate(context.paragraphs):
        mark = "   > " if number == context.at else "     "
        if number:
            lines.append("")
        lines.extend(
            mark + line if line.strip() else mark.rstrip() for line in paragraph.split("\n")
        )
    if context.later:
        lines.append("     …")
    return lines


# A line that starts the conversation over: the next question is read as it stands.
RESET_COMMANDS = ("/new", "/reset")
STARTED_OVER = "(New conversation: the next question starts afresh.)"


def cmd_chat(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    conversation = Conversation(open_retriever(args))
    interactive = sys.stdin.isatty()
    if interactive:
        echo(
            "Ask about the story; follow-ups build on the questions before "
            f"({' or '.join(RESET_COMMANDS)} starts over; an empty line or Ctrl-D quits)."
        )
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        if not line.strip():
            if interactive:
                break
            continue
        if line.strip().lower() in RESET_COMMANDS:
            conversation.reset()
            echo(STARTED_OVER)
        else:
            echo(chat_reply(conversation, line.strip(), filters))
        echo()
    return 0


def chat_reply(
    asker: Conversation | Retriever, question: str, filters: Filters | None = None
) -> str:
    """What the bot would post for a question: its first message, or its refusal."""
    try:
        return reply_text(build_reply(asker.ask(question, filters=filters)))
    except QuestionTooLong as refused:
        return str(refused)
