"""Terminal output: lines written at once, counts that read right, closed pipes reported once."""

from __future__ import annotations

import errno
import json
import os
import sys
from typing import Any

from retrieval import Source, StorybotError


class OutputError(StorybotError):
    """Standard output can't be written: the reader closed the pipe, or the device is full."""

    def __init__(self, error: OSError) -> None:
        reason = {
            errno.EPIPE: "the reader closed the pipe",
            errno.ENOSPC: "no space left on the device",
        }.get(error.errno or 0, error.strerror or str(error))
        super().__init__(f"cannot write the output: {reason}")


def echo(text: str = "") -> None:
    """Print one line (or several) on stdout now, so a script reading it sees it at once."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(exc) from None


def echo_json(data: Any, indent: int | None = None) -> None:
    """Print data as JSON (UTF-8 text kept as it is)."""
    echo(json.dumps(data, ensure_ascii=False, indent=indent))


def discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush can't fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (a test's capture): nothing will be flushed to it.


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 passage', '2 passages'; ``nouns`` for an irregular plural."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def rate(count: int, seconds: float, noun: str) -> str:
    """' (12 articles/s)' for a run long enough to tell a rate; '' otherwise."""
    if count == 0 or seconds < 1.0:
        return ""
    per_second = count / seconds
    figure = f"{per_second:.0f}" if per_second >= 10 else f"{per_second:.1f}"
    return f" ({figure} {noun}/s)"


def plain_source(source: Source) -> str:
    """A source as plain text: outlet, title, date and address where known, then the id.

    An article with neither title nor outlet but a label is shown by its label instead
    of its id.
    """
    known = [v for v in (source.source, source.title, source.published, source.url) if v]
    if source.label and not (source.title or source.source):
        return " · ".join([source.label, *known])
    return " · ".join([*known, source.id])
