"""Answer types: what a question asks for, and the words of a text that could be it.

A question asks for a person or organisation ("who", "which judge"), a date or
time ("when", "what year"), a number, amount or share ("how many", "what
percentage"), a place ("where", "which city"), a reason ("why") or a manner or
outcome ("how did", "how likely"). A text holds candidates of those types:
capitalised names, dates, weekdays, months and years, times counted back or on
("66 million years ago"), numbers, money and percentages, reason clauses
("because", "due to"), means ("by …ing"). The rules are those of English news and
reference prose, written from the types themselves, not from any question set; a
name or a place is told from other capitalised words only by the question, so both
are found as names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass

from retrieval.text.analysis import WORD, Analyzer, fold
from retrieval.text.definitions import described, subject_asked
from retrieval.text.sentences import sentence_spans
from retrieval.text.when import counted_times


class AnswerType(enum.Enum):
    """What a question asks for."""

    PERSON = "person"  # or an organisation: a name
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    REASON = "reason"
    MANNER = "manner"
    DEFINITION = "definition"  # what the text says its subject is: "what is X?"


# Nouns that, after "what" or "which", say what kind of answer is wanted.
_DATE_NOUNS = frozenset(
    "year years day days date dates month months decade decades century centuries time"
    " era period season week weekday hour".split()
)
_NUMBER_NOUNS = frozenset(
    "percentage percent proportion share fraction number amount price cost sum total"
    " population age rate size length distance height width depth weight speed value"
    " temperature score margin salary budget fee fine count quantity".split()
)
_PLACE_NOUNS = frozenset(
    "city cities country countries state states place places town towns region province"
    " county continent location locations area nation island river street neighbourhood"
    " neighborhood village capital district venue building site address".split()
)
_PERSON_NOUNS = frozenset(
    "person people man men woman women name group company companies organization"
    " organisation team teams player players politician president leader judge councillor"
    " councilor outlet outlets newspaper network party firm band author writer artist king"
    " queen emperor scientist official officials agency university school club coach lawyer"
    " attorney member members family corporation brand station channel magazine publication"
    " court church government minister senator mayor witness juror jurors reporter host"
    " founder owner actor singer architect doctor officer pope premier governor".split()
)
# Titles English writes beside their holder's name ("Judge Maya Gamble", "Coun.
# Norm Kelly", "Nordheimer, the judge"): a "which judge" question's answer is
# the name beside the title. Classes of things ("which team", "which city")
# are rarely written so, and are left to any name.
_TITLES = frozenset(
    "judge justice councillor councilor president mayor minister senator king queen emperor"
    " pope coach lawyer attorney officer doctor professor governor chancellor premier".split()
)
_HOW_NUMBER = frozenset(
    "many much old long far big large tall high often fast deep wide heavy few".split()
)
_HOW_OUTCOME = frozenset("likely probable possible close".split())
_HOW_MANNER = frozenset(
    "did does do is was were are can could would will should has have had".split()
)
_COPULAS = frozenset("is was are were".split())
_WH = frozenset("who whom whose when where why how what which".split())
_SIMPLE = {
    "who": AnswerType.PERSON,
    "whom": AnswerType.PERSON,
    "whose": AnswerType.PERSON,
    "when": AnswerType.DATE,
    "where": AnswerType.PLACE,
    "why": AnswerType.REASON,
}
# Words between "what"/"which" and its noun: "which two", "what other".
_FILLER = frozenset("of the a an two three other first last".split())
# "What kind of X" asks what an X is like (an adjective, a description), not for
# an X by its name.
KIND_WORDS = frozenset("kind kinds type types sort sorts".split())


@dataclass(frozen=True)
class Asked:
    """What a question asks for, the noun that names it ("judge" in "which judge"),
    and the words that ask it when a statement can embed them ("how much")."""

    kind: AnswerType
    noun: str | None = None
    phrase: str | None = None
    # The word naming the type of answer, not its subject: "year" in "what year".
    frame: str | None = None
    # What a definition is asked of, as written: ("Alexander", "Lisi").
    subject: tuple[str, ...] = ()


# A question word after a comma, where a clause before it only sets the scene: "When
# forces come in pairs, what law gives symmetry?" asks what law, not when.
_MAIN_CLAUSE = re.compile(rf",\s*(?=(?:{'|'.join(sorted(_WH))})\b)", re.IGNORECASE)


def asked(question: str) -> Asked | None:
    """What a question asks for, from its first question word; None when it can't be told.

    The question word of the main clause is taken, after a comma (``_MAIN_CLAUSE``).
    """
    question = _MAIN_CLAUSE.split(question)[-1]
    written = WORD.findall(fold(question))
    words = [w.lower() for w in written]
    for at, word in enumerate(words):
        if word not in _WH:
            continue
        subject = subject_asked(written, at) if word in ("who", "what") else None
        if word == "who":
            role = _role(words[at + 1 : at + 4])
            if subject and role is None:
                return Asked(AnswerType.DEFINITION, subject=subject)
            return Asked(AnswerType.PERSON, role)
        if word in _SIMPLE:
            return Asked(_SIMPLE[word])
        following = words[at + 1 : at + 5]
        if word == "how":
            kind = _how(following)
            if kind is AnswerType.NUMBER:
                return Asked(kind, phrase=f"how {following[0]}", frame=following[0])
            return Asked(kind) if kind else None
        typed = _what(following)
        if typed is None and subject:
            return Asked(AnswerType.DEFINITION, subject=subject)
        return typed
    return None


def asked_type(question: str) -> AnswerType | None:
    """The type of answer a question asks for (see ``asked``)."""
    found = asked(question)
    return found.kind if found else None


def _role(following: list[str]) -> str | None:
    """The title in "who is the judge …": the person asked for is the one given it."""
    if len(following) == 3 and following[0] in _COPULAS and following[1] == "the":
        return following[2] if following[2] in _TITLES else None
    return None


def _how(following: list[str]) -> AnswerType | None:
    nxt = following[0] if following else ""
    if nxt in _HOW_NUMBER:
        return AnswerType.NUMBER
    if nxt in _HOW_OUTCOME or nxt in _HOW_MANNER:
        return AnswerType.MANNER
    return None


def _what(following: list[str]) -> Asked | None:
    """The type a "what"/"which" question names with its noun ("which year", "what city").

    The noun may follow a copula ("what is the capital"), fillers ("what kind
    of") and one adjective ("which English king"); after any other verb
    ("what did the mayor do") the question names no type.
    """
    words = following[1:] if following[:1] and following[0] in _COPULAS else following
    for at, word in enumerate(words):
        if word in KIND_WORDS:
            # "What kind of city is Toronto?" asks what it is like, not which city.
            return None
        kind = _type_of(word)
        if kind is not None:
            # Of nouns written together the last is the head: "modern-day country" asks
            # for a place, "day length" for a number.
            while at + 1 < len(words) and (head := _type_of(words[at + 1])) is not None:
                at, kind = at + 1, head
            word = words[at]
            return Asked(kind, word) if word in _TITLES else Asked(kind, frame=word)
        if word in _HOW_MANNER or (word not in _FILLER and at > 0):
            return None
    return None


def _type_of(noun: str) -> AnswerType | None:
    """The type of answer a noun names ("year", "city", "judge"), if it names one."""
    for nouns, kind in (
        (_DATE_NOUNS, AnswerType.DATE),
        (_NUMBER_NOUNS, AnswerType.NUMBER),
        (_PLACE_NOUNS, AnswerType.PLACE),
        (_PERSON_NOUNS, AnswerType.PERSON),
    ):
        if noun in nouns:
            return kind
    return None


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Each pattern starts with a word boundary and a look at the first character, so
# that the many positions where no candidate can start are passed over quickly.
_DATE = re.compile(
    rf"\b(?=[A-Z0-9yt])(?:(?:{_MONTHS})\b\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?(?:,?\s+\d{{4}}\b)?"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}}\b)?"
    rf"|(?:{_WEEKDAYS})\b"
    r"|(?:1[0-9]|20)\d\d(?:s\b|\b)"
    r"|\d{1,2}(?:st|nd|rd|th)\s+century\b"
    r"|\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)"
    r"|(?i:yesterday|today|tomorrow|tonight)\b)"
)
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    "|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    "|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half"
)
# Amounts: digits (money, percentages, "42 million") or number words. A currency
# sign before the digits is left out of the span: the digits are the answer.
_NUMBER = re.compile(
    r"\b(?=[\dtfsenhmbd])(?:\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|percent\b|per cent\b))?"
    r"(?:\s+(?:million|billion|trillion|thousand|hundred)\b)?"
    rf"|(?:{_NUMBER_WORDS})\b(?:\s+(?:percent|per cent)\b)?)",
    re.IGNORECASE,
)
# A capitalised word that does not start a sentence (or an acronym anywhere), with
# the capitalised words and linking "of"/"de" that continue it: a name.
# A capitalised word of a name: dots inside it ("U.S.") or after a short one ("St.",
# "J."), never the full stop after a longer word, where a sentence ends.
_NAME_WORD = r"[A-Z](?:[\w'’-]|\.(?=\w))*(?:(?<![\w'’-]{4})\.)?"
_NAME = re.compile(
    rf"\b(?=[A-Z])(?:(?<=[a-z0-9,;:)] ){_NAME_WORD}"
    rf"(?:\s+(?:(?:of|de|la|von|van|the)\s+)?{_NAME_WORD})*|[A-Z]{{2,}}\b)"
)
_REASON = re.compile(
    r"\b(?=[bdostcfi])(?:because|due to|owing to|so that|in order to|as a result of|thanks to"
    r"|caused by|for fear|in protest|since(?!\s+(?:\d|the\s+\d|(?:"
    + _MONTHS
    + r")\b|then\b|last\b)))\b",
    re.IGNORECASE,
)
_MANNER = re.compile(
    r"\b(?=[btuvwlpco])(?:by\s+\w+ing|through|using|via|with the help of|likely|unlikely"
    r"|probably|chances?|odds)\b",
    re.IGNORECASE,
)

_CALENDAR = re.compile(rf"(?:{_MONTHS}|{_WEEKDAYS})\.?")


def _dates(text: str) -> Iterator[re.Match[str]]:
    """Dates, and times counted back or on ("66 million years ago"), in order."""
    return iter(sorted([*_DATE.finditer(text), *counted_times(text)], key=lambda m: m.start()))


def _names(text: str) -> Iterator[re.Match[str]]:
    """Names: capitalised runs that are not a month or a weekday alone (those are dates)."""
    return (m for m in _NAME.finditer(text) if not _CALENDAR.fullmatch(m.group()))


_FINDERS: dict[AnswerType, Callable[[str], Iterator[re.Match[str]]]] = {
    AnswerType.PERSON: _names,
    AnswerType.PLACE: _names,
    AnswerType.DATE: _dates,
    AnswerType.NUMBER: _NUMBER.finditer,
    AnswerType.REASON: _REASON.finditer,
    AnswerType.MANNER: _MANNER.finditer,
}


def candidate_spans(text: str, kind: AnswerType) -> list[tuple[int, int]]:
    """Spans of ``text`` that could answer a question of this type, in order."""
    finder = _FINDERS.get(kind)
    # A definition is found from its subject, not its type (``asked_candidates``).
    return [m.span() for m in finder(text)] if finder else []


def own_words(kind: AnswerType) -> bool:
    """Whether a candidate of this type can be dismissed for repeating the question.

    A name, date or number the question already gives is not its answer; a
    reason or manner clause is recognised by its connective, which says nothing
    of the question.
    """
    return kind not in (AnswerType.REASON, AnswerType.MANNER)


def answer_candidates(
    text: str,
    kind: AnswerType,
    analyzer: Analyzer,
    question_terms: Container[str],
    noun: str | None = None,
    phrase: str | None = None,
) -> list[tuple[int, int]]:
    """Candidate spans of ``text`` that are not just the question's own words.

    A sentence that holds the question's own ``phrase`` ("decide how much he must
    pay") asks what the question asks, so its candidates answer something else.

    With a ``noun`` ("judge" in "which judge"), a name counts only beside it, as
    news and reference prose give a role with its holder ("Judge Maya Gamble",
    "Nordheimer, the judge"); a name elsewhere answers some other question.
    """
    spans = candidate_spans(text, kind)
    if phrase and spans:
        spans = _outside_asking(text, spans, phrase)
    if own_words(kind) and spans:
        folded = fold(text)
        spans = [
            (start, end)
            for start, end in spans
            if not all(t in question_terms for t in span_terms(analyzer, folded, start, end))
        ]
    if noun is None or kind not in (AnswerType.PERSON, AnswerType.PLACE) or not spans:
        return spans
    term = analyzer.term(noun)
    marks = [(t.start, t.end) for t in analyzer.tokens(text) if t.term == term]
    return [span for span in spans if any(_beside(text, span, mark) for mark in marks)]


def asked_candidates(
    text: str, asks: Asked, analyzer: Analyzer, question_terms: Container[str]
) -> list[tuple[int, int]]:
    """Candidate spans of ``text`` for what a question asks (see ``answer_candidates``);
    for a definition, where the text describes the subject."""
    if asks.kind is AnswerType.DEFINITION:
        return described(text, asks.subject, analyzer)
    return answer_candidates(text, asks.kind, analyzer, question_terms, asks.noun, asks.phrase)


def _outside_asking(text: str, spans: list[tuple[int, int]], phrase: str) -> list[tuple[int, int]]:
    """The spans that lie in no sentence holding ``phrase``."""
    found = re.compile(rf"\b{re.escape(phrase)}\b", re.IGNORECASE)
    at = [m.start() for m in found.finditer(text)]
    if not at:
        return spans
    asking = [(s, e) for s, e in sentence_spans(text) if any(s <= a < e for a in at)]
    return [span for span in spans if not any(s <= span[0] < e for s, e in asking)]


def span_terms(analyzer: Analyzer, folded: str, start: int, end: int) -> list[str]:
    """The index terms of a span of a text already folded (``fold``), without copying it."""
    return analyzer.word_terms(WORD.findall(folded, start, end))


# How many words may stand between a role and the name it is given ("the judge in
# the case, Maya Gamble"): the length of a short phrase.
_BESIDE_WORDS = 3
# A role written before its holder: "Judge Maya Gamble", "the lawyer in the case,
# Mark Bankston" (a phrase, then the comma of apposition).
_ROLE_THEN_NAME = re.compile(rf"\s*|(?:\s+[\w'’-]+){{0,{_BESIDE_WORDS}}}\s*,\s*")
# A holder written before their role: "Maya Gamble, the judge", "Mark Bankston, a
# lawyer for": the comma of apposition, then a few words. Not "Jones' lawyer".
_NAME_THEN_ROLE = re.compile(rf"\s*,(?:\s*[\w'’-]+){{0,{_BESIDE_WORDS}}}\s*")


def _beside(text: str, span: tuple[int, int], mark: tuple[int, int]) -> bool:
    """Whether a candidate name is the one a role noun is given, in apposition or as a title."""
    if span[0] < mark[1] and mark[0] < span[1]:
        return True
    if mark[1] <= span[0]:
        return bool(_ROLE_THEN_NAME.fullmatch(text, mark[1], span[0]))
    return bool(_NAME_THEN_ROLE.fullmatch(text, span[1], mark[0]))


def holding_candidates(
    spans: Sequence[tuple[int, int]], candidates: Sequence[tuple[int, int]]
) -> list[bool]:
    """For each span of text (a sentence), whether a candidate starts inside it."""
    return [any(start <= c < end for c, _ in candidates) for start, end in spans]
