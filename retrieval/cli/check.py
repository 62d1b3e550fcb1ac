"""`storybot check`: verify the saved index fully and say what is wrong; it repairs nothing."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from retrieval import check_index
from retrieval.cli.options import command, settings_from
from retrieval.cli.output import echo, echo_json, plural

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    check = command(
        commands,
        "check",
        "verify the saved index: checksums, segments, manifest and corpus folder "
        "(repairs nothing: the next command that opens the index rebuilds or updates it)",
        """
          storybot check
          storybot check --json --index my-story/.index
        """,
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: {ok, index, corpus, segments, articles, passages, problems}",
    )
    check.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    result = check_index(settings_from(args))
    status = 0 if result.ok else 1
    if args.json:
        echo_json(
            {
                "ok": result.ok,
                "index": str(result.index),
                "corpus": str(result.corpus),
                "segments": result.segments,
                "articles": result.articles,
                "passages": result.passages,
                "problems": result.problems,
            }
        )
        return status
    for problem in result.problems:
        echo(problem)
    counts = (
        f"{plural(result.segments, 'segment')}, {plural(result.articles, 'article')}, "
        f"{plural(result.passages, 'passage')}"
    )
    if result.ok:
        echo(f"{result.index}: no problems ({counts})")
    else:
        echo(
            f"{result.index}: {plural(len(result.problems), 'problem')} ({counts} read); "
            "check repairs nothing: the next command that opens the index rebuilds or updates it"
        )
    return status
