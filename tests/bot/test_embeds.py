"""Rendering: hostile and huge article text stays within every Discord limit and can't ping."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import StoryBot
from bot.embeds import DESCRIPTION, answer_pages, fit, sources_pages
from retrieval.answering.answer import Answer, Result
from retrieval.answering.render import (
    MAX_SOURCES,
    QUOTE_CHARS,
    build_reply,
    escape,
    quote_block,
    reply_text,
    source_line,
)
from retrieval.retriever import ArticleInfo, Retriever
from retrieval.settings import Settings
from retrieval.text.article import Source
from tests.bot.helpers import (
    assert_cannot_ping,
    assert_within_limits,
    embed_text,
    with_bot,
    write_corpus,
)

HOSTILE_META = """---
title: "@everyone **Breaking** <@123> [click](https://evil.example) ||spoiler||"
source: "@here News <@&456>"
url: "https://evil.example/x>@everyone<y"
published: "2013-11-06 `now`"
---
"""
HOSTILE_TEXT = (
    "The ferry captain told @everyone and <@123> and <@!456> and <@&789> to read **this** "
    "__now__ ~~later~~ ||secret|| `code` [click here](https://evil.example) in <#42>, "
    "<t:1700000000:R> and </ask:1>, with emoji 🔥🎉⛴️ and <:pepe:1234567890> @here.\n"
    "# A heading\n> a quote\n- a list item\n1. numbered\n-# subtext"
)
# One 5,000-character paragraph, a single sentence with no break.
HUGE = "The enormous ferry paragraph keeps going " + "and going, @everyone, " * 220


def hostile_corpus(folder: Path) -> Path:
    return write_corpus(
        folder,
        {
            "hostile.txt": HOSTILE_META + HOSTILE_TEXT + "\n\n" + HUGE[:5000] + "\n",
            "other.txt": "The ferry left the harbour at noon with the captain on board.\n",
        },
    )


@pytest.fixture
def hostile_settings(settings: Settings, tmp_path: Path) -> Settings:
    return with_bot(
        settings.with_paths(corpus=hostile_corpus(tmp_path / "hostile"), index=tmp_path / "hi"),
        cooldown_seconds=0,
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did the ferry captain say about the secret code?",
        "What about the enormous ferry paragraph?",
        "@everyone <@123> **ferry** ||captain|| " + "x" * 250,
    ],
)
async def test_hostile_articles_end_to_end(hostile_settings: Settings, question: str) -> None:
    bot = StoryBot(hostile_settings, Retriever.from_settings(hostile_settings))
    reply = await bot.answer(question)
    assert not reply.empty, "the hostile article should answer"
    pages = answer_pages(reply, bot.page_size)
    for page in pages:  # each page is sent as a message of its own
        assert_within_limits([page])
        assert_cannot_ping(embed_text(page))
    text = embed_text(pages[0])
    assert "evil.example/x>" not in text  # an unsafe link is left out
    if "captain" in question and "secret" in question:
        assert "\\*\\*this\\*\\*" in text and "\\|\\|**secret**\\|\\|" in text
        assert "🔥🎉⛴️" in text
        assert "\\[click here\\](https\\://evil.example)" in text
        assert "\\<\\:pepe\\:1234567890\\>" in text
    assert_cannot_ping(reply_text(reply))  # what `storybot chat` prints is as safe
    await bot.close()


def huge_result(n: int) -> Result:
    excerpt = f"Result {n} " + ("**bold** @everyone <@123> 🔥 ferry " * 200)  # about 7,000 chars
    sources = tuple(
        Source(
            id=f"id`{k}`" * 20,
            title="@everyone " + "T" * 900,
            source="<@&1> " * 100,
            url="https://example.com/" + "p" * 1000,
            published="2013-11-06" * 20,
        )
        for k in range(30)
    )
    spans = tuple((m, m + 5) for m in range(20, len(excerpt) - 5, 37))
    return Result(excerpt, 1.0, sources, spans)


def test_huge_results_are_cut_gracefully() -> None:
    answer = Answer("q" * 5000, tuple(huge_result(n) for n in range(25)), 3, 10_000)
    more = Answer("q", tuple(huge_result(n) for n in range(25, 50)), 3, 10_000)
    reply = build_reply(answer, more=more)
    pages = answer_pages(reply, per_page=25)
    assert len(pages) > 2
    for page in pages:
        assert_within_limits([page])
        assert_cannot_ping(embed_text(page))
    # No excerpt is dropped: each result starts a block on some page.
    text = "\n".join(page.description or "" for page in pages)
    assert all(f"> Result {n} " in text for n in range(50))


def test_quote_is_bounded_with_bold_kept_balanced() -> None:
    result = huge_result(1)
    block = quote_block(result)
    assert len(block) <= QUOTE_CHARS and block.endswith("…")
    assert block.replace("\\*", "").count("**") % 2 == 0
    assert "@\u200beveryone" in block and "\\<@\u200b123\\>" in block


def test_a_highlight_cannot_rejoin_a_mention() -> None:
    block = quote_block(Result("hi @everyone and @here", 1.0, (), ((4, 12), (18, 22))))
    assert block == "> hi @\u200b**everyone** and @\u200b**here**"


@pytest.mark.parametrize(
    "hidden", ["\u202e", "\u202d", "\u2066", "\u2069", "\u200e", "\u200b", "\u200d", "\ufeff"]
)
def test_bidi_controls_and_zero_width_characters_are_dropped(hidden: str) -> None:
    line = source_line(Source("a", title=f"Mayor{hidden} resigns", source=f"Daily{hidden} News"))
    assert line == "— Daily News · *Mayor resigns* · `a`"
    result = Result("The mayor resigned.", 1.0, (Source("a"),))
    pages = answer_pages(build_reply(Answer(f"who{hidden} resigned?", (result,), 1, 1)), 10)
    assert pages[0].title == "who resigned?"


def test_bold_never_lands_inside_an_address() -> None:
    text = "Read https://news.example/ford-resigns and www.ford.example, Ford said."
    spans = tuple((m, m + 4) for m in range(len(text)) if text[m : m + 4].lower() == "ford")
    block = quote_block(Result(text, 1.0, (), spans))
    assert block == (
        "> Read https\\://news.example/ford-resigns and www.ford.example, **Ford** said."
    )


def test_sources_are_listed_up_to_a_limit() -> None:
    rendered = build_reply(Answer("q", (huge_result(1),), 1, 1)).results[0]
    assert len(rendered.sources) == MAX_SOURCES + 1
    assert rendered.sources[-1] == f"— and {30 - MAX_SOURCES} more articles"
    assert all(len(line) < 1000 for line in rendered.sources)


def test_escape_neutralises_markdown_and_mentions() -> None:
    assert escape("@everyone") == "@\u200beveryone"
    assert escape("<@123>") == "\\<@\u200b123\\>"
    assert (
        escape("**bold** __u__ ||s|| `c`") == "\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\|\\|s\\|\\| \\`c\\`"
    )
    assert escape("# head\n- item\n> quote") == "\\# head\n\\- item\n\\> quote"
    assert escape("email me@example.com 🔥") == "email me@\u200bexample.com 🔥"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/x>@everyone",
        "javascript:alert(1)",
        "https://a.example/`code`",
        "https://a.example/" + "x" * 400,
        "https://a.example/with space",
    ],
)
def test_unsafe_links_are_left_out(url: str) -> None:
    line = source_line(Source("id", title="Title", url=url))
    assert line == "— *Title* · `id`"


def test_safe_link_is_a_masked_link() -> None:
    line = source_line(Source("a", "T", "Outlet", "https://x.example/a_(b)", "2013-11-06"))
    assert line == "— Outlet · [T](<https://x.example/a_(b)>) · 2013-11-06 · `a`"


def test_fit_never_exceeds_the_limit() -> None:
    for text in ("", "short", "word " * 1000, "x" * 5000, "\\" * 5000, "🔥" * 3000):
        for limit in (1, 2, 10, 256, 1024, 4096):
            cut = fit(text, limit)
            assert len(cut) <= limit
            assert cut == text or cut.endswith("…")


def test_sources_pages_are_paged_and_bounded() -> None:
    infos = [
        ArticleInfo(Source(f"a{n}", "@everyone " + "T" * 500, "<@1>" * 50, None, "2013"), 7)
        for n in range(40)
    ]
    pages = sources_pages(infos)
    assert len(pages) >= 4
    for page in pages:
        assert_within_limits([page])
        assert_cannot_ping(embed_text(page))
        assert len(page.description or "") <= DESCRIPTION
    assert (pages[0].footer.text or "").startswith("40 articles, 280 passages. · Page 1 of ")
