"""What every command shares: the global options, settings, the retriever, help layout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from textwrap import dedent, indent
from typing import TYPE_CHECKING, Any

from retrieval import Retriever, Settings, load_settings
from retrieval.cli.progress import ProgressDisplay

if TYPE_CHECKING:
    from typing import TypeAlias

    # The type of add_subparsers' result, which argparse gives no public name.
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

LOG_LEVELS = ("debug", "info", "warning", "error")


def add_global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """--config, --corpus, --index and --log, on the main parser and on every command.

    On the commands they default to nothing at all, so a value given before the command
    (``storybot --config X ask``) is not overwritten by the command's default.
    """
    unset: Any = None if defaults else argparse.SUPPRESS
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $STORYBOT_CONFIG, else the project's config/storybot.yaml)",
        default=unset,
    )
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        type=Path,
        help="article folder (overrides the config)",
        default=unset,
    )
    parser.add_argument(
        "--index",
        metavar="DIR",
        type=Path,
        help="index folder (overrides the config)",
        default=unset,
    )
    parser.add_argument(
        "--log",
        choices=LOG_LEVELS,
        help="how much to log on stderr (default: warning)",
        default="warning" if defaults else unset,
    )


def command(
    commands: Subcommands, name: str, summary: str, examples: str, **kwargs: object
) -> argparse.ArgumentParser:
    """A subcommand with the global options, its one-line summary, and examples after its help."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n" + indent(dedent(examples).strip("\n"), "  "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,  # type: ignore[arg-type]
    )
    add_global_options(parser, defaults=False)
    return parser


def top_k(value: str) -> int:
    """An excerpt count from 1 to 25, as an argparse type."""
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
    """The retriever the options name; articles that could not be read are warned about."""
    settings = settings_from(args)
    # A rebuild or a catch-up can take a while: shown on a terminal, as add's progress is.
    with ProgressDisplay(sys.stderr, quiet=getattr(args, "quiet", False)) as progress:
        retriever = Retriever.from_settings(settings, allow_empty, progress.update)
    for problem in retriever.problems:
        print(f"storybot: warning: skipped {problem}", file=sys.stderr)
    return retriever
