"""Cleaning: article text as people read it, without markup or web debris.

The cleaned text is what excerpts quote, so it keeps every word of the article
and changes only markup, bullets, boilerplate markers (a video player's labels
among them), links to other stories and broken spacing.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Tags that end a block of text: their place becomes a paragraph break.
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|table|section|article|figure|figcaption)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
# An inline run (bold quote, italic caption) that follows other text on the
# same line begins a new paragraph when it is a block of its own: it follows
# another run or a finished sentence, or is long enough to be a caption.
# Slideshows put a quote with its attribution and a photo caption side by side
# with nothing but tags between them; a bold word inside a sentence stays put.
_RUN = re.compile(
    r"(?P<before>\S)(?P<space>[ \t]*)(?P<open><\s*(?P<tag>strong|em|b|i)\b[^>]*>)"
    r"(?P<inner>.*?)(?=<\s*/\s*(?P=tag)\s*>|\n|$)",
    re.IGNORECASE,
)
_RUN_CAPTION_CHARS = 60
_SCRIPT = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?\s*[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_BULLET = re.compile(r"^[ \t]*(?:[•·▪◦●○■□►▸‣⁃∙]|\*|-(?!-))[ \t]+")
_MARKER = re.compile(
    r"^[ \t]*(?:Loading\s+(?:Slideshow|Gallery|Video|Player|Comments)|Advertisement|"
    r"Skip\s+to\s+(?:main\s+)?content|Click\s+to\s+(?:expand|enlarge)|"
    r"Read\s+more|Share\s+this(?:\s+article)?|Continue\s+reading|Image\s+\d+\s+of\s+\d+)"
    r"[ \t.…:]*$",
    re.IGNORECASE | re.MULTILINE,
)
# An embedded video player's text, as pages give it: the clip's title twice between
# the player's labels, then its running time. A line of the player, not of the article.
_PLAYER = re.compile(
    r"^[ \t]*JUST WATCHED\b[^\n]{1,300}?\bReplay More Videos\b[^\n]{0,10}?\bMUST WATCH\b"
    r"[^\n]{1,300}?\b\d{1,2}:\d\d[ \t]*$",
    re.MULTILINE,
)
# A link to another story, as news pages set it between paragraphs: a kicker of two or
# more words in capitals, a colon, then the other story's headline, which ends without a
# full stop ("HOW MUCH WILL HE PAY?:Trial begins after judge ruled"). A fact box's line
# ("WHEN: Saturday") has a one-word label; a sentence after a kicker ends as one.
_KICKER_WORD = r"[‘'\"“]?[A-Z][A-Z.’'&]*[?!]?[’'\"”]?"
_TEASER = re.compile(
    rf"{_KICKER_WORD}(?:[ \t]+{_KICKER_WORD})+[ \t]*:[’'\"”]?[ \t]*[^\n]*[^\s.!?\"”)…:]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
# Runs of spacing become one space; a lone plain space is left alone (most
# matches would otherwise replace a space with itself).
_SPACES = re.compile(
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
# A closing quote glued to the next word, or a word glued to an opening quote.
_GLUED_CLOSE = re.compile(r"(?<=[\w.,!?])([”])(?=\w)")
_GLUED_OPEN = re.compile(r"(?<=\w)([“])")
# "Ford’sability": a possessive glued to the following word.
_GLUED_POSSESSIVE = re.compile(r"(?<=[A-Za-z])([’']s)(?=[a-z]{3,})")
# What each glued pattern needs, found without a look-behind at every position
# (the look-behinds make a full scan slow on long articles).
_POSSESSIVE_HINT = re.compile(r"[’']s(?=[a-z]{3,})")
_CLOSE_HINT = re.compile(r"”(?=\w)")
_LEADING_UNDERSCORE = re.compile(r"^_[ \t]+", re.MULTILINE)


def looks_like_markup(text: str) -> bool:
    """Whether a text still carries HTML tags or entities."""
    return bool(_TAG.search(text) or re.search(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", text, re.I))


def plain_text(text: str) -> str:
    """A short text (a question) as read, without the HTML tags and entities of a web page
    it was copied from; a text without markup is returned as it is."""
    if not looks_like_markup(text):
        return text
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", text))
    return " ".join(html.unescape(text).split())


def _run_break(match: re.Match[str]) -> str:
    before = match.group("before")
    own_block = (
        before in '>.!?”"…' or len(_TAG.sub("", match.group("inner")).strip()) >= _RUN_CAPTION_CHARS
    )
    joint = "\n\n" if own_block else match.group("space")
    return f"{before}{joint}{match.group('open')}{match.group('inner')}"


def clean_text(raw: str) -> str:
    """Cleaned article text: one paragraph per line, paragraphs separated by a blank line.

    Lines wrapped inside a paragraph are joined; a bulleted line starts a
    paragraph of its own.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if "<" in text:
        text = _SCRIPT.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _BLOCK_TAG.sub("\n\n", text)
        text = _RUN.sub(_run_break, text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _MARKER.sub("", text)
    if "JUST WATCHED" in text:
        text = _PLAYER.sub("", text)
    text = _LEADING_UNDERSCORE.sub("", text)
    if _POSSESSIVE_HINT.search(text):
        text = _GLUED_POSSESSIVE.sub(r"\1 ", text)
    if _CLOSE_HINT.search(text):
        text = _GLUED_CLOSE.sub(r"\1 ", text)
    if "“" in text:
        text = _GLUED_OPEN.sub(r" \1", text)
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        current: list[str] = []
        for line in block.split("\n"):
            bulleted = _BULLET.match(line)
            line = line[bulleted.end() :] if bulleted else line
            line = line.strip()
            if bulleted and current:
                paragraphs.append(" ".join(current))
                current = []
            # A line of nothing but glyphs (a lone bullet) carries no words.
            if re.search(r"\w", line):
                current.append(line)
        if current:
            paragraphs.append(" ".join(current))
    # A text of nothing but such lines is kept whole: they are all it has to say.
    kept = [p for p in paragraphs if not _TEASER.fullmatch(p)] or paragraphs
    return "\n\n".join(kept)
