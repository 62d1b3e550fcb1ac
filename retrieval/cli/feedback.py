"""`storybot stats` and `storybot feedback export`: what the bot's question log tells an editor.

Both read the state database the bot writes (``state`` in the config); opening it
deletes what is past ``bot.question_log_days``, as the bot does.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval import (
    QuestionLog,
    QuestionStats,
    Settings,
    StateDatabase,
    StateError,
    StorybotError,
    feedback_file,
    question_stats,
    since_date,
    unhelpful_questions,
)
from retrieval.cli.options import command, settings_from
from retrieval.cli.output import echo, echo_json, plural

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands

DEFAULT_DAYS = 30


def add_parsers(commands: Subcommands) -> None:
    stats = command(
        commands,
        "stats",
        "what people asked the bot: questions, share answered, votes, top unanswered",
        """
          storybot stats
          storybot stats --days 7 --guild 123456789012345678
          storybot stats --json
        """,
    )
    stats.add_argument(
        "--days",
        type=_days,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"the last N days (default {DEFAULT_DAYS}; the log keeps bot.question_log_days)",
    )
    stats.add_argument("--guild", type=int, metavar="ID", help="one server's (default: all)")
    stats.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: {since, until, guild, asked, answered, answered_share, helpful, "
        "unhelpful, questions_logged, top_unanswered: [{question, count}]}",
    )
    stats.set_defaults(handler=cmd_stats)

    feedback = command(
        commands,
        "feedback",
        "what people said of the answers: `feedback export FILE.yaml`",
        """
          storybot feedback export misses.yaml
          storybot feedback export --help
        """,
    )
    actions = feedback.add_subparsers(title="actions", metavar="ACTION", dest="action")
    actions.required = True
    export = command(
        actions,
        "export",
        "write the questions marked unhelpful as an eval file (a: []) for an editor to fill in",
        """
          storybot feedback export misses.yaml
          storybot feedback export misses.yaml --since 2w --force
          storybot eval misses.yaml    # once a: is filled in
        """,
    )
    export.add_argument("file", type=Path, help="the YAML file to write")
    export.add_argument(
        "--since",
        metavar="DATE|DURATION",
        help="answers asked on or after this date (2026-11-01) or in this past span (3d, 2w); "
        "default: all the log keeps",
    )
    export.add_argument("--guild", type=int, metavar="ID", help="one server's (default: all)")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    export.set_defaults(handler=cmd_export)


def cmd_stats(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    log = open_log(settings)
    until = log.clock()
    stats = question_stats(log.database, until - timedelta(days=args.days), until, args.guild)
    if args.json:
        echo_json({"days": args.days, **stats.to_dict()})
        return 0
    for line in stats_lines(stats, args.days):
        echo(line)
    return 0


def stats_lines(stats: QuestionStats, days: int) -> list[str]:
    """The figures as `storybot stats` prints them."""
    where = f"server {stats.guild_id}" if stats.guild_id is not None else "all servers"
    lines = [
        f"Questions from {stats.since[:10]} to {stats.until[:10]} "
        f"({plural(days, 'day')}), {where}:",
        f"asked: {stats.asked}",
    ]
    if stats.answered_share is not None:
        lines.append(f"answered: {stats.answered} ({stats.answered_share:.0%})")
    lines.append(f"feedback: {stats.helpful} helpful, {stats.unhelpful} unhelpful")
    if stats.unanswered:
        lines.append("most frequent unanswered questions:")
        lines += [f"  {count:>4}  {question}" for question, count in stats.unanswered]
    else:
        lines.append("unanswered questions: none logged")
    unlogged = stats.asked - stats.logged
    if unlogged:
        lines.append(
            f"({plural(unlogged, 'question')} asked while bot.log_questions was false: "
            "their text is not kept)"
        )
    return lines


def cmd_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    path: Path = args.file
    if path.exists() and not args.force:
        raise StorybotError(f"{path} exists: give --force to overwrite it")
    log = open_log(settings)
    until = log.clock()
    if args.since:
        since = datetime.fromisoformat(since_date(args.since)).replace(tzinfo=timezone.utc)
    else:
        since = log.cutoff()
    items = unhelpful_questions(log.database, since, until, args.guild)
    period = f"{since.date().isoformat()} to {until.date().isoformat()}"
    if not items:
        raise StorybotError(f"no question was marked unhelpful from {period}: nothing written")
    write_text(path, feedback_file(items, period), force=args.force)
    echo(f"{path}: {plural(len(items), 'question')} marked unhelpful, to fill in (a: [])")
    return 0


def open_log(settings: Settings) -> QuestionLog:
    """The question log of the settings' state file, which must exist (the bot makes it)."""
    path = settings.state_path
    if not path.is_file():
        raise StateError(f"{path}: no state database (the bot creates it when it runs)")
    database = StateDatabase.open(path)
    return QuestionLog(database, settings.bot.question_log_days, settings.bot.log_questions)


def write_text(path: Path, text: str, force: bool) -> None:
    """Write the file whole; without ``force`` an existing file is never replaced."""
    try:
        if force:
            # A temporary file renamed over the old one: never a half-written file.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as handle:
                temporary = Path(handle.name)
                try:
                    handle.write(text)
                except OSError:
                    temporary.unlink()
                    raise
            try:
                os.replace(temporary, path)
            except OSError:
                temporary.unlink()
                raise
            return
        with path.open("x", encoding="utf-8") as new:  # fails if it appeared meanwhile
            try:
                new.write(text)
            except OSError:
                path.unlink()
                raise
    except FileExistsError:
        raise StorybotError(f"{path} exists: give --force to overwrite it") from None
    except OSError as exc:
        raise StorybotError(f"{path}: cannot write it: {exc.strerror or exc}") from None


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return days
