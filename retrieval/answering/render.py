"""Rendering: an Answer as Discord-flavoured Markdown, shared by the bot and `storybot chat`.

Article text is escaped so that it can neither format nor mention anyone; the
question's matched words are set in bold. The bot lays the same pieces out as
embeds; `storybot chat` prints them as one message. Every piece is bounded so
that an excerpt with its sources fits in one embed whatever the articles hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.answering.answer import Answer, Result
from retrieval.storage.neighbours import PassageRef
from retrieval.text.article import Source

NO_ANSWER = "I found nothing about that in the articles."
CHAT_ANSWER = "I only answer questions about what the articles report."
CHAT_HINT = "See what the articles cover with /sources."
NO_ANSWER_HINT = "Try other words, or see what the articles cover with /sources."
NO_MATCH = "No article matches the filters"
ELLIPSIS = "…"
# Upper bounds, in rendered characters, well inside one embed's 4096.
QUOTE_CHARS = 1000
TAKEN_AS_CHARS = 300
MAX_SOURCES = 5
# Upper bounds, in raw characters, of each part of a source line.
_FIELD_CHARS = {"source": 60, "title": 120, "published": 30, "id": 60, "label": 120}
_URL_CHARS = 300
_MARKDOWN = re.compile(r"([\\*_~`|<>\[\]#:])")
_LINE_START = re.compile(r"^([-+>]|\d+\.)", re.MULTILINE)
# An "@" before a name, or at the end of a piece that a bold name may follow.
_MENTION = re.compile(r"@(?=[^\s@]|$)")
# Bidirectional controls and zero-width characters: invisible, and able to make a title
# or a quoted question read differently from what it is (an override reverses the text).
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A link target must not be able to close the <...> around it or start code.
_URL = re.compile(r"https?://[^\s<>`]+")


@dataclass(frozen=True)
class RenderedResult:
    """One excerpt as a block quote and the lines naming its sources (``ref``: its passage)."""

    quote: str
    sources: tuple[str, ...]
    ref: PassageRef | None = None

    @property
    def text(self) -> str:
        """The quote with its source lines under it."""
        return "\n".join((self.quote, *self.sources))


@dataclass(frozen=True)
class Reply:
    """What the bot posts for an answer, before it becomes embeds or text.

    ``results`` is the first message, the one `storybot chat` prints; ``more``
    holds further excerpts that the bot's "More" button pages through; ``answer`` is
    what the first message shows, unrendered (the bot logs it).
    """

    question: str
    results: tuple[RenderedResult, ...]
    footer: str
    empty: str | None = None
    more: tuple[RenderedResult, ...] = ()
    answer: Answer | None = None
    # How a follow-up was read, as a line above the answer: "*(taken as: …)*".
    note: str = ""


def escape(text: str) -> str:
    """Text that Discord shows literally: no formatting, no mentions, no links.

    Bidirectional controls and zero-width characters are dropped.
    """
    text = _INVISIBLE.sub("", text)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\\\1", text)
    # A zero-width space after "@" stops @everyone, @here and @user from pinging.
    return _MENTION.sub("@\u200b", text)


def clip(text: str, limit: int) -> str:
    """Raw text of at most ``limit`` characters, cut at a space where possible, with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def quote_block(result: Result, limit: int = QUOTE_CHARS) -> str:
    """The excerpt escaped, matched words in bold, every line prefixed with '> '.

    An excerpt whose rendering would exceed ``limit`` is shortened at a word
    break and ends with '…'.
    """
    text = result.excerpt
    kept = len(text)
    block = _quote(text, result.highlights)
    while len(block) > limit and kept > 0:
        # Shrink in proportion to the overshoot; always by at least one character.
        kept = min(kept - 1, kept * limit // len(block))
        space = text.rfind(" ", 0, kept)
        if space >= kept * 4 // 5:
            kept = space
        head = text[:kept].rstrip()
        spans = tuple((s, e) for s, e in result.highlights if e <= len(head))
        block = _quote(head + ELLIPSIS, spans)
    return block


def _quote(text: str, highlights: Sequence[tuple[int, int]]) -> str:
    pieces: list[str] = []
    at = 0
    urls = [m.span() for m in _ADDRESS.finditer(text)]
    for start, end in highlights:
        if start < at or any(start < u_end and u_start < end for u_start, u_end in urls):
            continue  # bold inside an address would break the address
        pieces.append(escape(text[at:start]))
        pieces.append(f"**{escape(text[start:end])}**")
        at = end
    pieces.append(escape(text[at:]))
    body = "".join(pieces)
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def source_text(source: Source, links: bool = True) -> str:
    """Outlet, title, date and link where known, then the article id.

    An article with neither title nor outlet but a label is shown by its label, without
    the id: a reader can't tell what a file name is (``--json`` still gives the id).
    """
    parts = []
    labelled = bool(source.label and not (source.title or source.source))
    if labelled:
        parts.append(escape(clip(source.label or "", _FIELD_CHARS["label"])))
    if source.source:
        parts.append(escape(clip(source.source, _FIELD_CHARS["source"])))
    url = source.url if source.url and _safe_url(source.url) else None
    if source.title:
        title = escape(clip(source.title, _FIELD_CHARS["title"]))
        parts.append(f"[{title}](<{url}>)" if links and url else f"*{title}*")
    if source.published:
        parts.append(escape(clip(source.published, _FIELD_CHARS["published"])))
    if url and not (links and source.title):
        parts.append(f"<{url}>")
    if not labelled:
        # Backslashes don't escape inside code, so a backtick is replaced instead.
        parts.append(f"`{clip(source.id, _FIELD_CHARS['id']).replace('`', chr(39))}`")
    return " · ".join(parts)


def _safe_url(url: str) -> bool:
    return len(url) <= _URL_CHARS and _URL.fullmatch(url) is not None


def source_line(source: Source, links: bool = True) -> str:
    """A source as the line under an excerpt."""
    return "— " + source_text(source, links)


def source_lines(sources: Sequence[Source], links: bool = True) -> tuple[str, ...]:
    """Every source's line, at most MAX_SOURCES of them and then how many more."""
    lines = [source_line(s, links) for s in sources[:MAX_SOURCES]]
    rest = len(sources) - MAX_SOURCES
    if rest > 0:
        lines.append(f"— and {rest} more article{'s' if rest != 1 else ''}")
    return tuple(lines)


def footer(answer: Answer) -> str:
    """How much was searched, as plain text."""
    articles = answer.articles_searched
    passages = answer.passages_searched
    return (
        f"Searched {articles} article{'s' if articles != 1 else ''} "
        f"and {passages} passage{'s' if passages != 1 else ''}."
    )


def render_result(result: Result, links: bool = True) -> RenderedResult:
    """One excerpt and its sources, escaped and bounded."""
    return RenderedResult(quote_block(result), source_lines(result.sources, links), result.ref)


def build_reply(answer: Answer, links: bool = True, more: Answer | None = None) -> Reply:
    """The answer's pieces as Markdown, or the no-answer message.

    ``more``, a longer answer to the same question, supplies the excerpts
    beyond ``answer``'s for paging; the first message stays ``answer``'s.
    """
    note = taken_as(answer)
    if not answer.found:
        empty = no_answer(answer, markdown=True)
        hint = "" if answer.nothing_matches else f" {CHAT_HINT if answer.chat else NO_ANSWER_HINT}"
        return Reply(answer.query, (), footer(answer), empty + hint, answer=answer, note=note)
    shown = {r.excerpt for r in answer.results}
    extra = [r for r in more.results if r.excerpt not in shown] if more else []
    return Reply(
        answer.query,
        tuple(render_result(r, links) for r in answer.results),
        footer(answer),
        more=tuple(render_result(r, links) for r in extra),
        answer=answer,
        note=note,
    )


def taken_as(answer: Answer) -> str:
    """The line saying how a follow-up was understood, or "" when it was read as asked."""
    if not answer.understood or answer.understood == answer.query:
        return ""
    return f"*(taken as: {escape(clip(answer.understood, TAKEN_AS_CHARS))})*"


def no_answer(answer: Answer, markdown: bool = False) -> str:
    """Why an answer has no excerpt: chat, filters that match no article, or nothing about it."""
    if answer.chat:
        return CHAT_ANSWER
    if answer.filters is None or not answer.nothing_matches:
        return NO_ANSWER
    filters = answer.filters.describe()
    return f"{NO_MATCH} ({escape(filters) if markdown else filters})."


def reply_text(reply: Reply) -> str:
    """The reply's first message as a single Markdown text."""
    note = f"{reply.note}\n" if reply.note else ""
    if reply.empty:
        return note + reply.empty
    blocks = [result.text for result in reply.results]
    return note + "\n\n".join(blocks) + f"\n\n-# {reply.footer}"
