"""The `storybot` command line: an adapter over the public API in ``retrieval``.

One module per group of commands (``ask``, ``corpus``, ``evaluate``); ``main`` builds the
parser and turns the library's errors into one-line messages and exit statuses.
Imports only ``retrieval`` itself (never a room) and, for `storybot run`, ``bot``.
"""

from retrieval.cli.main import main

__all__ = ["main"]
