"""`storybot add`, `remove` and `sources`: the corpus grows, shrinks and is listed."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval import Added, ArticleInfo, StorybotError, expand, is_url
from retrieval.cli.options import command, open_retriever, settings_from
from retrieval.cli.output import echo, echo_json, plain_source, plural, rate
from retrieval.cli.progress import ProgressDisplay

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands

METADATA = ("title", "source", "url", "published", "label")


def add_parsers(commands: Subcommands) -> None:
    add = command(
        commands,
        "add",
        "add articles: files, folders, .jsonl(.gz) files or http(s) URLs",
        """
          storybot add story.md notes/ more.jsonl.gz
          storybot add https://example.com/news/story.html --published 2013-11-06
          storybot add new-articles/ --strict --json
        """,
    )
    add.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH|URL",
        help="an article file (.txt, .md, .html), a folder of them, a .jsonl(.gz) file, a URL",
    )
    for key, what in zip(
        METADATA,
        (
            "the article's title",
            "its outlet",
            "its web address",
            "its publication date",
            "what to show it by when it has no title or outlet",
        ),
        strict=True,
    ):
        add.add_argument(
            f"--{key}",
            metavar="DATE" if key == "published" else key.upper(),
            help=f"{what}, for a single file or URL (overrides what is found in it)",
        )
    add.add_argument(
        "--strict", action="store_true", help="stop at the first bad article and add nothing"
    )
    add.add_argument(
        "--quiet", action="store_true", help="print only the summary line and the refusals"
    )
    add.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: {added: [{id, title, passages, file}], "
        "already: [{input, id}], refused: [str], skipped: [str], ...}",
    )
    add.set_defaults(handler=cmd_add)

    remove = command(
        commands,
        "remove",
        "take an article out of the corpus and the index by its id",
        """
          storybot remove 001_5b0c9ae72aa1523b
          storybot remove ferry-story --json
        """,
    )
    remove.add_argument("article_id", metavar="ID", help="the article's id, as `sources` lists it")
    remove.add_argument("--json", action="store_true", help="print the removed article as JSON")
    remove.set_defaults(handler=cmd_remove)

    sources = command(
        commands,
        "sources",
        "list the indexed articles with their passage counts",
        """
          storybot sources
          storybot sources --json
          storybot sources --corpus my-story/ --index my-story/.index
        """,
    )
    sources.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list: [{id, title, source, url, published, passages}] ([] if empty)",
    )
    sources.set_defaults(handler=cmd_sources)


def cmd_add(args: argparse.Namespace) -> int:
    overrides = {key: getattr(args, key) for key in METADATA}
    if any(overrides.values()) and (len(args.inputs) != 1 or _is_bulk(args.inputs[0])):
        raise StorybotError("--title, --source, --url and --published go with a single file or URL")
    settings = settings_from(args)
    retriever = open_retriever(args, allow_empty=True)
    started = time.perf_counter()
    skipped: list[str] = []
    with ProgressDisplay(sys.stderr, quiet=args.quiet) as progress:
        report = retriever.add(
            expand(args.inputs, settings.fetch, overrides, skipped),
            strict=args.strict,
            progress=progress.update,
        )
    elapsed = time.perf_counter() - started
    for refusal in report.refused:
        print(f"storybot: refused: {refusal}", file=sys.stderr)
    passages = sum(a.passages for a in report.added)
    # Bad input fails the command; an article the corpus already holds is where it should be.
    status = 1 if report.refused else 0
    if args.json:
        echo_json(
            {
                "added": [asdict(a) for a in report.added],
                "already": [asdict(a) for a in report.already],
                "refused": report.refused,
                "skipped": skipped,
                "passages": passages,
                "seconds": round(elapsed, 3),
            }
        )
        return status
    if not args.quiet:
        for added in report.added:
            title = f": {added.title}" if added.title else ""
            echo(f"added {added.id}{title} ({plural(added.passages, 'passage')})")
        for already in report.already:
            echo(f"already in the corpus: {already.input} (as {already.id})")
        for entry in skipped:
            echo(f"skipped: {entry}")
    echo(
        f"{plural(len(report.added), 'article')} added ({plural(passages, 'passage')}), "
        f"{len(report.already)} already in the corpus, {len(report.refused)} refused, "
        f"{len(skipped)} skipped, in {elapsed:.1f} s{rate(len(report.added), elapsed, 'articles')}"
    )
    return status


def cmd_remove(args: argparse.Namespace) -> int:
    retriever = open_retriever(args)
    with ProgressDisplay(sys.stderr) as progress:
        removed: Added = retriever.remove(args.article_id, progress.update)
    if args.json:
        echo_json({"removed": asdict(removed)})
    else:
        echo(f"removed {removed.id} ({removed.file}, {plural(removed.passages, 'passage')})")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    infos = open_retriever(args, allow_empty=True).articles()
    if args.json:
        echo_json([_row(info) for info in infos], indent=2)
        return 0
    for info in infos:
        s = info.source
        shown = plain_source(s) if s.label and not (s.title or s.source) else None
        known = [v for v in (s.source, s.title, s.published, s.url) if v]
        metadata = shown or " · ".join(known) or "(no metadata)"
        echo(f"{s.id}  {metadata}  [{plural(info.passages, 'passage')}]")
    total = sum(i.passages for i in infos)
    echo(f"{plural(len(infos), 'article')}, {plural(total, 'passage')}")
    return 0


def _row(info: ArticleInfo) -> dict[str, Any]:
    return {**info.source.to_dict(), "passages": info.passages}


def _is_bulk(value: str) -> bool:
    return not is_url(value) and (
        Path(value).is_dir() or value.lower().endswith((".jsonl", ".jsonl.gz"))
    )
