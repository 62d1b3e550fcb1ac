"""`storybot latest`: what the newest articles say that earlier ones don't."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from retrieval.cli.ask import format_answer
from retrieval.cli.options import command, open_retriever, top_k
from retrieval.cli.output import echo, echo_json, plural
from retrieval.cli.story.filters import add_filter_options, filters_from

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    latest = command(
        commands,
        "latest",
        "what's new: passages of the newest articles that no earlier article said",
        """
          storybot latest
          storybot latest --since 2013-11-05
          storybot latest --since 2d --source star --json
        """,
    )
    add_filter_options(latest, "the newest date among the articles the other filters match")
    latest.add_argument(
        "--top-k", type=top_k, metavar="N", help="how many passages, 1-25 (default: the config's)"
    )
    latest.add_argument(
        "--json",
        action="store_true",
        help="print {since, new_articles, query, results: [{excerpt, score, sources}]}",
    )
    latest.set_defaults(handler=cmd_latest)


def cmd_latest(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    found = open_retriever(args).latest(filters, args.top_k)
    if args.json:
        echo_json({"since": found.since, "new_articles": found.new_articles,
                   **found.answer.to_dict()})  # fmt: skip
        return 0
    if found.since is None:
        which = f" matching the filters ({filters.describe()})" if filters else ""
        echo(f"No article{which} has a date, so none is newer than another.")
        return 0
    echo(f"Since {found.since}: {plural(found.new_articles, 'new article')}")
    echo("")
    if not found.answer.found:
        echo("Nothing in them that earlier articles didn't already say.")
        return 0
    echo(format_answer(found.answer))
    return 0
