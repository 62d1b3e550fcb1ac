"""storybot's retrieval library: articles, analysis, passages, index, search, excerpts.

It has no Discord dependency; the CLI and the bot are thin adapters over it.
"""

from retrieval.answering.answer import Answer, Result
from retrieval.errors import (
    ArticleError,
    ConfigError,
    CorpusError,
    EvalError,
    IndexStoreError,
    StorybotError,
)
from retrieval.retriever import Retriever
from retrieval.text.article import Source

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
