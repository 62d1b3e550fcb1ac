"""Whom a name stands for: a man, a woman, a person the articles don't say which, or no one.

Read from the passages that name them, outside quotations. A pronoun a few words after
the name as the subject of a clause, with no other name between them ("Kelly said he …",
"Stintz, who has said she …"), votes for a gender (a possessive, "Britain's leader
said he", does not); a speech verb beside the name ("Wynne said", "said Hudak")
shows a person. A word that is neither (a party, a country, a month) is no person, and
no pronoun is read as standing for it.
"""

from __future__ import annotations

import re

from retrieval.index.corpus_index import CorpusIndex

# Passages looked at: the best-scoring ones for the surname.
PASSAGES = 40
# Share of the pronouns found that must agree to settle a gender.
AGREEMENT = 2 / 3
MALE, FEMALE, PERSON = "male", "female", "person"
_SPEECH = (
    "said|says|told|tells|added|wrote|argued|insisted|warned|explained|noted|acknowledged|"
    "admitted|stated|claimed|announced|suggested|predicted|replied|continued|conceded|asked"
)
_QUOTATION = re.compile(r"[\"“][^\"“”]*[\"”]")
# A name as the subject of a clause ("Kelly said", "Stintz, who has said"), then its
# pronoun before any other capitalised word, within a few words of the same sentence.
_AFTER = re.compile(r"(?:,\s+who)?\s+[a-z][^A-Z.!?;:\"“”]{0,60}?\b(?P<pronoun>he|she)\b")


# A preposition just before a name makes it an object, not the subject a pronoun follows.
_OBJECT = re.compile(r"\b(?:of|in|at|from|to|with|for|on|by|about|against)\s+$")


def who(index: CorpusIndex, name: str) -> str | None:
    """MALE, FEMALE or PERSON as the articles speak of ``name``; None for no person."""
    surname = name.split()[-1]
    terms = index.analyzer.terms(surname)  # "Minnan-Wong" is two
    if not terms or not all(index.scorer.has_term(t) for t in terms):
        return None
    mention = re.compile(rf"\b{re.escape(surname)}\b")
    speaks = re.compile(
        rf"\b{re.escape(surname)},?\s+(?:\w+ly\s+)?(?:{_SPEECH})\b"
        rf"|\b(?:{_SPEECH})\s+(?:[A-Z][\w.'-]*\s+){{0,4}}{re.escape(surname)}\b"
    )
    male = female = 0
    speaker = False
    for scored in index.scorer.top(terms, PASSAGES):
        text = _QUOTATION.sub(" ", index.passage_text(scored.passage))
        speaker = speaker or speaks.search(text) is not None
        for found in mention.finditer(text):
            if _OBJECT.search(text, max(found.start() - 12, 0), found.start()):
                continue  # "mayor of Toronto … he": not the clause's subject
            pronoun = _AFTER.match(text, found.end())
            if pronoun is None:
                continue
            if pronoun.group("pronoun") == "he":
                male += 1
            else:
                female += 1
    total = male + female
    if total and male / total >= AGREEMENT:
        return MALE
    if total and female / total >= AGREEMENT:
        return FEMALE
    return PERSON if speaker or total else None
