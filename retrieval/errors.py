"""The library's exception types: every user-facing failure is one of these."""


class StorybotError(Exception):
    """Base class: the message is one line that names the problem."""


class ConfigError(StorybotError):
    """A config file that is missing, unreadable or invalid."""


class ArticleError(StorybotError):
    """An article file or record that cannot be read or is invalid."""


class CorpusError(StorybotError):
    """A corpus folder that is missing or holds no usable article."""


class IndexStoreError(StorybotError):
    """An index folder that cannot be read or written."""


class EvalError(StorybotError):
    """An evaluation file that is missing or malformed."""
