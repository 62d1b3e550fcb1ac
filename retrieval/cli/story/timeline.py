"""`storybot timeline`: the story's dated events in the order they happened."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from retrieval import Timeline
from retrieval.cli.options import command, open_retriever
from retrieval.cli.output import echo, echo_json, plain_source

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
        """,
    )
    timeline.add_argument(
        "--json",
        action="store_true",
        help="print {events: [{date, precision, when, text, sources}]}",
    )
    timeline.set_defaults(handler=cmd_timeline)


def cmd_timeline(args: argparse.Namespace) -> int:
    found = open_retriever(args).timeline()
    if args.json:
        echo_json(found.to_dict())
    else:
        echo(format_timeline(found))
    return 0


def format_timeline(timeline: Timeline) -> str:
    """One event a line under its date, its sources below it."""
    if not timeline.events:
        return "No sentence in the articles names a date."
    lines = []
    for event in timeline.events:
        lines.append(f"{event.when.label()}  {event.text}")
        lines.extend(f"    — {plain_source(source)}" for source in event.sources)
    return "\n".join(lines)
