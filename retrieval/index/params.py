"""The BM25 model and its parameters, as rank-bm25 names them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.errors import ConfigError

FloatArray = npt.NDArray[np.float64]

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

    def length_norm(self, length: FloatArray, avgdl: float) -> FloatArray:
        """Okapi's denominator beside the term count: k1 * (1 - b + b * |D| / avgdl)."""
        return np.asarray(self.k1 * (1 - self.b + self.b * length / avgdl), dtype=np.float64)

    def okapi_scores(self, idf: float, freq: FloatArray, norm: FloatArray) -> FloatArray:
        """Okapi's contribution of one term, given its counts and ``length_norm`` of each
        document (computed once per document by a caller that scores many terms)."""
        return np.asarray(idf * (freq * (self.k1 + 1) / (freq + norm)), dtype=np.float64)

    def term_scores(
        self, idf: float, freq: FloatArray, length: FloatArray, avgdl: float
    ) -> FloatArray:
        """One term's contribution to each document's score, given its count and length.

        rank-bm25's formula for the model, its floating-point operations in its order, so
        the sums are bit for bit its own.
        """
        k1, b, delta = self.k1, self.b, self.effective_delta
        if self.model == "okapi":
            return self.okapi_scores(idf, freq, self.length_norm(length, avgdl))
        norm = 1 - b + b * length / avgdl
        if self.model == "plus":
            return np.asarray(idf * (delta + freq * (k1 + 1) / (k1 * norm + freq)), np.float64)
        ctd = freq / norm
        return np.asarray(idf * freq * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta), np.float64)
