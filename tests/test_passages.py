"""Passages and speakers: quotes stay with whoever says them."""

from __future__ import annotations

import pytest

from retrieval.text.article import Article
from retrieval.text.passages import MAX_PASSAGE_CHARS, split_article
from retrieval.text.speakers import full_names, named_speaker, needs_speaker


def article(*paragraphs: str) -> Article:
    return Article(id="a", text="\n\n".join(paragraphs))


def texts(a: Article) -> list[str]:
    return [p.text(a.text) for p in split_article(a)]


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ("“We are fine,” Kelly said.", "Kelly"),
        ('"We are fine," said Deputy Mayor Norm Kelly.', "Norm Kelly"),
        ("Coun. Giorgio Mammoliti also urged the mayor to step aside.", "Giorgio Mammoliti"),
        (
            "Nelson Wiseman, a professor at the University of Toronto, said it was slim.",
            "Nelson Wiseman",
        ),
        ('"It will be good." -- Ford following the approval', "Ford"),
        ("“Obviously,” said Municipal Affairs Minister Linda Jeffrey.", "Linda Jeffrey"),
        ("Police said they obtained the video.", None),
        ("The mayor later blew a kiss.", None),
    ],
)
def test_named_speaker(paragraph: str, speaker: str | None) -> None:
    found = named_speaker(paragraph)
    assert (found.name if found else None) == speaker


@pytest.mark.parametrize(
    ("paragraph", "needs"),
    [
        ("“I think Torontonians would forgive him.”", True),
        ('"We are becoming a joke," she told CTV.', True),
        ("He said the chances are slim.", True),
        ("“We are fine,” Kelly said.", False),
        ("The council met on Tuesday.", False),
    ],
)
def test_needs_speaker(paragraph: str, needs: bool) -> None:
    assert needs_speaker(paragraph) is needs


def test_run_on_quote_joins_the_paragraph_that_names_its_speaker() -> None:
    a = article(
        "The council met.",
        "“I believe he should step aside,” Mammoliti told CTV News Channel.",
        "“I think Torontonians would forgive him.”",
        "Another story starts here.",
    )
    passages = split_article(a)
    assert texts(a) == [
        "The council met.",
        "“I believe he should step aside,” Mammoliti told CTV News Channel.\n\n"
        "“I think Torontonians would forgive him.”",
        "Another story starts here.",
    ]
    assert passages[1].speaker == "Mammoliti"


def test_long_run_on_quote_keeps_its_speaker_as_context() -> None:
    long_quote = "“" + "Words of the quote go on. " * 25 + "”"
    a = article(
        "Coun. Janet Davis told reporters it was bad.",
        "Davis said she had stayed quiet.",
        long_quote,
    )
    passages = split_article(a)
    last = passages[-1]
    assert last.speaker == "Janet Davis"
    assert "Janet" in last.context(a.text) and "Davis" in last.context(a.text)
    assert last.attribution is not None
    assert a.text[last.attribution[0] : last.attribution[1]] == "Davis said she had stayed quiet."


def test_quote_after_an_unrelated_paragraph_is_not_attributed() -> None:
    a = article("Toronto Mayor Rob Ford leaves his home.", "“That was pure stupidity.”")
    passages = split_article(a)
    assert len(passages) == 2 and passages[1].speaker is None


def test_long_paragraphs_are_cut_at_sentences() -> None:
    sentence = "This sentence is about the mayor and the council of the city. "
    a = article(sentence * 20)
    passages = split_article(a)
    assert len(passages) > 1
    for p in passages:
        assert len(p.text(a.text)) <= MAX_PASSAGE_CHARS
        assert p.text(a.text).endswith(".")


def test_subheading_becomes_context_of_the_next_passage() -> None:
    a = article("First paragraph.", "Ford: 'Nothing left to hide'", "Although Ford promised more.")
    passages = split_article(a)
    assert [p.text(a.text) for p in passages] == [
        "First paragraph.",
        "Although Ford promised more.",
    ]
    assert passages[1].heading == "Ford: 'Nothing left to hide'"


def test_full_names_from_the_article() -> None:
    text = "Coun. Janet Davis spoke. Later Davis said more. Deputy Mayor Norm Kelly agreed."
    assert full_names(text) == {"Davis": "Janet Davis", "Kelly": "Norm Kelly"}


def test_a_signed_quote_is_not_continued_by_the_next_quote() -> None:
    a = article(
        '"Yes, I have smoked crack cocaine." -- Toronto Mayor Rob Ford addresses the media',
        '"With today\'s announcement, I know I embarrassed everyone."',
    )
    passages = split_article(a)
    assert len(passages) == 2
    assert passages[0].speaker == "Rob Ford" and passages[1].speaker is None


def test_he_said_takes_the_person_named_just_before() -> None:
    a = article(
        "Right-leaning Coun. Giorgio Mammoliti stopped short of expressing full confidence.",
        '"There is no need to enter into a state of panic," he wrote in a statement.',
    )
    passages = split_article(a)
    assert len(passages) == 1 and passages[0].speaker == "Giorgio Mammoliti"


def test_a_bare_quote_does_not_take_a_name_that_says_nothing() -> None:
    a = article("Coun. Giorgio Mammoliti stopped short of that.", "“There is no need to panic.”")
    assert [p.speaker for p in split_article(a)] == [None, None]
