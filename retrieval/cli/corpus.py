"""`storybot add` and `storybot remove`: the corpus grows and shrinks from the terminal."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from retrieval.errors import StorybotError
from retrieval.intake.inputs import expand, is_url


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    add = commands.add_parser(
        "add", parents=[common], help="add articles: files, folders, .jsonl(.gz) or http(s) URLs"
    )
    add.add_argument("inputs", nargs="+", metavar="PATH|URL")
    add.add_argument("--title", help="the article's title (one input only)")
    add.add_argument("--source", help="the outlet (one input only)")
    add.add_argument("--url", help="the article's URL (one input only)")
    add.add_argument("--published", metavar="DATE", help="publication date (one input only)")
    add.add_argument(
        "--strict", action="store_true", help="stop at the first bad article, adding nothing"
    )
    add.add_argument("--quiet", action="store_true", help="print only the summary and the refusals")
    add.set_defaults(handler=cmd_add)

    remove = commands.add_parser("remove", parents=[common], help="take an article out by its id")
    remove.add_argument("article_id", metavar="ID")
    remove.set_defaults(handler=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    from retrieval.cli.main import open_retriever, settings_from

    overrides = {k: getattr(args, k) for k in ("title", "source", "url", "published")}
    if any(overrides.values()) and (len(args.inputs) != 1 or _is_bulk(args.inputs[0])):
        raise StorybotError("--title, --source, --url and --published go with a single file or URL")
    settings = settings_from(args)
    retriever = open_retriever(args, allow_empty=True)
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()
    report = retriever.add(
        expand(args.inputs, settings.fetch, overrides),
        strict=args.strict,
        progress=progress.update if progress else None,
    )
    if progress:
        progress.close()
    elapsed = time.perf_counter() - started
    if not args.quiet:
        for added in report.added:
            title = f": {added.title}" if added.title else ""
            print(f"added {added.id}{title} ({added.passages} passages)")
    for refusal in report.refused:
        print(f"storybot: refused: {refusal}", file=sys.stderr)
    rate = len(report.added) / elapsed if elapsed > 0 else 0.0
    passages = sum(a.passages for a in report.added)
    print(
        f"{len(report.added)} added ({passages} passages), {len(report.refused)} refused, "
        f"in {elapsed:.1f} s ({rate:.0f} articles/s)"
    )
    return 1 if report.refused else 0


def cmd_remove(args: argparse.Namespace) -> int:
    from retrieval.cli.main import open_retriever

    removed = open_retriever(args).remove(args.article_id)
    print(f"removed {removed.id} ({removed.file}, {removed.passages} passages)")
    return 0


def _is_bulk(value: str) -> bool:

    return not is_url(value) and (
        Path(value).is_dir() or value.lower().endswith((".jsonl", ".jsonl.gz"))
    )


class ProgressBar:
    """A one-line progress report on a terminal: articles done, refused, and the rate."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, refused: int) -> None:
        now = time.perf_counter()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = done / (now - self.started) if now > self.started else 0.0
        self.stream.write(f"\r{done} articles added, {refused} refused, {rate:.0f} articles/s ")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
