"""Definitions: "what is X?" and "who is NAME?" ask what the text says its subject is.

Such a question names no type of answer; its answer is where the text describes
the subject: the subject followed by a copula ("Colloblasts are specialized
cells", "The IEEE (…) is") or by an apposition ("Alexander Lisi, a friend of
Ford's", "Lisi, 36, was charged", "Bankston, who …"). The rules are those of
English prose, written from the construction itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.text.analysis import Analyzer

# The question's subject is at most this many words after its article ("what
# is the Bold New City"); a longer rest is a clause, which asks something else.
MAX_SUBJECT_WORDS = 4
_ARTICLES = frozenset("a an the".split())
_COPULAS = frozenset("is are was were".split())
# Words that end a question's rest when it is not a noun phrase: "what is the AFC
# short for", "what was the base called", "what is it".
_NOT_A_SUBJECT = frozenset(
    "for of to about from with in on at by as like it this that these those there"
    " he she they him her them you we i me us".split()
)
# After the subject: a copula, the subject's expansion closed first ("(IEEE) is").
_COPULA_AFTER = re.compile(r"\)?\s+(?:is|are|was|were|became|remains)\b")
# After the subject: an apposition ("Lisi, a friend", "Lisi, 36,", "Bankston, who",
# "Lisi, Ford's friend"), or a gloss in brackets that is not a date ("Semuren (various
# allied groups …)").
_APPOSITION_AFTER = re.compile(
    r"\)?\s*,\s+(?:a|an|the|who|which|whose|one|\d+|[A-Z][\w.-]*['’]s)\b|\s+\((?!\d)"
)
_SENTENCE_END = re.compile(r"[.!?]\s")
# Before a description with "the": the copula or comma whose other side fills it
# ("Cestum veneris is the largest ctenophore", "Cam Newton, the MVP").
_FILLED_BEFORE = re.compile(r"(?:\b(?:is|are|was|were|became)|,)\s+(?:the\s+)?$")


def subject_asked(words: Sequence[str], at: int) -> tuple[str, ...] | None:
    """The subject of "what/who is [the] X?" when ``words`` (as written) ask for one at
    ``at``, with its article if it has one.

    "Who" asks for a definition only of a name ("who is Alexander Lisi"); "who is
    Ford's lawyer" asks for a person.
    """
    rest = list(words[at + 1 :])
    if len(rest) < 2 or rest[0].lower() not in _COPULAS:
        return None
    article = rest[1] if rest[1].lower() in _ARTICLES else None
    subject = rest[2:] if article else rest[1:]
    if not 1 <= len(subject) <= MAX_SUBJECT_WORDS:
        return None
    first, last = subject[0].lower(), subject[-1].lower()
    if first in _NOT_A_SUBJECT or last in _NOT_A_SUBJECT or last in _COPULAS:
        return None
    if words[at].lower() == "who" and not all(w[:1].isupper() or w[:1].isdigit() for w in subject):
        return None
    if last.endswith("ed") and not subject[-1][:1].isupper():
        return None  # "what was the base called": a verb ends the question
    return (article.lower(), *subject) if article else tuple(subject)


def described(text: str, subject: Sequence[str], analyzer: Analyzer) -> list[tuple[int, int]]:
    """Spans of ``text`` where the subject is described: the subject and the word that
    opens its description.

    The subject is found by its last word's term, with its other terms among the few
    words before it; a name's last word alone will do ("Lisi" for "Alexander Lisi").
    A description with "the" ("the largest ctenophore") is a role something fills,
    and may stand after the copula or the comma too ("Cestum veneris is the largest").
    """
    definite = subject[:1] == ("the",)
    words = subject[1:] if definite else subject
    terms = analyzer.word_terms(words)
    if not terms:
        return []
    head = terms[-1]
    name = all(w[:1].isupper() or w[:1].isdigit() for w in words)
    others = set() if name else set(terms[:-1])
    tokens = analyzer.tokens(text)
    found = []
    for k, token in enumerate(tokens):
        if token.term != head:
            continue
        near = tokens[max(0, k - len(others) - 1) : k]
        start = min([t.start for t in near if t.term in others], default=token.start)
        if not others <= {t.term for t in near} or _SENTENCE_END.search(text, start, token.start):
            continue
        after = _COPULA_AFTER.match(text, token.end) or _APPOSITION_AFTER.match(text, token.end)
        if after:
            found.append((start, after.end()))
            continue
        before = _FILLED_BEFORE.search(text[max(0, start - 40) : start])
        if definite and not name and before:
            found.append((start - len(before.group()), token.end))
    return found
