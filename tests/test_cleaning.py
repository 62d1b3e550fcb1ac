"""Cleaning: markup, web debris and broken spacing go; every word stays."""

from __future__ import annotations

import re

import pytest

from retrieval.storage.corpus import read_article_file
from retrieval.text.cleaning import clean_text, looks_like_markup, plain_text
from tests.conftest import SEEDS


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_article_file(path).text


def test_slideshow_markup_is_gone_but_its_words_stay() -> None:
    text = seed("000")
    assert not looks_like_markup(text)
    for debris in ("<strong>", "</em>", "<a href", "target=", "Loading Slideshow", "•"):
        assert debris not in text
    assert "Bunch of maggots" in text
    assert "Don Bosco football team to keep the equipment" in text
    assert "First time ever" in text


def test_slideshow_quote_and_photo_caption_are_separate_paragraphs() -> None:
    paragraphs = seed("000").split("\n\n")
    quote = next(p for p in paragraphs if p.startswith('"Again, I sincerely'))
    assert "Nathan Denette" not in quote
    assert any(p.startswith("Toronto Mayor Rob Ford composes himself") for p in paragraphs)


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [("Ford’sability", "Ford’s ability"), ("confession“really", "confession “really")],
)
def test_glued_words_of_seed_001_are_separated(broken: str, fixed: str) -> None:
    text = seed("001")
    assert broken not in text
    assert fixed in text


def test_curly_quotes_are_kept_for_display() -> None:
    assert "“Enough,”" in seed("001")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a <b>bold</b> word", "a bold word"),
        ("one<br>two", "one\n\ntwo"),
        ("<p>first</p><p>second</p>", "first\n\nsecond"),
        ("Tom &amp; Jerry &#8212; &quot;hi&quot;", 'Tom & Jerry — "hi"'),
        ("<script>alert(1)</script>text", "text"),
        ("line one\nwrapped here\n\nnext", "line one wrapped here\n\nnext"),
        ("• first\n• second", "first\n\nsecond"),
        ("Advertisement\n\nReal text.", "Real text."),
        (
            "JUST WATCHED 'Not your show': Judge admonishes Jones Replay More Videos ... "
            "MUST WATCH 'Not your show': Judge admonishes Jones 03:40\n\nThe jury decided.",
            "The jury decided.",
        ),
        ("I JUST WATCHED it: a MUST WATCH at 03:40.", "I JUST WATCHED it: a MUST WATCH at 03:40."),
        # A link to another story: a kicker in capitals, a colon, a headline.
        (
            "The jury met.\n\nHOW MUCH WILL HE PAY?:Trial begins after judge ruled\n\nIt ended.",
            "The jury met.\n\nIt ended.",
        ),
        ("A.\n\n'LIVING HELL': Parents say claims spawned threats\n\nB.", "A.\n\nB."),
        ("A.\n\n<p><strong>READ MORE:</strong> <a href='/x'>Ford vows to stay</a></p>", "A."),
        # A fact box's one-word label, a kicker before a sentence, a caption, a quote.
        ("WHEN: Saturday at noon", "WHEN: Saturday at noon"),
        ("US OPEN: The tournament begins today.", "US OPEN: The tournament begins today."),
        (
            "TORONTO, ON - NOV 6: Ford speaks (Photo by Getty)",
            "TORONTO, ON - NOV 6: Ford speaks (Photo by Getty)",
        ),
        ("Ford said: I AM NOT LEAVING", "Ford said: I AM NOT LEAVING"),
        # A page of nothing but such lines keeps them: they are all it says.
        ("BREAKING NEWS: Ford stays in office", "BREAKING NEWS: Ford stays in office"),
        ("tab\tand\u00a0nbsp   spaces", "tab and nbsp spaces"),
        ("zero\u200bwidth", "zerowidth"),
        ("\r\nwindows\r\n\r\nlines\r\n", "windows\n\nlines"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_every_seed_word_survives_cleaning() -> None:
    """Cleaning changes markup and spacing, never the words people read."""
    for path in SEEDS.glob("*.txt"):
        raw = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        without_tags = re.sub(r"<[^>]+>", " ", raw)
        without_tags = without_tags.replace("Loading Slideshow...", " ")
        words = re.findall(r"[A-Za-z]{3,}", without_tags)
        cleaned = set(re.findall(r"[A-Za-z]{3,}", read_article_file(path).text))
        missing = {w for w in words if w not in cleaned}
        # Only the glued words of seed 001 are split into their parts.
        assert missing <= {"sability", "confession"}, missing


@pytest.mark.parametrize(
    ("pasted", "plain"),
    [
        (
            'Who will be <a data-id="inline-link" href="https://example.com/tag/korea">South '
            "Korea</a>'s next president?",
            "Who will be South Korea's next president?",
        ),
        ("What colour should you <em>not</em> wear?", "What colour should you not wear?"),
        ("Who won?<br>Who lost?", "Who won? Who lost?"),
        ("Did AT&amp;T buy it?", "Did AT&T buy it?"),
        # No markup: the text is left exactly as it is, spacing included.
        ("Is inflation  < 3%?", "Is inflation  < 3%?"),
        ("Who urged Ford to take a leave?", "Who urged Ford to take a leave?"),
    ],
)
def test_a_question_copied_from_a_web_page_is_read_without_its_markup(
    pasted: str, plain: str
) -> None:
    assert plain_text(pasted) == plain
