"""The analyzer: one table of words and the terms they must become."""

from __future__ import annotations

import pytest

from retrieval.text.analysis import Analyzer, normalize

ANALYZER = Analyzer()


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Ford's", ["ford"]),
        ("Ford’s ability", ["ford", "abil"]),
        ("FORD ford Ford", ["ford", "ford", "ford"]),
        ("the mayor and the council", ["mayor", "council"]),
        ("councillor", ["councilor"]),
        ("councilor", ["councilor"]),
        ("Nunziatta Nunziata", ["nunziata", "nunziata"]),
        # One letter repeated is an acronym, not a letter doubled by mistake.
        ("PPP loans", ["ppp", "loan"]),
        ("colour color", ["color", "color"]),
        ("admitted admitting admits", ["admit", "admit", "admit"]),
        ("said says", ["say", "say"]),
        ("told tells", ["tel", "tel"]),
        ("lost", ["lose"]),
        ("Jan.7, 2013", ["januari", "7", "2013"]),
        ("Nov. 5", ["novemb", "5"]),
        ("“drunken stupor”", ["drunken", "stupor"]),
        ("Café CAFÉ", ["cafe", "cafe"]),
        ("didn't", []),
        ("ﬁre", ["fire"]),
        ("Minnan-Wong", ["minan", "wong"]),
        ("Montréal MONTREAL", ["montreal", "montreal"]),
        ("", []),
        ("!!! ... ---", []),
    ],
)
def test_terms(text: str, terms: list[str]) -> None:
    assert ANALYZER.terms(text) == terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Quoted” ‘single’", "\"quoted\" 'single'"),
        ("en–dash em—dash", "en-dash em-dash"),
        ("ＦＵＬＬ width", "full width"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_token_spans_point_at_the_words() -> None:
    text = "Mayor Rob Ford’s office"
    for token in ANALYZER.tokens(text):
        assert ANALYZER.term(text[token.start : token.end]) == token.term


def test_without_stemming_or_stopwords() -> None:
    plain = Analyzer(stemmer=None, stopwords=False)
    assert plain.terms("The councillors admitted") == ["the", "councillors", "admitted"]


def test_unknown_stemmer_is_a_config_error() -> None:
    from retrieval.errors import ConfigError

    with pytest.raises(ConfigError, match="klingon"):
        Analyzer(stemmer="klingon")
