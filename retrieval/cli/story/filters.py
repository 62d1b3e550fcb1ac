"""--since, --until and --source: the filters ask, chat, latest, timeline and quotes share."""

from __future__ import annotations

import argparse

from retrieval import Filters


def add_filter_options(parser: argparse.ArgumentParser, since_default: str = "") -> None:
    """The three filter options; ``since_default`` says what no --since means, if anything."""
    group = parser.add_argument_group(
        "filters", "choose the articles by publication date and source (an undated article "
        "matches no --since or --until)",
    )  # fmt: skip
    group.add_argument(
        "--since",
        metavar="DATE",
        help="articles published on or after DATE (YYYY-MM-DD), or this long ago (3d, 2w, 36h)"
        + (f"; default: {since_default}" if since_default else ""),
    )
    group.add_argument(
        "--until",
        metavar="DATE",
        help="articles published on or before DATE (YYYY-MM-DD, or 3d, 2w, 36h ago)",
    )
    group.add_argument(
        "--source",
        metavar="TEXT",
        help="articles whose outlet, label, title or web address's host contains TEXT (case aside)",
    )


def filters_from(args: argparse.Namespace) -> Filters:
    """The filters the options give (empty when none is given); bad dates raise."""
    return Filters.parse(args.since, args.until, args.source)
