"""`storybot timeline`: the story's dated events in the order they happened."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from retrieval import Filters, Timeline
from retrieval.cli.options import command, open_retriever
from retrieval.cli.output import echo, echo_json, plain_source
from retrieval.cli.story.filters import add_filter_options, filters_from

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    timeline = command(
        commands,
        "timeline",
        "the story's dated events in order, each with its sources",
        """
          storybot timeline
          storybot timeline --json
          storybot timeline --since 2013-11-01 --source "wire story"
        """,
    )
    add_filter_options(timeline)
    timeline.add_argument(
        "--json",
        action="store_true",
        help="print {events: [{date, precision, when, text, sources}]}",
    )
    timeline.set_defaults(handler=cmd_timeline)


def cmd_timeline(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    found = open_retriever(args).timeline(filters)
    if args.json:
        echo_json(found.to_dict())
    else:
        echo(format_timeline(found, filters))
    return 0


def format_timeline(timeline: Timeline, filters: Filters | None = None) -> str:
    """One event a line under its date, its sources below it."""
    if not timeline.events:
        which = f" matching the filters ({filters.describe()})" if filters else ""
        return f"No sentence in the articles{which} names a date."
    lines = []
    for event in timeline.events:
        lines.append(f"{event.when.label()}  {event.text}")
        lines.extend(f"    — {plain_source(source)}" for source in event.sources)
    return "\n".join(lines)
