"""What the HTML and URL tests share: the saved news page, its parts, and error checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.errors import ArticleError
from retrieval.settings import FetchSettings

DATA = Path(__file__).parent / "data"
PAGE_BYTES = (DATA / "article.html").read_bytes()
PAGE = PAGE_BYTES.decode("utf-8")

TITLE = "Harbourview council approves tram extension after late-night vote"
OUTLET = "The Harbourview Ledger"
CANONICAL = "https://www.harbourview-ledger.example/news/2024/03/12/council-tram-vote"
# The first and last paragraphs, the quote in the middle and the subheading.
STORY = [
    "Harbourview city council voted seven to five shortly after midnight on Tuesday",
    '"For thirty years we have drawn this line on maps and then rolled the maps back up,"',
    "A six-hour debate",
    "A legal challenge by a group of residents was dismissed by the High Court last November.",
]
# Menu, cookie banner, share buttons, related stories, comments and footer.
AROUND = [
    "Subscribe for 1 dollar a week",
    "We use cookies",
    "Accept all",
    "Share on Facebook",
    "Related stories",
    "Quarry Road traders stage protest outside City Hall",
    "Comments (3)",
    "harbourgull",
    "Finally! My grandmother has been promised this tram",
    "Watch the budget double",
    "All rights reserved",
    "Registered office",
]
PLAIN = "The ferry timetable changes on Monday.\n\nNight sailings are cut to two a week.\n"

OPEN = FetchSettings(allow_private=True, timeout_seconds=2.0, max_bytes=1_000_000)
STRICT = FetchSettings(timeout_seconds=2.0, max_bytes=1_000_000)
QUICK = FetchSettings(allow_private=True, timeout_seconds=0.5, max_bytes=1_000_000)


def refused(call: Callable[[], object], *fragments: str) -> str:
    """The one-line error message of a call that must fail, checked for each fragment."""
    with pytest.raises(ArticleError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    return message
