"""Questions: their terms, spelling correction against the index, and term weights."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from retrieval.answering.chat import REQUEST_OBJECTS, REQUEST_VERBS, is_chat
from retrieval.errors import QuestionTooLong
from retrieval.index.scoring import BM25Scorer
from retrieval.text.analysis import WORD, Analyzer, fold, normalize
from retrieval.text.answer_types import KIND_WORDS
from retrieval.text.cleaning import plain_text

_LETTERS = string.ascii_lowercase
MIN_CORRECTED_LENGTH = 5
# Correction looks at every word one edit away: 54 per letter, each as long as
# the word, so its work grows with the square of the word's length. Whatever
# the articles hold, a token longer than the longest word of English
# dictionaries (45 letters) is not a misspelt word, and is left as it is.
MAX_CORRECTED_LENGTH = 45
# Words that frame a request rather than name its subject ("according to X,
# ...", "please explain ..."): left out of questions, as stopwords are.
QUESTION_FRAME = frozenset(
    """
    according please explain describe summarize summarise gonna wanna hey hi hello
    thanks thank anybody
    """.split()
)
# The function words a question is likely to misspell ("wich", "waht", "becuase").
_QUESTION_WORDS = frozenset(
    "which what where when whom whose does there their they them these those this that with"
    " would could should about because before after while".split()
)
# English spells no word with a letter four times running, and three times only
# in capitals (AAA, III): such a run is emphasis or a held key ("hmmmm",
# "soooo"), and folding doubled letters would shrink it to some real term.
# Tokens longer than any word are kept whole, as unknown terms, instead.
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
_LONG_RUN = re.compile(r"([^\W\d_])\1{3,}")
# The same holds for a syllable of two or three letters said over and over
# ("lololol", "hahahaha", "sdfsdfsdf"): spelt words repeat one at most twice
# ("mama", "tutu", "murmur"), so two and a half times is laughter or mash.
_SYLLABLES = (2, 3)
_SYLLABLE_REPEATS = 2.5
# What may stand between a sentence's end and its first word.
_SENTENCE_END = ".!?:;…"
_OPENING = " \t\n\"'([{-*#"


@dataclass(frozen=True)
class Query:
    """A question as the index sees it.

    ``terms`` keep order and repeats (BM25 counts them); ``weights`` give each
    distinct term its specificity, used to judge how much of the question a
    passage covers; ``unknown`` are terms no passage contains.
    """

    text: str
    terms: tuple[str, ...]
    weights: dict[str, float]
    unknown: tuple[str, ...]
    corrected: dict[str, str]
    # Terms of words capitalised inside the question: names and titles.
    proper: frozenset[str] = frozenset()
    # The one word the whole message consists of (said once or repeated, besides
    # letter runs), as typed; None when the message has more words than that.
    lone_word: str | None = None
    # Whether the message talks to the bot or asks it to do something (``is_chat``).
    chat: bool = False
    # The terms of each name of several words the question writes ("Nikola Tesla").
    names: tuple[tuple[str, ...], ...] = ()
    # Its neighbouring terms, in order, but for those inside a name (scored whole).
    pairs: tuple[tuple[str, str], ...] = ()


_TAKE = frozenset("take takes took taken taking".split())
# Verbs that say only that something happened, as "take place" does: "when did the vote
# happen?" asks when the vote was.
_HAPPEN = frozenset("happen happens happened happening occur occurs occurred occurring".split())


def _takes_place(word: str, following: str) -> bool:
    """Whether two words are "take place", which says that something happened, not where:
    "where did the fair take place?" asks where the fair was, not about any place."""
    return word in _TAKE and following == "place"


# Whether to answer is judged on at most this many of a question's terms, its weightiest:
# a question of ordinary length (SQuAD's median is 5 terms, and 94% of its questions
# have at most 8) is judged whole, while a long one (a quiz item's preamble, a
# pasted paragraph) states background that the passage answering it need not repeat.
JUDGED_TERMS = 8


def check_question(question: str, limit: int) -> None:
    """Raise QuestionTooLong for a question (less its surrounding space and any HTML
    markup, ``plain_text``) over ``limit``."""
    length = len(plain_text(question).strip())
    if length > limit:
        raise QuestionTooLong(length, limit)


def judged_share(weights: Mapping[str, float]) -> float:
    """The share of a question's weight that its ``JUDGED_TERMS`` weightiest terms hold."""
    ordered = sorted(weights.values(), reverse=True)
    total = sum(ordered)
    return sum(ordered[:JUDGED_TERMS]) / total if total else 1.0


