"""Replies as Discord embeds, one page per embed, always within Discord's limits.

The text comes from retrieval.render, so each page's description is what
`storybot chat` prints; this module only lays it out and cuts what could
still overflow, with an ellipsis, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from retrieval import (
    ELLIPSIS,
    ArticleInfo,
    Quotes,
    Reply,
    Source,
    Timeline,
    clip,
    escape,
    source_text,
)

# Discord's limits, in characters (https://discord.com/developers/docs/resources/message).
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
FIELDS = 25
EMBEDS = 10

COLOUR = discord.Colour.blurple()
ARTICLES_PER_PAGE = 10
QUOTES_PER_PAGE = 5
EVENTS_PER_PAGE = 8
QUOTE_SOURCES = 3
# Room kept for " · Page 10 of 10" after a footer.
_PAGE_MARK = 24


def fit(text: str, limit: int) -> str:
    """Text of at most ``limit`` characters, cut at a line or word break, ending in '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    brk = max(cut.rfind("\n"), cut.rfind(" "))
    if brk >= limit // 2:
        cut = cut[:brk]
    # A trailing backslash would escape the ellipsis.
    return cut.rstrip().rstrip("\\") + ELLIPSIS


def fit_content(text: str) -> str:
    """Text for a message's content."""
    return fit(text, CONTENT)


def answer_pages(reply: Reply, per_page: int) -> list[discord.Embed]:
    """An answer as pages: the question as title, excerpts with sources, the search count.

    Page one holds ``reply.results``; ``reply.more`` follows, ``per_page`` at a
    time. A page that would overflow is split, so no excerpt is dropped.
    """
    title = fit(escape(clip(" ".join(reply.question.split()), 200)), TITLE)
    budget = _budget(title, reply.footer)
    first = _pack([r.text for r in reply.results], max(len(reply.results), 1), budget)
    rest = _pack([r.text for r in reply.more], per_page, budget)
    return _paged(title, [*first, *rest], reply.footer)


def sources_pages(
    articles: Sequence[ArticleInfo], per_page: int = ARTICLES_PER_PAGE
) -> list[discord.Embed]:
    """The indexed articles, numbered, with outlet, title, date and passage counts."""
    lines = [
        f"**{n}.** {source_text(info.source)} · {info.passages} "
        f"passage{'s' if info.passages != 1 else ''}"
        for n, info in enumerate(articles, start=1)
    ]
    passages = sum(info.passages for info in articles)
    footer = (
        f"{len(articles)} article{'s' if len(articles) != 1 else ''}, "
        f"{passages} passage{'s' if passages != 1 else ''}."
    )
    title = "The articles I search"
    pages = _pack(lines, per_page, _budget(title, footer), sep="\n")
    return _paged(title, pages or ["No articles are indexed."], footer)


def quotes_pages(found: Quotes, per_page: int = QUOTES_PER_PAGE) -> list[discord.Embed]:
    """A speaker's quotes, numbered, each quoted with its sources' lines."""
    assert found.speaker is not None, "only a resolved speaker has quotes to page"
    blocks = []
    for number, quote in enumerate(found.quotes, start=1):
        lines = [f"> **{number}.** {escape(quote.text)}", *_source_lines(quote.sources)]
        blocks.append("\n".join(lines))
    count = len(found.quotes)
    footer = f"{count} quote{'s' if count != 1 else ''}."
    title = fit(f"What {escape(found.speaker)} said", TITLE)
    pages = _pack(blocks, per_page, _budget(title, footer))
    return _paged(title, pages or ["No direct quote was found."], footer)


def timeline_pages(timeline: Timeline, per_page: int = EVENTS_PER_PAGE) -> list[discord.Embed]:
    """The story's events in order: the date in bold, the sentence, its sources."""
    blocks = []
    for event in timeline.events:
        heading = f"**{escape(event.when.label())}** {escape(event.text)}"
        blocks.append("\n".join([heading, *_source_lines(event.sources)]))
    count = len(timeline.events)
    footer = f"{count} dated event{'s' if count != 1 else ''}."
    title = "The story so far"
    pages = _pack(blocks, per_page, _budget(title, footer))
    return _paged(title, pages or ["No sentence in the articles names a date."], footer)


def _source_lines(sources: Sequence[Source]) -> list[str]:
    """A line per source, at most QUOTE_SOURCES of them and then how many more."""
    lines = [f"— {source_text(s)}" for s in sources[:QUOTE_SOURCES]]
    if len(sources) > QUOTE_SOURCES:
        lines.append(f"— and {len(sources) - QUOTE_SOURCES} more")
    return lines


def _budget(title: str, footer: str) -> int:
    return min(DESCRIPTION, TOTAL - len(title) - min(len(footer) + _PAGE_MARK, FOOTER))


def _pack(blocks: Sequence[str], per_page: int, budget: int, sep: str = "\n\n") -> list[str]:
    """Blocks joined into pages of at most ``per_page`` blocks and ``budget`` characters."""
    pages: list[str] = []
    current: list[str] = []
    for raw in blocks:
        block = fit(raw, budget)
        if current and (len(current) >= per_page or len(sep.join([*current, block])) > budget):
            pages.append(sep.join(current))
            current = []
        current.append(block)
    if current:
        pages.append(sep.join(current))
    return pages


def _paged(title: str, descriptions: Sequence[str], footer: str) -> list[discord.Embed]:
    embeds = []
    for number, description in enumerate(descriptions, start=1):
        mark = f" · Page {number} of {len(descriptions)}" if len(descriptions) > 1 else ""
        embed = discord.Embed(title=title, description=description, colour=COLOUR)
        embed.set_footer(text=fit(footer, FOOTER - len(mark)) + mark)
        embeds.append(embed)
    return embeds
