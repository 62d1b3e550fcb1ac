"""The BM25 model and its parameters, as rank-bm25 names them."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.errors import ConfigError

DEFAULT_DELTA = {"plus": 1.0, "l": 0.5}


@dataclass(frozen=True)
class BM25Params:
    """Which rank-bm25 model and its parameters (delta defaults per model)."""

    model: str = "okapi"
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    delta: float | None = None

    def __post_init__(self) -> None:
        if self.model not in ("okapi", "plus", "l"):
            raise ConfigError(f"unknown BM25 model '{self.model}' (okapi, plus or l)")

    @property
    def effective_delta(self) -> float:
        return self.delta if self.delta is not None else DEFAULT_DELTA.get(self.model, 0.0)
