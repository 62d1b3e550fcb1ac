"""Reading a follow-up against the conversation so far: what it asks, in full.

A follow-up leans on the turn before it in one of four ways, each rewritten by the
grammar of the question, never by its topic:

- a pronoun with no antecedent in the question ("what did he ask Ford to do?") stands
  for the person the earlier turn was about: the answer's person after a "who"
  question, else the first person the earlier question names, whose pronoun matches;
- a fragment after a connective ("and the premier?", "what about Stintz?", "and on
  Oct. 16, 2013?") takes the place of its like in the earlier question: a name for a
  name, a dated phrase for a dated phrase, a noun phrase for the subject;
- "else" ("what else did she say?", "who else?") asks again without what was shown;
- a bare question about an event ("why?", "when was that?") asks about the earlier
  question's subject matter.

The earlier question's words come along as context, which ranks but never decides
whether the articles answer: a follow-up whose own words they don't cover stays
unanswered. A question that needs none of this is read as it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from retrieval.answering.conversation.words import (
    AUXILIARIES,
    CONNECTIVES,
    DEMONSTRATIVES,
    DETERMINERS,
    FILLERS,
    PERSON_PRONOUNS,
    PREPOSITIONS,
    QUESTION_WORDS,
    THING_PRONOUNS,
    TIME_PREPOSITIONS,
    Word,
    has_date,
    names,
    strip_opening,
    words,
)
from retrieval.text.stopwords import STOPWORDS

# Question words that ask about an event's time, cause, place or manner.
EVENT_QUESTIONS = frozenset({"when", "why", "where", "how"})
# A fragment longer than this is a question of its own, not an ellipsis.
MAX_FRAGMENT_WORDS = 10

Gender = Callable[[str], str | None]


@dataclass(frozen=True)
class Turn:
    """One question of a conversation: as asked, as understood, and what it showed."""

    asked: str
    understood: str
    context: str = ""
    people: tuple[str, ...] = ()
    answer_people: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """How a question is understood: the question to ask, and what comes with it.

    ``kind`` is "alone" (read as it stands), "pronoun", "ellipsis", "more" or "event";
    ``context`` is the earlier turn's question, which ranks but doesn't decide;
    ``exclude`` are excerpts already shown, for "else".
    """

    text: str
    kind: str = "alone"
    context: str = ""
    exclude: tuple[str, ...] = field(default=())

    @property
    def rewritten(self) -> bool:
        return self.kind != "alone"


def resolve(question: str, turns: Sequence[Turn], gender: Gender) -> Reading:
    """Read ``question`` against the earlier turns (oldest first)."""
    question = " ".join(question.split())
    if not turns:
        return Reading(question)
    last = turns[-1]
    tokens, opened = strip_opening(words(question))
    if not tokens:
        return Reading(question)
    lowered = [t.plain for t in tokens]
    body = question[tokens[0].start :]
    if "else" in lowered:
        return _more(question, tokens, turns, gender)
    if _is_fragment(lowered, opened):
        return _ellipsis(question, body, last)
    if lowered[0] in EVENT_QUESTIONS and _about_an_event(lowered):
        text = _with_people(question, turns, gender)
        # The follow-up's own question word first: it says what is asked for (a date, a reason).
        return Reading(f"{_sentence(text)} {_sentence(last.understood)}", "event", last.context)
    if _orphan_pronouns(question, tokens):
        text = _with_people(question, turns, gender)
        return Reading(_sentence(text), "pronoun", _sentence(last.understood))
    return Reading(question)


def _more(question: str, tokens: list[Word], turns: Sequence[Turn], gender: Gender) -> Reading:
    """A request for more: "who else?" asks the earlier question again, "what else did she
    say?" its own, each without the excerpts already shown. A follow-up that says what
    else it wants ("what else did she say councillors are getting?") is that question,
    its people named, and may be answered by an excerpt already shown: what it asks can
    stand there beside what was asked before."""
    last = turns[-1]
    cut = next(t for t in tokens if t.plain == "else")
    without = " ".join(f"{question[: cut.start]}{question[cut.end :]}".split())
    content = _content(words(without))
    text = _sentence(_with_people(without, turns, gender)) if content else None
    if len(content) > 1:
        return Reading(text or without, "more", _sentence(last.understood))
    exclude = tuple(dict.fromkeys((*last.excluded, *last.shown)))
    if text is None or all(t.plain in {w.plain for w in words(last.understood)} for t in content):
        return Reading(_sentence(last.understood), "more", last.context, exclude)
    return Reading(text, "more", _sentence(last.understood), exclude)


def _content(tokens: list[Word]) -> list[Word]:
    """The words that say what a question is about: no grammar, no pronouns."""
    return [
        t
        for t in tokens
        if t.plain not in STOPWORDS
        and t.plain not in PERSON_PRONOUNS
        and t.plain not in THING_PRONOUNS
        and t.plain not in FILLERS
        and t.plain not in CONNECTIVES
    ]


def _is_fragment(lowered: list[str], opened: bool) -> bool:
    """A phrase without its question ("and the premier?"): no question word, no verb first."""
    first = lowered[0]
    # "what's the best …?" asks its own question, as "what is" does.
    if first in AUXILIARIES or first in QUESTION_WORDS or first.split("'")[0] in QUESTION_WORDS:
        return False
    return opened and len(lowered) <= MAX_FRAGMENT_WORDS


def _about_an_event(lowered: list[str]) -> bool:
    """Whether the question asks about an event the earlier turn named: "why?", "why not?",
    "when was that?", "when was it released?"."""
    rest = [w for w in lowered[1:] if w not in AUXILIARIES and w not in FILLERS]
    standing = [w for w in rest if w in DEMONSTRATIVES or w in THING_PRONOUNS]
    return not rest or bool(standing)


def _orphan_pronouns(question: str, tokens: list[Word]) -> list[Word]:
    """Pronouns with nothing before them in the question to stand for."""
    named = names(question)
    found = []
    for position, token in enumerate(tokens):
        word = token.plain
        standing = word in DEMONSTRATIVES and _standing(tokens, position)
        if word not in PERSON_PRONOUNS and word not in THING_PRONOUNS and not standing:
            continue
        if word in PERSON_PRONOUNS and any(n.end <= token.start for n in named):
            continue  # "Rob Ford ... his home": the question names him itself
        found.append(token)
    return found


def _standing(tokens: list[Word], position: int) -> bool:
    """Whether a demonstrative stands alone ("when did that happen") rather than before a
    noun ("that season")."""
    if position + 1 >= len(tokens):
        return True
    following = tokens[position + 1].plain
    return following in AUXILIARIES or following in PREPOSITIONS or following.endswith("ed")


def _with_people(question: str, turns: Sequence[Turn], gender: Gender) -> str:
    """The question with its first pronoun for each person replaced by that person's name,
    and its first "it" or "its" by the thing the last question was about; later ones ("did
    he say he …") stand for the same and stay."""
    tokens = words(question)
    pieces: list[str] = []
    at = 0
    named = names(question)
    thing = _thing(turns[-1].understood) if turns else None
    done: set[tuple[str, bool]] = set()
    for position, token in enumerate(tokens):
        word = token.plain
        if any(n.end <= token.start for n in named):
            continue  # "Rob Ford … his home": the question names them itself
        if word in PERSON_PRONOUNS:
            sex, role = PERSON_PRONOUNS[word]
            meant = _referent(turns, sex, role, gender)
        elif word in ("it", "its") and thing is not None:
            sex, role, meant = "thing", "possessive" if word == "its" else "subject", thing
        else:
            continue
        if meant is None or (sex, role == "subject") in done:
            continue
        done.add((sex, role == "subject"))
        possessive = role == "possessive" or (word == "her" and _before_noun(tokens, position))
        pieces.append(question[at : token.start])
        pieces.append(f"{meant}'s" if possessive else meant)
        at = token.end
    pieces.append(question[at:])
    text = "".join(pieces)
    return text[:1].upper() + text[1:]


def _thing(question: str) -> str | None:
    """What a question is about when that is not a person: its subject ("What did [the
    Federal Reserve] decide …?"), or None."""
    span = _subject_span(question)
    if span is None:
        return None
    subject = question[span[0] : span[1]]
    if words(subject)[0].plain not in DETERMINERS:
        return None  # a name: "it" doesn't stand for a person
    return subject


def _before_noun(tokens: list[Word], position: int) -> bool:
    """Whether "her" comes before a noun ("her office"), not as an object ("ask her to")."""
    if position + 1 >= len(tokens):
        return False
    following = tokens[position + 1].plain
    return not (
        following in PREPOSITIONS or following in AUXILIARIES or following in QUESTION_WORDS
    )


def _referent(turns: Sequence[Turn], sex: str, role: str, gender: Gender) -> str | None:
    """The person a pronoun stands for: the latest turn's, the one whose pronoun fits.

    A subject pronoun goes to the earlier question's first person (or, after a "who"
    question, its answer's); an object pronoun to another person when there is one.
    """
    for turn in reversed(turns):
        candidates = _candidates(turn, role)
        if not candidates:
            continue
        told = {p: gender(p) for p in candidates}
        about = _asked_about(turn)
        if about is not None and told.get(about) in (sex, "person", None):
            # "Who is Alexander Lisi?": the turn was about him, whatever else it named.
            return about
        # The pronoun's own sex first, then anyone the articles give no pronoun; never
        # the other sex ("she" is not a man the articles call "he"): an earlier turn's.
        for fits in (sex, "person", None):
            found = [p for p, g in told.items() if g == fits]
            if found:
                return found[0]
    return None


def _candidates(turn: Turn, role: str) -> list[str]:
    asked_who = _asks_for_someone(turn)
    people = list(turn.people)
    answer = [p for p in turn.answer_people if p not in people]
    ordered = answer + people if asked_who else people + answer
    if role == "object" and len(ordered) > 1:
        ordered = ordered[1:] + ordered[:1]
    return ordered


def _asks_for_someone(turn: Turn) -> bool:
    """Whether the turn asked who someone is not yet named: "who urged Ford?", not
    "who is Alexander Lisi?", which is about the one it names."""
    lower = turn.understood.lower()
    return lower.startswith(("who ", "whom ")) and _asked_about(turn) is None


def _asked_about(turn: Turn) -> str | None:
    """The person a "who is …?" turn names: "Alexander Lisi" in "Who is Alexander Lisi?"."""
    understood = turn.understood.strip().rstrip("?.! ")
    lower = understood.lower()
    for copula in ("who is ", "who was ", "who are ", "who were "):
        if lower.startswith(copula) and understood[len(copula) :] in turn.people:
            return understood[len(copula) :]
    return None


def _ellipsis(question: str, body: str, last: Turn) -> Reading:
    """The earlier question with the fragment put in the place of its like."""
    fragment = body.rstrip(" ?.!")
    earlier = last.understood
    replaced = _replace_like(earlier, fragment)
    if replaced is None:
        return Reading(f"{_sentence(earlier)} {question}", "ellipsis", last.context)
    return Reading(replaced, "ellipsis", last.context)


def _replace_like(earlier: str, fragment: str) -> str | None:
    """``earlier`` with ``fragment`` in the place of the phrase of the same kind, if any."""
    tokens = words(fragment)
    if not tokens:
        return None
    first = tokens[0].plain
    if first in PREPOSITIONS or has_date(fragment):
        span = _phrase_span(earlier, first, dated=has_date(fragment) or first in TIME_PREPOSITIONS)
    elif names(fragment) or names(f"x {fragment}"):
        people = names(earlier)
        span = (people[0].start, people[0].end) if people else _subject_span(earlier)
    else:
        span = _subject_span(earlier)
    if span is None:
        return None
    start, end = span
    return earlier[:start] + fragment + earlier[end:]


def _phrase_span(text: str, preposition: str, dated: bool) -> tuple[int, int] | None:
    """The prepositional phrase of ``text`` a new one replaces: a dated one for a dated
    one, else the last one with the same preposition."""
    tokens = words(text)
    spans = []
    for position, token in enumerate(tokens):
        if token.plain not in PREPOSITIONS:
            continue
        stop = position + 1
        while stop < len(tokens) and tokens[stop].plain not in PREPOSITIONS:
            stop += 1
        if stop == position + 1:
            continue
        end = tokens[stop - 1].end
        spans.append((token.plain, token.start, end))
    if dated:
        with_dates = [s for s in spans if has_date(text[s[1] : s[2]])]
        timed = [s for s in spans if s[0] in TIME_PREPOSITIONS]
        chosen = with_dates or timed
    else:
        chosen = [s for s in spans if s[0] == preposition]
    if not chosen:
        return None
    _, start, end = chosen[-1]
    return start, end


def _subject_span(text: str) -> tuple[int, int] | None:
    """The subject of a question ("What has [the province] said …"): after the first
    auxiliary, a name, or a noun phrase up to its verb (the word before a preposition)."""
    tokens = words(text)
    lowered = [t.plain for t in tokens]
    aux = next((i for i, w in enumerate(lowered[:3]) if w in AUXILIARIES), None)
    if aux is None or aux + 1 >= len(tokens):
        return None
    start = aux + 1
    people = [n for n in names(text) if n.start == tokens[start].start]
    if people:
        return people[0].start, people[0].end
    if lowered[start] not in DETERMINERS:
        return None
    stop = start + 1
    while stop + 1 < len(tokens) and lowered[stop + 1] not in PREPOSITIONS:
        stop += 1
    if stop + 1 >= len(tokens):
        stop = start + 1
    if stop <= start + 1:
        return (tokens[start].start, tokens[start + 1].end) if start + 1 < len(tokens) else None
    return tokens[start].start, tokens[stop - 1].end


def _sentence(text: str) -> str:
    """A question ending in one question mark."""
    text = text.strip()
    return text if text.endswith(("?", ".", "!")) else f"{text}?"
