"""The words of a follow-up: pronouns, connectives, names and phrases, with their spans.

English marks a question that leans on the one before it with a closed set of function
words: third-person pronouns ("he", "it"), a leading connective ("and", "what about"),
"else", a bare question word ("why?"). These are grammar, not vocabulary: the sets
below are the language's, not any question file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.text.speakers import person_name
from retrieval.text.stopwords import STOPWORDS

# Pronouns that stand for someone named earlier: the form, and what it stands for.
PERSON_PRONOUNS = {
    "he": ("male", "subject"),
    "him": ("male", "object"),
    "his": ("male", "possessive"),
    "himself": ("male", "object"),
    "she": ("female", "subject"),
    "her": ("female", "object"),
    "hers": ("female", "possessive"),
    "herself": ("female", "object"),
}
THING_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
# "that" and "this" stand for an event when no noun follows them ("when was that?").
DEMONSTRATIVES = frozenset({"that", "this"})
QUESTION_WORDS = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "why", "how"})
AUXILIARIES = frozenset(
    """
    is are was were be been am do does did has have had can could will would should shall
    may might must isn't aren't wasn't weren't doesn't don't didn't hasn't haven't hadn't
    can't couldn't won't wouldn't shouldn't
    """.split()
)
CONNECTIVES = frozenset({"and", "but", "so", "or", "also", "then", "now", "ok", "okay"})
# "what about X?", "how about X?": X put in the place of the earlier question's like.
ABOUT_OPENERS = (("what", "about"), ("how", "about"), ("and", "what", "about"))
PREPOSITIONS = frozenset(
    """
    on in at after before during since until by from about of for with to into over under
    against between around through without within across near
    """.split()
)
# Prepositions that place something in time, so a phrase of them answers "when".
TIME_PREPOSITIONS = frozenset({"on", "in", "at", "after", "before", "during", "since", "until"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# Words that end a question without adding to what it asks about.
FILLERS = frozenset({"then", "again", "exactly", "though", "anyway", "not", "else"})
# The longest abbreviation a name runs on after ("Coun.", "Sen.", "J.").
ABBREVIATION_CHARS = 5
_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*\.?")
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s*\d{1,2}\b"
    r"|\b(?:19|20)\d\d\b"
)


@dataclass(frozen=True)
class Word:
    """A word of the question and where it stands."""

    text: str
    start: int
    end: int

    @property
    def plain(self) -> str:
        return self.text.lower().replace("’", "'").rstrip(".")

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Name:
    """A person's name in a text: as written (possessive dropped) and its span."""

    name: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words of a text with their spans; an abbreviation keeps its full stop."""
    return [Word(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def names(text: str) -> list[Name]:
    """The people a text names, in order: runs of capitalised words that make a name.

    The first word of a sentence is a name only when the run goes on ("Norm Kelly said"),
    and a possessive ("Ford's") names the person it belongs to.
    """
    found: list[Name] = []
    tokens = words(text)
    at = 0
    while at < len(tokens):
        if not tokens[at].capitalised:
            at += 1
            continue
        stop = at
        while (
            stop + 1 < len(tokens) and tokens[stop + 1].capitalised and _joined(text, tokens, stop)
        ):
            stop += 1
        run = tokens[at : stop + 1]
        at = stop + 1
        if _sentence_start(text, run[0].start):
            # "Has Norm Kelly …", "Did Ford …": the sentence's first word is not the name's.
            first = run[0]
            while run and run[0].plain in STOPWORDS:
                run = run[1:]
            if len(run) == 1 and run[0] is first:
                continue
        if not run:
            continue
        raw = text[run[0].start : run[-1].end]
        plain = re.sub(r"['’]s$", "", raw)
        person = person_name(plain)
        if person and not _acronym(person):
            start = run[0].start + plain.rfind(person) if person in plain else run[0].start
            found.append(Name(person, start, start + len(person)))
    return found


def _joined(text: str, tokens: list[Word], at: int) -> bool:
    """Whether two capitalised words stand together with only spaces between them."""
    word = tokens[at].text
    gap = text[tokens[at].end : tokens[at + 1].start]
    # A full stop after a long word ends a sentence; after a short one ("Coun.", "J.")
    # it marks an abbreviation inside the name.
    ends = word.endswith(".") and len(word) > ABBREVIATION_CHARS
    return gap.strip() == "" and not ends and not word.endswith(("'s", "’s"))


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in '.?!:;"“(-—'


def _acronym(name: str) -> bool:
    """Whether a name is letters in capitals ("TV", "CBC"): an outlet or a body, not a person."""
    return all(part.isupper() for part in name.split())


def has_date(text: str) -> bool:
    """Whether a text names a day, a month's day or a year."""
    return _DATE.search(text) is not None


def strip_opening(tokens: list[Word]) -> tuple[list[Word], bool]:
    """The question without its leading connectives ("and", "what about"); and whether it had
    any."""
    opened = False
    changed = True
    while changed and tokens:
        changed = False
        lowered = [t.plain for t in tokens]
        for opener in ABOUT_OPENERS:
            if tuple(lowered[: len(opener)]) == opener and len(tokens) > len(opener):
                tokens = tokens[len(opener) :]
                opened = changed = True
                break
        else:
            if lowered[0] in CONNECTIVES and len(tokens) > 1:
                tokens = tokens[1:]
                opened = changed = True
    return tokens, opened
