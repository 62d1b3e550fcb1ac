"""Sentence boundaries: where a period ends a sentence and where it does not."""

from __future__ import annotations

import pytest

from retrieval.text.sentences import sentence_spans


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("The ferry ran in 1990. The next year it stopped.", 2),
        # A decade or a unit after digits ends a sentence; a lone letter is an initial.
        ("Ferries ran from the early 1960s. The pier was rebuilt.", 2),
        ("Boats of 40 ft. The pier was rebuilt.", 1),
        ("Mara J. Quill kept the light.", 1),
        ("It served the U.S. Navy for years.", 1),
        # "Etc." ends a list; a capital after it opens the next sentence.
        ("It carried coal, salt, timber, etc. The pier was rebuilt.", 2),
        ("It carried coal, salt, etc. and some mail.", 1),
        # Titles and other abbreviations before a name do not end one.
        ("Coun. Ada Quill spoke. Dr. Reed agreed.", 2),
        ("He was No. 1 on the list.", 1),
        # A period inside brackets the sentence opened and closes ends none.
        ("He read a psalm aloud (Ps. 31:5). The bell rang.", 2),
        ("The ferry (see Fig. 4 of the report) ran late.", 1),
        # Brackets that hold whole sentences, or are never closed, do not hold it open.
        ("The pier closed. (It had rotted. Nobody came.) The ferry stopped.", 4),
        ("A stray ( mark. The pier was rebuilt.", 2),
    ],
)
def test_where_sentences_end(text: str, sentences: int) -> None:
    spans = sentence_spans(text)
    assert len(spans) == sentences
    assert " ".join(text[s:e] for s, e in spans) == text
