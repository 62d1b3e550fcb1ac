"""`storybot quotes`: what a person said, quote by quote, with where it was printed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from retrieval import Filters, Quotes, StorybotError
from retrieval.cli.options import command, open_retriever
from retrieval.cli.output import echo, echo_json, plain_source, plural
from retrieval.cli.story.filters import add_filter_options, filters_from

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    quotes = command(
        commands,
        "quotes",
        "list every direct quote the articles attribute to a person",
        """
          storybot quotes Kelly
          storybot quotes "Norm Kelly" --json
          storybot quotes Kelly --source ctv
        """,
    )
    add_filter_options(quotes)
    quotes.add_argument("name", help='the person: a full name or part of one ("Kelly")')
    quotes.add_argument(
        "--json",
        action="store_true",
        help="print {name, speaker, candidates, quotes: [{quote, sources}]}",
    )
    quotes.set_defaults(handler=cmd_quotes)


def cmd_quotes(args: argparse.Namespace) -> int:
    name = " ".join(args.name.split())
    if not name:
        raise StorybotError("the name is empty")
    filters = filters_from(args)
    found = open_retriever(args).quotes(name, filters)
    if args.json:
        echo_json(found.to_dict())
    else:
        echo(format_quotes(found, filters))
    return 0 if found.speaker else 1


def format_quotes(found: Quotes, filters: Filters | None = None) -> str:
    """Quotes for a terminal: the speaker, then each quote numbered with its sources."""
    if found.speaker is None and found.candidates:
        names = ", ".join(found.candidates)
        return f'"{found.name}" could be: {names}. Ask again with a full name.'
    if found.speaker is None:
        which = f" matching the filters ({filters.describe()})" if filters else ""
        return f'No one called "{found.name}" is quoted in the articles{which}.'
    if not found.quotes:
        return f"{found.speaker} is named as a speaker, but no direct quote was found."
    lines = [f"{found.speaker}: {plural(len(found.quotes), 'quote')}", ""]
    for number, quote in enumerate(found.quotes, start=1):
        lines.append(f"{number}. “{quote.text}”")
        lines.extend(f"   — {plain_source(source)}" for source in quote.sources)
        lines.append("")
    return "\n".join(lines)
