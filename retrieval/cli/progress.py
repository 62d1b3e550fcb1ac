"""The progress display of a long add: a tqdm counter on a terminal, nothing elsewhere."""

from __future__ import annotations

from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm


class AddProgress:
    """Articles added so far, with the rate and the refusals, while an add runs."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: tqdm[Any] | None = None
        self.refused = 0

    def __enter__(self) -> AddProgress:
        if self.stream.isatty():
            self.bar = tqdm(
                file=self.stream,
                unit=" articles",
                desc="adding",
                leave=False,
                dynamic_ncols=True,
                mininterval=0.2,
            )
        return self

    def update(self, done: int, refused: int) -> None:
        """The ingest's progress callback: the counts so far."""
        if self.bar is None:
            return
        if refused != self.refused:
            self.refused = refused
            self.bar.set_postfix_str(f"{refused} refused", refresh=False)
        self.bar.update(done - self.bar.n)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.close()
