"""An excerpt's context: found by a reference that outlives index positions."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from retrieval import Article, PassageGone, PassageRef, Retriever
from retrieval.cli import main
from retrieval.settings import Settings, load_settings
from retrieval.storage.neighbours import TOKEN_CHARS, text_checksum

HARBOUR = """---
title: Harbour works
---
The port authority met on Monday.

Engineers said the old breakwater would need a new concrete cap.

The lighthouse keeper Mara Quill asked for a new lamp before winter.

Work starts in March, the authority said.

The fishing fleet will move to the east quay meanwhile.
"""
RAILWAY = "The railway station reopened after the floods.\n\nTrains run hourly again.\n"


def make(tmp_path: Path, files: dict[str, str]) -> tuple[Settings, Retriever]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return settings, Retriever.from_settings(settings)


def first_ref(retriever: Retriever, question: str) -> PassageRef:
    answer = retriever.ask(question)
    assert answer.found
    ref = answer.results[0].ref
    assert ref is not None
    return ref


def test_context_is_the_paragraph_with_the_one_before_and_after(tmp_path: Path) -> None:
    _, retriever = make(tmp_path, {"harbour.md": HARBOUR, "railway.txt": RAILWAY})
    ref = first_ref(retriever, "Who asked for a new lamp?")
    context = retriever.context(ref)
    assert context.paragraphs == (
        "Engineers said the old breakwater would need a new concrete cap.",
        "The lighthouse keeper Mara Quill asked for a new lamp before winter.",
        "Work starts in March, the authority said.",
    )
    assert context.at == 1 and context.paragraph == context.paragraphs[1]
    assert context.paragraph[slice(*context.focus)] == context.paragraph
    assert context.earlier and context.later
    assert context.source.title == "Harbour works" and context.source.id == ref.article_id


@pytest.mark.parametrize(
    ("question", "paragraphs", "at", "earlier", "later"),
    [
        ("When did the port authority meet?", 2, 0, False, True),
        ("Where will the fishing fleet move?", 2, 1, True, False),
        ("When do trains run again?", 2, 1, False, False),
    ],
)
def test_an_excerpt_at_either_end_has_one_neighbour(
    tmp_path: Path, question: str, paragraphs: int, at: int, earlier: bool, later: bool
) -> None:
    _, retriever = make(tmp_path, {"harbour.md": HARBOUR, "railway.txt": RAILWAY})
    context = retriever.context(first_ref(retriever, question))
    assert (len(context.paragraphs), context.at) == (paragraphs, at)
    assert (context.earlier, context.later) == (earlier, later)


def test_a_reference_survives_removals_adds_and_a_new_process(tmp_path: Path) -> None:
    settings, retriever = make(tmp_path, {"a_railway.txt": RAILWAY, "b_harbour.md": HARBOUR})
    ref = first_ref(retriever, "Who asked for a new lamp?")
    before = retriever.context(ref)
    was = retriever.index.passages_of(ref.article_id)
    retriever.remove("a_railway")
    retriever.add([Article(id="weather", text="Snow fell on the quay.\n\nThe lamp was lit.")])
    assert retriever.context(ref) == before
    # Rebuilt in another process with an article before it, it sits elsewhere in the index.
    (settings.corpus / "0_intro.txt").write_text(RAILWAY + "\nMore.\n", encoding="utf-8")
    shutil.rmtree(settings.index)
    reopened = Retriever.from_settings(settings)
    assert reopened.index.passages_of(ref.article_id) != was
    assert reopened.context(PassageRef.parse(ref.token()) or ref) == before


def test_a_removed_article_is_told_not_shown(tmp_path: Path) -> None:
    settings, retriever = make(tmp_path, {"harbour.md": HARBOUR, "railway.txt": RAILWAY})
    ref = first_ref(retriever, "Who asked for a new lamp?")
    Retriever.from_settings(settings).remove(ref.article_id)  # another process
    with pytest.raises(PassageGone, match="that article was removed"):
        retriever.context(ref)


def test_an_article_replaced_under_the_same_id_is_told_not_shown(tmp_path: Path) -> None:
    _, retriever = make(tmp_path, {"harbour.md": HARBOUR, "railway.txt": RAILWAY})
    ref = first_ref(retriever, "Who asked for a new lamp?")
    retriever.remove(ref.article_id)
    retriever.add([Article(id=ref.article_id, text="A shorter story.\n\nAbout something else.")])
    with pytest.raises(PassageGone, match="changed since"):
        retriever.context(ref)


def test_a_long_id_is_carried_as_a_digest_and_still_found(tmp_path: Path) -> None:
    long_id = "a" * 120
    _, retriever = make(tmp_path, {"railway.txt": RAILWAY})
    retriever.add([Article(id=long_id, text=HARBOUR.split("---\n", 2)[2])])
    ref = first_ref(retriever, "Who asked for a new lamp?")
    assert ref.article_id == long_id
    token = ref.token()
    assert len(token) <= TOKEN_CHARS and long_id not in token
    parsed = PassageRef.parse(token)
    assert parsed is not None and parsed.article_id != long_id
    assert retriever.context(parsed) == retriever.context(ref)


def test_tokens_round_trip() -> None:
    ref = PassageRef("000_seed.story-1", 12, 345, text_checksum("text"))
    assert PassageRef.parse(ref.token()) == ref
    assert len(PassageRef("x" * 48, 9_999_999, 9_999_999 + 1, "0" * 8).token()) <= TOKEN_CHARS


@pytest.mark.parametrize(
    "token",
    [
        "",
        "12:10:0123abcd:story",  # ends before it starts
        "1:2:0123abcd:",  # no id
        "1:2:0123ABCD:story",  # not a checksum
        "1:2:0123abcd:../etc/passwd",
        "1:2:0123abcd:" + "x" * 49,  # a long id comes as a digest
        "1:2:0123abcd:~abc",  # a short digest
        "-1:2:0123abcd:story",
        "1:2:0123abcd:story\n",
    ],
)
def test_a_malformed_token_is_no_reference(token: str) -> None:
    assert PassageRef.parse(token) is None


def test_a_reference_past_the_text_is_told_not_shown(tmp_path: Path) -> None:
    _, retriever = make(tmp_path, {"railway.txt": RAILWAY})
    ref = first_ref(retriever, "When do trains run again?")
    beyond = dataclasses.replace(ref, start=len(RAILWAY) + 10, end=len(RAILWAY) + 20)
    with pytest.raises(PassageGone):
        retriever.context(beyond)


def test_ask_context_prints_each_excerpts_paragraphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _ = make(tmp_path, {"harbour.md": HARBOUR})
    config = tmp_path / "storybot.yaml"
    # Excerpts short enough that the paragraphs around one are context, not excerpt.
    config.write_text(
        f"corpus: {settings.corpus}\nindex: {settings.index}\n"
        "excerpts:\n  target_chars: 80\n  max_chars: 100\n",
        encoding="utf-8",
    )
    question = "Who asked for a new lamp?"
    assert main(["ask", question, "--context", "--top-k", "1", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out == (
        "1. The lighthouse keeper Mara Quill asked for a new lamp before winter.\n"
        "   — Harbour works · harbour\n"
        "   context:\n"
        "     …\n"
        "     Engineers said the old breakwater would need a new concrete cap.\n"
        "\n"
        "   > The lighthouse keeper Mara Quill asked for a new lamp before winter.\n"
        "\n"
        "     Work starts in March, the authority said.\n"
        "     …\n"
        "\n"
    )
    assert main(["ask", question, "--context", "--json", "--config", str(config)]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all(set(r) == {"excerpt", "score", "sources", "context"} for r in results)
    context = results[0]["context"]
    assert context["paragraphs"][context["at"]] == results[0]["excerpt"]
    assert context["source"]["id"] == "harbour" and context["earlier"] and context["later"]
