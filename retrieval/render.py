"""Rendering: an Answer as Discord-flavoured Markdown, shared by the bot and `storybot chat`.

Article text is escaped so that it can neither format nor mention anyone; the
question's matched words are set in bold. The bot lays the same pieces out as
embeds; `storybot chat` prints them as one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.answer import Answer, Result, Source

NO_ANSWER = "I found nothing about that in the articles."
NO_ANSWER_HINT = "Try other words, or see what the articles cover with /sources."
_MARKDOWN = re.compile(r"([\\*_~`|<>\[\]#:])")
_LINE_START = re.compile(r"^([-+>]|\d+\.)", re.MULTILINE)
_MENTION = re.compile(r"@(?=[^\s@])")


@dataclass(frozen=True)
class RenderedResult:
    """One excerpt as a block quote and the lines naming its sources."""

    quote: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    """What the bot posts for an answer, before it becomes embeds or text."""

    question: str
    results: tuple[RenderedResult, ...]
    footer: str
    empty: str | None = None


def escape(text: str) -> str:
    """Text that Discord shows literally: no formatting, no mentions, no links."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\\\1", text)
    # A zero-width space after "@" stops @everyone, @here and @user from pinging.
    return _MENTION.sub("@\u200b", text)


def quote_block(result: Result) -> str:
    """The excerpt escaped, matched words in bold, every line prefixed with '> '."""
    pieces: list[str] = []
    at = 0
    text = result.excerpt
    for start, end in result.highlights:
        if start < at:
            continue
        pieces.append(escape(text[at:start]))
        pieces.append(f"**{escape(text[start:end])}**")
        at = end
    pieces.append(escape(text[at:]))
    body = "".join(pieces)
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def source_line(source: Source, links: bool = True) -> str:
    """Outlet, title, date and link where known, then the article id."""
    parts = []
    if source.source:
        parts.append(escape(source.source))
    if source.title:
        title = escape(source.title)
        parts.append(f"[{title}](<{source.url}>)" if links and source.url else f"*{title}*")
    if source.published:
        parts.append(escape(source.published))
    if source.url and not (links and source.title):
        parts.append(f"<{source.url}>")
    parts.append(f"`{source.id}`")
    return "— " + " · ".join(parts)


def footer(answer: Answer) -> str:
    articles = answer.articles_searched
    passages = answer.passages_searched
    return (
        f"Searched {articles} article{'s' if articles != 1 else ''} "
        f"and {passages} passage{'s' if passages != 1 else ''}."
    )


def build_reply(answer: Answer, links: bool = True) -> Reply:
    """The answer's pieces as Markdown, or the no-answer message."""
    if not answer.found:
        return Reply(answer.query, (), footer(answer), f"{NO_ANSWER} {NO_ANSWER_HINT}")
    rendered = tuple(
        RenderedResult(quote_block(r), tuple(source_line(s, links) for s in r.sources))
        for r in answer.results
    )
    return Reply(answer.query, rendered, footer(answer))


def reply_text(reply: Reply) -> str:
    """The reply as a single Markdown message."""
    if reply.empty:
        return reply.empty
    blocks = []
    for result in reply.results:
        blocks.append("\n".join((result.quote, *result.sources)))
    return "\n\n".join(blocks) + f"\n\n-# {reply.footer}"
