"""Progress of long work on a terminal: a tqdm line per stage; nothing when not a terminal."""

from __future__ import annotations

from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

from retrieval import ProgressStep

LABELS = {
    "add": "adding",
    "rebuild": "rebuilding the index",
    "catch-up": "indexing articles added since the last save",
    "remove": "removing",
}


class ProgressDisplay:
    """Shows the library's progress steps on a terminal (tqdm); silent elsewhere or quiet."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream = stream
        self.shown = not quiet and stream.isatty()
        self.bar: tqdm[Any] | None = None
        self.stage: str | None = None

    def __enter__(self) -> ProgressDisplay:
        return self

    def update(self, step: ProgressStep) -> None:
        """The library's progress callback."""
        if not self.shown:
            return
        bar = self.bar
        starting = bar is None or step.stage != self.stage
        if bar is None or starting:
            self.close()
            self.stage = step.stage
            bar = self.bar = tqdm(
                file=self.stream,
                total=step.total,
                # What was done before the bar appeared is not part of its rate.
                initial=step.done,
                unit=" articles",
                desc=LABELS.get(step.stage, step.stage),
                leave=False,
                dynamic_ncols=True,
                mininterval=0.2,
            )
        if step.stage == "add":
            waiting = step.stored - step.done
            note = f"{waiting} stored, being indexed, " if waiting else ""
            bar.set_postfix_str(f"{note}{step.refused} refused", refresh=False)
        bar.update(step.done - bar.n)
        if starting:  # a new stage shows where it stands at once
            bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