def coverage_weight(df: int, n: int) -> float:
    """A non-negative idf: how much finding this term says about a passage."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def analyze_query(
    text: str,
    analyzer: Analyzer,
    scorer: BM25Scorer,
    fuzzy: bool = True,
    surfaces: Collection[str] = (),
    longest_word: int = MAX_CORRECTED_LENGTH,
) -> Query:
    """The terms of a question, with unknown words corrected to a near index term.

    A name the question capitalises that the corpus never writes, but whose
    stem it has ("France" and "Frances" both stem to "franc"), is unknown:
    stemming names conflates people and places.
    """
    terms: list[str] = []
    corrected: dict[str, str] = {}
    proper: set[str] = set()
    matches = list(WORD.finditer(text))
    words = [m.group() for m in matches]
    said = [w for w in words if not (len(w) <= MAX_CORRECTED_LENGTH and is_letter_run(w))]
    names: list[tuple[str, ...]] = []
    name: list[str] = []
    for position, word in enumerate(words):
        if not _continues_name(text, matches, position):
            _end_name(name, names)
        plain = normalize(word)
        following = normalize(words[position + 1]) if position + 1 < len(words) else ""
        if plain in QUESTION_FRAME or (plain in REQUEST_VERBS and following in REQUEST_OBJECTS):
            continue
        if plain == "going" and following == "to":  # the future tense, not a movement
            continue
        before = normalize(words[position - 1]) if position else ""
        if _takes_place(plain, following) or _takes_place(before, plain) or plain in _HAPPEN:
            continue
        if plain in KIND_WORDS and following == "of" and before in ("what", "which"):
            continue  # "what kind of city": the question's frame, not its subject
        if len(word) <= MAX_CORRECTED_LENGTH and is_letter_run(word):
            continue
        term = analyzer.term(word)
        if term is None:
            continue
        if not scorer.has_term(term) and fuzzy:
            fixed = correct(word, analyzer, scorer, longest_word + 1)
            if fixed == "":
                continue
            if fixed is not None:
                corrected[word] = fixed
                term = fixed
        capitalised = position > 0 and word[:1].isupper() and word != "I"
        if (
            capitalised
            and surfaces
            and analyzer.surface(word) not in surfaces
            and analyzer.stemming_changes(word)
        ):
            term = f"={analyzer.surface(word)}"
        terms.append(term)
        if capitalised:
            proper.add(term)
            name.append(term)
    _end_name(name, names)
    n = scorer.size
    # A word no passage has counts as the rarest known word: in a small corpus
    # it is as often a paraphrase as a sign that the question is off-topic.
    weights = {t: coverage_weight(max(scorer.df(t), 1), n) for t in dict.fromkeys(terms)}
    unknown = tuple(t for t in weights if not scorer.has_term(t))
    lone = said[0] if said and len({normalize(w) for w in said}) == 1 else None
    return Query(
        text,
        tuple(terms),
        weights,
        unknown,
        corrected,
        frozenset(proper),
        lone,
        is_chat(text),
        tuple(names),
        _pairs(terms, names),
    )


def _pairs(terms: Sequence[str], names: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    inside = {pair for name in names for pair in pairwise(name)}
    return tuple((a, b) for a, b in pairwise(terms) if a != b and (a, b) not in inside)


def _continues_name(text: str, words: Sequence[re.Match[str]], position: int) -> bool:
    """Whether a word is capitalised and follows a capitalised word with only a space between."""
    if position < 2:
        return False  # The first word is capitalised as the question's start.
    word, before = words[position], words[position - 1]
    return (
        word.group()[:1].isupper()
        and before.group()[:1].isupper()
        and word.group() != "I"
        and text[before.end() : word.start()].isspace()
    )


def _end_name(name: list[str], names: list[tuple[str, ...]]) -> None:
    """Keep the name read so far if it has several terms, and start the next."""
    distinct = tuple(dict.fromkeys(name))
    if len(distinct) > 1:
        names.append(distinct)
    name.clear()


def is_letter_run(word: str) -> bool:
    """Whether a word repeats a letter or a syllable as no spelt word does.

    "hmmmm", "zzz" and "soooo" hold a letter run; "lolol", "hahahaha" and
    "sdfsdfsdf" are one syllable said over and over.
    """
    if _LONG_RUN.search(word) or _repeats_a_syllable(word):
        return True
    return not word.isupper() and _LETTER_RUN.search(word) is not None


def _repeats_a_syllable(word: str) -> bool:
    plain = word.casefold()
    if not plain.isalpha():
        return False
    return any(
        len(plain) >= _SYLLABLE_REPEATS * size
        and all(plain[at] == plain[at % size] for at in range(size, len(plain)))
        for size in _SYLLABLES
    )


def answerable(query: Query, scorer: BM25Scorer) -> bool:
    """Whether the question names something a passage could be found by.

    Not when its only terms are single characters (a letter names nothing), nor
    when every word the articles hold was reached by spelling correction while
    other words are not in the articles at all: then the corrections are
    guesses at gibberish ("blorptastic frumbles"), not typos in a question.
    Nor when it is about its asker or the bot ("how do I reset my password",
    "what is your favorite color"): news articles report on others.
    """
    if query.chat or all(len(term.lstrip("=")) < 2 for term in query.terms):
        return False
    guessed = set(query.corrected.values())
    typed = [t for t in query.weights if scorer.has_term(t) and t not in guessed]
    return bool(typed) or not query.unknown


def searches_a_name(query: Query) -> bool:
    """Whether a message of one word can be a search: only for a name, written as one.

    One word alone is no question. "Ukraine" or "Mammoliti" asks for passages
    about a name; "huh", "ok ok ok" or "test" is chat, whatever passages happen
    to hold the word.
    """
    return query.lone_word is None or query.lone_word[:1].isupper()


def written_as_name(text: str, term: str, analyzer: Analyzer) -> bool:
    """Whether ``text`` writes a word of ``term`` capitalised where a sentence doesn't start."""
    folded = fold(text)
    for match in WORD.finditer(folded):
        word = match.group()
        if not word[:1].isupper() or analyzer.term(word) != term:
            continue
        before = folded[: match.start()].rstrip(_OPENING)
        if before and before[-1] not in _SENTENCE_END:
            return True
    return False


