"""The `storybot` command line."""

from retrieval.cli.main import main

__all__ = ["main"]
