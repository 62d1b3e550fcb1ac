"""Speakers: who says a quote, from the paragraph itself or the one before it.

News copy often names a speaker once and runs the quote on in the next
paragraph, or attributes it to "he" or "she". This finds the named speaker so
that the quote can be found by that name and its excerpt can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEECH = (
    r"(?:said|says|say|told|tells|added|adds|wrote|writes|asked|asks|explained|argued|"
    r"insisted|warned|noted|stated|tweeted|replied|recalled|continued|declared|announced|"
    r"acknowledged|admitted|urged|predicted|suggested|conceded|claimed|complained|joked)"
)
_CAP = r"[A-Z][A-Za-z'’]*(?:-[A-Z][A-Za-z'’]*)*\.?"
_NAME = rf"{_CAP}(?:[ \t]+{_CAP}){{0,4}}"  # a name never runs over a line break
# Capitalised words that start sentences or name institutions, not people.
_NOT_NAMES = frozenset(
    """
    The A An And But Or So Yet If In On At Of For From By To With As After Before When
    While Although Though Because Since Meanwhile However Still Then Now Today Yesterday
    Tomorrow He She It They We I You His Her Its Their Our My Your This That These Those
    There Here What Who Why How Where Which Police City Council Mayor Deputy Coun Coun.
    Councillor Councilor Premier Minister Leader Chief Judge Justice President Prime
    Opposition Municipal Ontario Toronto Canada Canadian Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Mr. Mrs. Ms. Dr. Mr Mrs Ms Dr Sen. Rep. Gov.
    Professor Progressive Conservative Liberal Superior Court Supreme Federal State
    Government Department Office Ministry University Right-leaning Left-leaning Fervent
    Former Another Several Some Many Most All Both Hey Ho Yes No Oh Well Again
    Unfortunately Obviously Sometimes Voters Others Protesters More Less Few Everyone
    Nobody Officials Critics Supporters Residents People Councillors
    """.split()
)
_QUOTE_OPEN = re.compile(r"^\s*[\"“‘']")
_AFTER_QUOTE = re.compile(rf"[\"”’]\s*(?:--\s*|—\s*)?(?P<name>{_NAME})\s+(?:\w+ly\s+)?{_SPEECH}\b")
_SAID_NAME = re.compile(rf"[\"”’,]\s*{_SPEECH}\s+(?P<name>{_NAME})")
_NAME_SAID = re.compile(
    rf"(?P<name>{_NAME})(?:,[^,;\"“”]{{3,90}},)?\s+(?:\w+ly\s+|also\s+|later\s+)?{_SPEECH}\b"
)
_ANY_NAME = re.compile(_NAME)
# A slideshow or pull quote signed with a dash: “...” -- Ford says ...
_DASHED = re.compile(rf"[\"”’]\s*(?:--|–|—)\s*(?P<name>{_NAME})")
_PRONOUN_SAID = re.compile(
    rf"[\"”’,]\s*(?:he|she|they)\s+{_SPEECH}\b|^\s*(?:He|She|They)\s+(?:\w+ly\s+)?{_SPEECH}\b"
)


@dataclass(frozen=True)
class Attribution:
    """A named speaker and the verbatim sentence span that names them."""

    name: str
    start: int
    end: int
    # A quote signed after it with a dash ("…” -- Ford says) closes there:
    # the paragraph that follows is another quote, not its continuation.
    signed: bool = False


def is_quote(paragraph: str) -> bool:
    """Whether a paragraph opens with a quotation mark."""
    return bool(_QUOTE_OPEN.match(paragraph))


def named_speaker(paragraph: str) -> Attribution | None:
    """The speaker the paragraph itself names in an attribution ("…,” Kelly said)."""
    for pattern in (_AFTER_QUOTE, _SAID_NAME, _NAME_SAID, _DASHED):
        for match in pattern.finditer(paragraph):
            name = _person(match.group("name"))
            if name:
                signed = pattern is _DASHED
                return Attribution(name, match.start("name"), match.end(), signed)
    return None


def needs_speaker(paragraph: str) -> bool:
    """A quote with no named attribution, or one attributed only to a pronoun."""
    if named_speaker(paragraph):
        return False
    return is_quote(paragraph) or pronoun_attributed(paragraph)


def context_speaker(previous: str, pronoun: bool = False) -> Attribution | None:
    """The person a preceding paragraph names as saying something, if any.

    For a quote attributed to "he" or "she" (``pronoun``), the first person
    the preceding paragraph names is the likely antecedent even when that
    paragraph quotes no one ("Coun. Giorgio Mammoliti stopped short of ...").
    """
    found = named_speaker(previous)
    if found is not None:
        return None if found.signed else found
    if pronoun:
        for match in _ANY_NAME.finditer(previous):
            if previous[match.end() : match.end() + 1] == "-":
                continue  # "Right-leaning": a compound, not a name
            name = _person(match.group())
            if name:
                return Attribution(name, match.start(), match.end())
    return None


def pronoun_attributed(paragraph: str) -> bool:
    """Whether the paragraph attributes its words to "he", "she" or "they"."""
    return bool(_PRONOUN_SAID.search(paragraph))


def person_name(candidate: str) -> str | None:
    """The person's name in a run of capitalised words, titles and sentence words left out."""
    return _person(candidate)


def _person(candidate: str) -> str | None:
    """Strip titles and sentence-initial words; keep what looks like a person's name."""
    words = [w.rstrip(".") for w in candidate.split()]
    # Keep the run of words after the last title or institution word.
    kept: list[str] = []
    for word in reversed(words):
        if word in _NOT_NAMES:
            break
        kept.insert(0, word)
    if not kept or any(w.endswith(("'s", "’s")) for w in kept):
        return None
    return " ".join(kept)


def full_names(text: str) -> dict[str, str]:
    """The fullest form of each surname a text uses: {"Davis": "Janet Davis"}."""
    names: dict[str, str] = {}
    for match in _ANY_NAME.finditer(text):
        person = _person(match.group())
        if person and " " in person:
            surname = person.split()[-1]
            if len(person) > len(names.get(surname, "")):
                names[surname] = person
    return names
