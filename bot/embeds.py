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
    Context,
    Quotes,
    RenderedResult,
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
# What each neighbouring paragraph keeps at least, when the excerpt's is long.
_NEIGHBOUR_CHARS = 600
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
    return [embed for embed, _ in answer_layout(reply, per_page)]


def answer_layout(
    reply: Reply, per_page: int
) -> list[tuple[discord.Embed, tuple[RenderedResult, ...]]]:
    """The pages of ``answer_pages``, each with the results it shows."""
    title = fit(escape(clip(" ".join(reply.question.split()), 200)), TITLE)
    budget = _budget(title, reply.footer)
    first = _groups([r.text for r in reply.results], max(len(reply.results), 1), budget)
    rest = _groups([r.text for r in reply.more], per_page, budget)
    shown = [tuple(reply.results[n] for n in group) for group in first]
    shown += [tuple(reply.more[n] for n in group) for group in rest]
    texts = ["\n\n".join(fit(r.text, budget) for r in page) for page in shown]
    if reply.note and texts:  # how a follow-up was read, above its first excerpt
        texts[0] = fit(f"{reply.note}\n{texts[0]}", budget)
    return list(zip(_paged(title, texts, reply.footer), shown, strict=True))


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


def timeline_pages(
    timeline: Timeline,
    per_page: int = EVENTS_PER_PAGE,
    empty: str = "No sentence in the articles names a date.",
) -> list[discord.Embed]:
    """The story's events in order: the date in bold, the sentence, its sources."""
    blocks = []
    for event in timeline.events:
        heading = f"**{escape(event.when.label())}** {escape(event.text)}"
        blocks.append("\n".join([heading, *_source_lines(event.sources)]))
    count = len(timeline.events)
    footer = f"{count} dated event{'s' if count != 1 else ''}."
    title = "The story so far"
    pages = _pack(blocks, per_page, _budget(title, footer))
    return _paged(title, pages or [empty], footer)


def context_embed(context: Context) -> discord.Embed:
    """An excerpt's paragraph, quoted, between the paragraphs before and after it, then the
    article's source line; cut with '…' to fit one embed, the excerpt's paragraph first."""
    source = f"— {source_text(context.source)}"
    budget = DESCRIPTION - len(source) - 2
    earlier = [ELLIPSIS] if context.earlier else []
    later = [ELLIPSIS] if context.later else []
    before, after = context.paragraphs[: context.at], context.paragraphs[context.at + 1 :]
    # The neighbours get what the excerpt's paragraph leaves, at least a share each.
    reserve = sum(min(len(escape(p)), _NEIGHBOUR_CHARS) + 2 for p in (*before, *after))
    room = budget - reserve - 2 * len(ELLIPSIS + "\n\n")
    quoted = _quoted_window(context.paragraph, context.focus, room)
    left = budget - len(quoted) - sum(len(e) + 2 for e in (*earlier, *later))
    parts = [*earlier]
    for number, paragraph in enumerate(before):
        share = left // (len(before) + len(after) - number)
        parts.append(_escaped_tail(paragraph, share - 2))
        left -= len(parts[-1]) + 2
    parts.append(quoted)
    for number, paragraph in enumerate(after):
        share = left // (len(after) - number)
        parts.append(_escaped_head(paragraph, share - 2))
        left -= len(parts[-1]) + 2
    description = "\n\n".join([*(p for p in parts if p), *later, source])
    return discord.Embed(title="Context", description=description, colour=COLOUR)


def _quoted_window(paragraph: str, focus: tuple[int, int], limit: int) -> str:
    """The paragraph as a block quote of at most ``limit`` characters, cut around ``focus``."""
    lo, hi = 0, len(paragraph)
    block = _block_quote(paragraph)
    while len(block) > limit and hi - lo > 1:
        # Shrink the window around the focus in proportion to the overshoot.
        keep = max(1, min(hi - lo - 1, (hi - lo) * limit // len(block)))
        lo, hi = _around(paragraph, focus, keep)
        head = ELLIPSIS if lo > 0 else ""
        tail = ELLIPSIS if hi < len(paragraph) else ""
        block = _block_quote(head + paragraph[lo:hi].strip() + tail)
    return block


def _around(text: str, focus: tuple[int, int], keep: int) -> tuple[int, int]:
    """A span of about ``keep`` characters centred on ``focus``, at word breaks."""
    start, end = focus
    spare = keep - (end - start)
    lo = max(0, start - max(spare, 0) // 2) if spare > 0 else start
    hi = min(len(text), lo + keep)
    lo = max(0, hi - keep)
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < hi else lo
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    return lo, hi


def _block_quote(text: str) -> str:
    lines = escape(text).split("\n")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def _escaped_head(text: str, limit: int) -> str:
    """The start of the text, escaped, in at most ``limit`` characters (else nothing)."""
    kept = len(text)
    shown = escape(text)
    while len(shown) > limit and kept > 0:
        kept = min(kept - 1, kept * limit // max(len(shown), 1))
        space = text.rfind(" ", 0, kept)
        kept = space if space > kept // 2 else kept
        shown = escape(text[:kept].rstrip()) + ELLIPSIS if kept > 0 else ""
    return shown if len(shown) <= limit else ""


def _escaped_tail(text: str, limit: int) -> str:
    """The end of the text, escaped, in at most ``limit`` characters (else nothing)."""
    start = 0
    shown = escape(text)
    while len(shown) > limit and start < len(text):
        kept = len(text) - start
        kept = min(kept - 1, kept * limit // max(len(shown), 1))
        start = len(text) - kept
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + kept // 2 else start
        shown = ELLIPSIS + escape(text[start:].lstrip()) if start < len(text) else ""
    return shown if len(shown) <= limit else ""


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
    groups = _groups(blocks, per_page, budget, sep)
    return [sep.join(fit(blocks[n], budget) for n in group) for group in groups]


def _groups(
    blocks: Sequence[str], per_page: int, budget: int, sep: str = "\n\n"
) -> list[list[int]]:
    """Which blocks go on each page: at most ``per_page`` and ``budget`` characters a page."""
    pages: list[list[int]] = []
    current: list[int] = []
    length = 0
    for number, raw in enumerate(blocks):
        size = len(fit(raw, budget))
        if current and (len(current) >= per_page or length + len(sep) + size > budget):
            pages.append(current)
            current, length = [], 0
        length += size + (len(sep) if current else 0)
        current.append(number)
    if current:
        pages.append(current)
    return pages


def _paged(title: str, descriptions: Sequence[str], footer: str) -> list[discord.Embed]:
    embeds = []
    for number, description in enumerate(descriptions, start=1):
        mark = f" · Page {number} of {len(descriptions)}" if len(descriptions) > 1 else ""
        embed = discord.Embed(title=title, description=description, colour=COLOUR)
        embed.set_footer(text=fit(footer, FOOTER - len(mark)) + mark)
        embeds.append(embed)
    return embeds
