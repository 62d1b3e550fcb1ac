"""Progress of long work (add, rebuild, catch-up, remove): plain counts for a display.

The library only calls the callback; whether and how the counts are shown is the
adapter's business (the CLI draws them on a terminal only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ADD = "add"
REBUILD = "rebuild"
CATCH_UP = "catch-up"
REMOVE = "remove"


@dataclass(frozen=True)
class ProgressStep:
    """Where a long operation stands.

    ``done`` counts finished articles: for an add, stored in the corpus folder
    and indexed in a saved segment; for a rebuild or catch-up, analysed; for a
    remove, removed. ``stored`` (add only) counts those written to the corpus
    folder, indexed or still being analysed.
    """

    stage: str
    done: int
    total: int | None = None
    stored: int = 0
    refused: int = 0


Progress = Callable[[ProgressStep], None]