def correct(
    word: str, analyzer: Analyzer, scorer: BM25Scorer, max_length: int = MAX_CORRECTED_LENGTH
) -> str | None:
    """The most frequent index term one edit away from ``word``.

    Returns "" when the nearest word is a stopword ("wich" for "which"), and
    None when nothing is near enough. Short words are left alone, and
    four-letter ones only become stopwords: one edit turns too many of them
    into other real words ("rain" into "ran"). Words of more than
    ``max_length`` letters (and never more than MAX_CORRECTED_LENGTH) are left
    alone too, so the work is bounded whatever the question holds.
    """
    plain = normalize(word).replace("'", "")
    if not 4 <= len(plain) <= min(max_length, MAX_CORRECTED_LENGTH) or not plain.isalpha():
        return None
    best: tuple[int, str] | None = None
    stopword = False
    candidates = list(_edits(plain))
    if plain.isascii():
        terms = analyzer.letter_terms(candidates)
    else:
        terms = [analyzer.term(c) for c in candidates]
    for candidate, term in zip(candidates, terms, strict=True):
        if term is None:
            stopword = stopword or candidate in _QUESTION_WORDS
            continue
        df = scorer.df(term)
        # Ties go to the alphabetically first term: set order varies with the hash seed.
        if df and (best is None or (-df, term) < (-best[0], best[1])):
            best = (df, term)
    # Function words are what questions misspell most ("wich", "waht"), so a
    # stopword one edit away wins over a rare index term.
    if stopword:
        return ""
    return best[1] if best is not None and len(plain) >= MIN_CORRECTED_LENGTH else None


def _edits(word: str) -> set[str]:
    """Words one edit away, keeping the first letter (people rarely mistype it)."""
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}
