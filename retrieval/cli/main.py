"""The `storybot` command line: a thin adapter over the retrieval library's public API.

Exit status: 0 success, 1 a user error or refused input (one line on stderr,
``storybot: error: …``), 2 a usage error (argparse's), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from importlib import metadata

from retrieval import StorybotError, shard_problem
from retrieval.cli import ask, check, corpus, evaluate, feedback, feeds
from retrieval.cli.options import add_global_options, command, settings_from
from retrieval.cli.output import OutputError, discard_stdout
from retrieval.cli.story import latest, quotes, timeline

EXAMPLES = """\
examples:
  storybot ask "Who urged Ford to take a leave?"
  storybot add https://example.com/news/story.html
  storybot --config my-story.yaml sources --json

exit status: 0 success, 1 a user error or refused input, 2 a usage error
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `storybot` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = getattr(logging, args.log.upper())
    handler = logging.StreamHandler()
    handler.setFormatter(_LogFormat(with_names=level < logging.WARNING))
    logging.basicConfig(level=level, handlers=[handler])
    if args.handler is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args))
    except OutputError as exc:
        discard_stdout()
        return _fail(exc)
    except StorybotError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        return 130


class _LogFormat(logging.Formatter):
    """``storybot: warning: …`` as git writes it; the logger's name too when debugging."""

    def __init__(self, with_names: bool) -> None:
        super().__init__()
        self.with_names = with_names

    def format(self, record: logging.LogRecord) -> str:
        where = f"{record.name}: " if self.with_names else ""
        text = f"storybot: {record.levelname.lower()}: {where}{record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def _fail(error: StorybotError) -> int:
    # If stderr is gone too, the exit status is all that is left to say it.
    with contextlib.suppress(OSError):
        print(f"storybot: error: {error}", file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storybot",
        description="Answer questions about a news story with quoted, sourced excerpts.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    add_global_options(parser, defaults=True)
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    ask.add_parsers(commands)
    corpus.add_parsers(commands)
    evaluate.add_parsers(commands)
    check.add_parsers(commands)
    quotes.add_parsers(commands)
    latest.add_parsers(commands)
    timeline.add_parsers(commands)
    feedback.add_parsers(commands)
    feeds.add_parsers(commands)
    run = command(
        commands,
        "run",
        "run the Discord bot (its token from DISCORD_TOKEN)",
        """
          DISCORD_TOKEN=... storybot run --log info
          DISCORD_TOKEN=... storybot run --config my-story.yaml
          DISCORD_TOKEN=... storybot run --shard-ids 0,1 --shard-count 4
        """,
    )
    run.add_argument(
        "--shard-ids",
        type=shard_ids,
        metavar="N,N",
        help="run only these gateway shards, e.g. 0,1 (the others in other processes; "
        "needs --shard-count or bot.shard_count; default: bot.shard_ids, else all)",
    )
    run.add_argument(
        "--shard-count",
        type=shard_count,
        metavar="N",
        help="how many shards all the processes run together (default: bot.shard_count, "
        "else what Discord recommends)",
    )
    run.set_defaults(handler=cmd_run, usage_error=run.error)
    return parser


def shard_ids(value: str) -> list[int]:
    """Shard numbers separated by commas, as an argparse type."""
    try:
        return [int(part) for part in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected shard numbers separated by commas, such as 0,1; got {value!r}"
        ) from None


def shard_count(value: str) -> int:
    """A number of shards, at least 1, as an argparse type."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def cmd_run(args: argparse.Namespace) -> int:
    from bot import run_bot

    settings = settings_from(args)
    if args.shard_ids is not None or args.shard_count is not None:
        # The command line overrides the config, key by key; the pair must hold together.
        settings = settings.with_shards(args.shard_ids, args.shard_count)
        bot = settings.bot
        problem = shard_problem(
            bot.shard_ids,
            bot.shard_count,
            "--shard-ids" if args.shard_ids is not None else "bot.shard_ids (from the config)",
            "bot.shard_count" if args.shard_count is None and bot.shard_count else "--shard-count",
        )
        if problem:
            args.usage_error(problem)  # exits with status 2
    return run_bot(settings)


def _version() -> str:
    try:
        return metadata.version("storybot")
    except metadata.PackageNotFoundError:
        return "(not installed)"
