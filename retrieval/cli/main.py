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

from retrieval import StorybotError
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
        """,
    )
    run.set_defaults(handler=cmd_run)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from bot import run_bot

    return run_bot(settings_from(args))


def _version() -> str:
    try:
        return metadata.version("storybot")
    except metadata.PackageNotFoundError:
        return "(not installed)"
