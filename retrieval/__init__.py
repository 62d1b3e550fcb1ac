"""storybot's retrieval library: articles, analysis, passages, index, search, excerpts.

It has no Discord dependency; the CLI and the bot are thin adapters over it.
"""

from retrieval.answer import Answer, Result, Source
from retrieval.errors import (
    ArticleError,
    ConfigError,
    CorpusError,
    EvalError,
    IndexStoreError,
    StorybotError,
)
from retrieval.retriever import Retriever

__all__ = [
    "Answer",
    "ArticleError",
    "ConfigError",
    "CorpusError",
    "EvalError",
    "IndexStoreError",
    "Result",
    "Retriever",
    "Source",
    "StorybotError",
]
