"""Analysis: the one tokenizer that turns passages and questions into index terms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from retrieval.errors import ConfigError
from retrieval.text.irregular import IRREGULAR
from retrieval.text.stopwords import STOPWORDS

# Quotes, apostrophes and dashes that Unicode normalisation leaves distinct.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u02bc": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip

# A word: letters or digits, possibly joined by inner apostrophes ("don't").
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Month abbreviations as news copy writes them ("Jan.7", "Nov. 5").
_MONTHS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april",
    "jun": "june", "jul": "july", "aug": "august", "sep": "september",
    "sept": "september", "oct": "october", "nov": "november", "dec": "december",
}  # fmt: skip

_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Token:
    """A term and where its word stands in the analysed text."""

    term: str
    start: int
    end: int


def fold(text: str) -> str:
    """Quotes, apostrophes and dashes folded to ASCII; one character for one, so spans hold."""
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """Unicode-normalise (NFKC), fold quotes and dashes, drop accents, and case-fold."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Analyzer:
    """Normalisation, tokenizing, possessives, stopwords and stemming, in that order.

    Terms are also folded so that spelling variants meet: doubled letters are
    collapsed after stemming ("councillor"/"councilor", "Nunziatta"/"Nunziata")
    and British "-our" meets American "-or".
    """

    def __init__(self, stemmer: str | None = "english", stopwords: bool = True) -> None:
        self.stemmer_name = stemmer
        self.use_stopwords = stopwords
        try:
            self._stemmer = Stemmer.Stemmer(stemmer) if stemmer else None
        except KeyError:
            raise ConfigError(f"unknown stemmer language '{stemmer}'") from None
        self._stopwords = STOPWORDS if stopwords else frozenset()
        self._term = lru_cache(maxsize=200_000)(self._term_uncached)
        self._surface = lru_cache(maxsize=200_000)(self.surface)

    def describe(self) -> dict[str, object]:
        """What a saved index must agree on with the analyzer that reads it."""
        return {"stemmer": self.stemmer_name, "stopwords": self.use_stopwords, "version": 1}

    def is_stopword(self, word: str) -> bool:
        return normalize(word).replace("'", "") in self._stopwords

    def terms(self, text: str) -> list[str]:
        """The index terms of a text, in order."""
        return self.word_terms(WORD.findall(text.translate(_FOLD)))

    def word_terms(self, words: Iterable[str]) -> list[str]:
        """The index terms of words already split off a folded text (see ``fold``)."""
        return [t for t in map(self._term, words) if t]

    def tokens(self, text: str) -> list[Token]:
        """Terms with the character span of their word in ``text``."""
        return list(self._iter_tokens(text))

    def _iter_tokens(self, text: str) -> Iterator[Token]:
        # NFKC can change lengths; normalise word by word so spans stay true.
        for match in WORD.finditer(text.translate(_FOLD)):
            term = self._term(match.group())
            if term:
                yield Token(term, match.start(), match.end())

    def term(self, word: str) -> str | None:
        """The index term of one word, or None for a stopword."""
        return self._term(word)

    def surface(self, word: str) -> str:
        """A word as written, normalised and without possessive: "Frances's" -> "frances"."""
        word = normalize(word)
        if word.endswith("'s"):
            word = word[:-2]
        return word.replace("'", "")

    def stemming_changes(self, word: str) -> bool:
        """Whether the stemmer cuts this word ("france" -> "franc"), not just its spelling."""
        surface = self.surface(word)
        return self._stemmer is not None and self._stemmer.stemWord(surface) != surface

    def surfaces(self, text: str) -> set[str]:
        """The distinct written forms of the words of a text."""
        return self.word_surfaces(WORD.findall(text.translate(_FOLD)))

    def word_surfaces(self, words: Iterable[str]) -> set[str]:
        """The distinct written forms of words already split off a folded text."""
        return set(map(self._surface, set(words)))

    def letter_terms(self, words: Sequence[str]) -> list[str | None]:
        """``term`` of each of many words of lowercase ASCII letters, stemmed in one call.

        Spelling correction looks up hundreds of such words per question word:
        one call to the stemmer, and no cache to fill with misspellings.
        """
        if not all(w.isascii() and w.isalpha() and w.islower() for w in words):
            raise ValueError("letter_terms takes words of lowercase ASCII letters only")
        mapped = [
            None if w in self._stopwords else _MONTHS.get(w) or IRREGULAR.get(w, w) for w in words
        ]
        if self._stemmer is None:
            return mapped
        stems = iter(self._stemmer.stemWords([w for w in mapped if w is not None]))
        return [None if w is None else _fold_stem(next(stems)) for w in mapped]

    def _term_uncached(self, word: str) -> str | None:
        word = self.surface(word)
        if not word or word in self._stopwords:
            return None
        word = _MONTHS.get(word) or IRREGULAR.get(word, word)
        if self._stemmer is not None and not word.isdigit():
            word = _fold_stem(self._stemmer.stemWord(word))
        return word


def _fold_stem(stem: str) -> str:
    """British "-our" as American "-or", and doubled letters as one.

    A word of one letter repeated ("PPP", "AAA") is an acronym, not a spelling variant of
    a letter: it keeps its letters.
    """
    if len(stem) > 5 and stem.endswith("our"):
        stem = stem[:-3] + "or"
    if stem.isdigit():
        return stem
    folded = _REPEATS.sub(r"\1", stem)
    return folded if len(folded) > 1 else stem
