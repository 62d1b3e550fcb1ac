"""Speakers: who says a quote, from the paragraph itself or the one before it.

News copy often names a speaker once and runs the quote on in the next
paragraph, or attributes it to "he" or "she". This finds the named speaker so
that the quote can be found by that name and its excerpt can show it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    rf"[\"”’,]\s*(?P<after>he|she|they)\s+{_SPEECH}\b"
    rf"|^\s*(?P<opening>He|She|They)\s+(?:\w+ly\s+)?{_SPEECH}\b"
)
_GENDERS = {"he": "male", "she": "female"}
# The article ties a name to "he" or "she" a few lower-case words on, in the same
# clause: "Davis said she", "Ford has vowed ... after admitting that he", "Stintz, who has
# said she". (Not "his" or "her": "Ford removed Robinson from his committee".)
_NAME_PRONOUN = re.compile(
    rf"(?P<name>{_NAME})(?:,\s+who)?(?:\s+[a-z][\w'’-]*){{0,10}}?\s+(?P<pronoun>he|she)\b"
)
_QUOTATION = re.compile(r"[\"“][^\"“”]*[\"”]")
# A name used as a modifier ("a former Ford ally", "the Ford drama") names no one here.
_MODIFIER = re.compile(r"\b(?:a|an|the)\s+(?:[a-z][\w-]*\s+)?$")


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


def context_speaker(
    previous: str, pronoun: str | None = None, genders: Mapping[str, str] | None = None
) -> Attribution | None:
    """The person a preceding paragraph names as saying something, if any.

    For a quote attributed to "he" or "she" (``pronoun``), the antecedent is the person
    the preceding paragraph names as speaking, else the first person it names (outside
    quotations, not as a modifier: "a former Ford ally"), even when it quotes no one
    ("Coun. Giorgio Mammoliti stopped short of ..."), leaving out anyone the article's
    ``genders`` (surname: "male" or "female") say the pronoun can't mean. "They" may be
    several people: no one is chosen for it.
    """
    found = named_speaker(previous)
    if found is not None and (found.signed or pronoun is None):
        return None if found.signed else found
    if pronoun is None or pronoun not in _GENDERS:
        return None
    known = genders or {}
    if found is not None and agrees(found.name, pronoun, known):
        return found
    named = [a for a in _mentions(previous) if agrees(a.name, pronoun, known)]
    return named[0] if named else None


def _mentions(paragraph: str) -> list[Attribution]:
    """The people a paragraph names in its own words, in order."""
    text = _QUOTATION.sub(lambda m: " " * len(m.group()), paragraph)
    found = []
    for match in _ANY_NAME.finditer(text):
        if text[match.end() : match.end() + 1] == "-":
            continue  # "Right-leaning": a compound, not a name
        if _MODIFIER.search(text, 0, match.start()):
            continue
        name = _person(match.group())
        if name:
            found.append(Attribution(name, match.start(), match.end()))
    return found


def pronoun_attributed(paragraph: str) -> bool:
    """Whether the paragraph attributes its words to "he", "she" or "they"."""
    return bool(_PRONOUN_SAID.search(paragraph))


def attributed_pronoun(paragraph: str) -> str | None:
    """The pronoun a paragraph attributes its words to ("he", "she", "they"), if any."""
    match = _PRONOUN_SAID.search(paragraph)
    return (match["after"] or match["opening"]).lower() if match else None


def speaker_genders(text: str) -> dict[str, str]:
    """The surnames an article itself ties to "he" or "she" ("Davis said she …"), each
    with "male" or "female"; a surname tied to both is left out (outside quotations)."""
    seen: dict[str, set[str]] = {}
    plain = _QUOTATION.sub(lambda m: " " * len(m.group()), text)
    for match in _NAME_PRONOUN.finditer(plain):
        name = _person(match["name"])
        if name:
            seen.setdefault(name.split()[-1], set()).add(_GENDERS[match["pronoun"]])
    return {surname: found.pop() for surname, found in seen.items() if len(found) == 1}


def agrees(name: str, pronoun: str | None, genders: Mapping[str, str]) -> bool:
    """Whether a pronoun can mean the person, as far as the article tells."""
    wanted = _GENDERS.get(pronoun or "")
    return wanted is None or genders.get(name.split()[-1], wanted) == wanted


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
