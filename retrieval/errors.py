"""The library's exception types: every user-facing failure is one of these."""


class StorybotError(Exception):
    """Base class: the message is one line that names the problem."""


class ConfigError(StorybotError):
    """A config file that is missing, unreadable or invalid."""


class ArticleError(StorybotError):
    """An article file or record that cannot be read or is invalid."""


class CorpusError(StorybotError):
    """A corpus folder that is missing or holds no usable article."""


class FeedError(StorybotError):
    """A feed that can't be fetched or read as RSS or Atom, or one that is not followed."""


class IndexStoreError(StorybotError):
    """An index folder that cannot be read or written."""


class IndexDamagedError(IndexStoreError):
    """A saved index file that cannot be read as written: the index is rebuilt from the corpus."""


class StateError(StorybotError):
    """A state database (the bot's per-guild settings) that cannot be opened or used."""


class PassageGone(StorybotError):
    """A passage reference whose article was removed, or changed, since the answer was given."""


class EvalError(StorybotError):
    """An evaluation file that is missing or malformed."""


class QuestionTooLong(StorybotError):
    """A question over ``retrieval.max_question_chars``: refused before any work on it."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"That question is {length:,} characters long; please keep it to {limit:,} or fewer."
        )
