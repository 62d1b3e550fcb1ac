"""Sentence boundaries in news copy, as character spans (never rewriting the text)."""

from __future__ import annotations

import re

# Words that end with a period without ending a sentence. ("Etc." ends a list,
# and a capital after it opens the next sentence.)
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft coun cllr sen rep gov gen lt col capt sgt cpl rev
    hon pres supt insp det const atty no vs inc ltd co corp dept univ ave blvd rd
    est approx jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu
    thurs fri sat sun ont que alta sask man calif fla penn mass wash ore tex ariz colo
    conn ill ind kan mich minn miss neb nev okla tenn wis wyo
    al ca cf fig figs pp vol vols viz
    """.split()
)

# A candidate end: terminal punctuation, closing quotes or brackets, then space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``; line breaks always end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group() != "\n" and (
            _in_brackets(text, start, match.start(), end)
            or not _is_boundary(text, match.start(), end)
        ):
            continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


# How far an aside in brackets reaches on either side of a period inside it: the look
# stays bounded however long a run of text without a sentence end is.
_ASIDE_REACH = 200


def _in_brackets(text: str, start: int, punct_at: int, end: int) -> bool:
    """Whether the punctuation stands inside brackets the sentence opened, closed before the
    next candidate end: "(Ps. 31:5)" or "(i.e. the first)" holds no sentence end."""
    lo = max(start, punct_at - _ASIDE_REACH)
    if text.count("(", lo, punct_at) <= text.count(")", lo, punct_at):
        return False
    close = text.find(")", end, end + _ASIDE_REACH)
    if close < 0:
        return False
    # Room past the bracket for the closing marks and the space an end is followed by.
    later = _END.search(text, end, close + 8)
    return later is None or later.start() > close


# The spaces after a candidate end, and the opening of a sentence: each matched where it
# stands, since copying the rest of the text at every candidate end costs its square.
_BLANKS = re.compile(r"[ \t]*")
_OPENING = re.compile(r"[\"'“‘(\[]*[A-Z0-9]")


def _is_boundary(text: str, punct_at: int, end: int) -> bool:
    blanks = _BLANKS.match(text, end)
    rest = blanks.end() if blanks else end
    if rest == len(text):
        return True
    if text[punct_at] == ".":
        word = re.search(r"(\w+)\.?$", text[max(0, punct_at - 12) : punct_at + 1])
        if word:
            token = word.group(1)
            # A lone letter is an initial ("John F. Kennedy"); one after digits
            # ends a decade or a unit ("the 1960s.").
            if token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                return False
    # A sentence starts with a capital, a digit or an opening quote or bracket.
    return _OPENING.match(text, rest) is not None


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
