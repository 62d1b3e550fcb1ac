"""One cap on question length, `retrieval.max_question_chars`, for every way of asking.

The library refuses a question over it with QuestionTooLong; the bot, `ask`,
`ask -` (line by line) and `chat` all refuse with that error's one message.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest

from bot.guards import question_problem
from retrieval import QuestionTooLong
from retrieval.answering.search import search
from retrieval.cli import main
from retrieval.errors import ConfigError
from retrieval.retriever import Retriever
from retrieval.settings import load_settings

CAP = 300
ANSWERED = "Who urged Ford to take a pause?"
TOO_LONG = "Who urged Ford " + "to take a pause and " * 20 + "step aside?"


def message(question: str, cap: int = CAP) -> str:
    return (
        f"That question is {len(question):,} characters long; please keep it to {cap:,} or fewer."
    )


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cap_is_one_library_setting_with_the_bots_old_default(tmp_path: Path) -> None:
    config = tmp_path / "storybot.yaml"
    config.write_text("retrieval:\n  max_question_chars: 120\n", encoding="utf-8")
    assert load_settings(config).retrieval.max_question_chars == 120
    config.write_text("", encoding="utf-8")
    assert load_settings(config).retrieval.max_question_chars == CAP
    assert load_settings().retrieval.max_question_chars == CAP  # the project's config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "retrieval:\n  max_question_chars: 9\n",
            "'retrieval.max_question_chars' must be at least",
        ),
        ("retrieval:\n  max_question_chars: 2001\n", "'retrieval.max_question_chars' must be"),
        ("retrieval:\n  max_question_chars: many\n", "'retrieval.max_question_chars' must be an"),
        (
            "bot:\n  max_question_chars: 200\n",
            "'bot.max_question_chars' is now 'retrieval.max_question_chars'",
        ),
    ],
)
def test_a_bad_cap_or_the_old_key_is_an_error_naming_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "storybot.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as raised:
        load_settings(config)
    assert str(config) in str(raised.value)


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("x" * CAP, False),
        (f"  {'x' * CAP}\n", False),  # the space around a question is not counted
        ("x" * (CAP + 1), True),
        (TOO_LONG, True),
        ("why " * 2_000, True),
    ],
    ids=["at-the-cap", "spaces-around", "one-over", "long-question", "2000-words"],
)
def test_the_library_refuses_a_question_over_the_cap(
    seed_retriever: Retriever, question: str, refused: bool
) -> None:
    if not refused:
        seed_retriever.ask(question)
        return
    with pytest.raises(QuestionTooLong) as raised:
        seed_retriever.ask(question)
    length = len(question.strip())
    assert (raised.value.length, raised.value.limit) == (length, CAP)
    assert str(raised.value) == message(question.strip())


def test_search_itself_applies_the_cap_it_is_given(seed_retriever: Retriever) -> None:
    options = dataclasses.replace(seed_retriever.options, max_question_chars=20)
    with pytest.raises(QuestionTooLong):
        search(seed_retriever.index, ANSWERED, options)
    assert search(seed_retriever.index, "Who is Norm Kelly?", options).found


def test_ask_refuses_a_long_question_with_one_line(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["ask", TOO_LONG, "--config", str(config_file)], capsys, monkeypatch)
    assert (code, out) == (1, "")
    assert err == f"storybot: error: {message(TOO_LONG)}\n"


@pytest.mark.parametrize("as_json", [False, True])
def test_ask_stdin_refuses_only_the_long_line(
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    as_json: bool,
) -> None:
    lines = f"{ANSWERED}\n{TOO_LONG}\n{ANSWERED}\n"
    argv = ["ask", "-", "--config", str(config_file), *(["--json"] if as_json else [])]
    code, out, err = run(argv, capsys, monkeypatch, lines)
    assert code == 1
    assert err == f"storybot: error: line 2: {message(TOO_LONG)}\n"
    if as_json:
        objects = [json.loads(line) for line in out.splitlines()]
        assert [bool(o["results"]) for o in objects] == [True, False, True]
        assert [o.get("error") for o in objects] == [None, message(TOO_LONG), None]
    else:
        assert (
            out.count(f"Q: {ANSWERED}") == 2 and "Q: Who urged Ford to take a pause and" not in out
        )
        assert "Norm Kelly" in out


def test_eval_names_the_file_of_a_question_over_the_cap(
    config_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        f'- {{q: "{ANSWERED}", a: [Kelly], kind: fact}}\n- {{q: "{TOO_LONG}", a: [], kind: out}}\n',
        encoding="utf-8",
    )
    code, out, err = run(
        ["eval", str(questions), "--config", str(config_file)], capsys, monkeypatch
    )
    assert (code, out) == (1, "")
    assert err.startswith(f"storybot: error: {questions}: question 'Who urged Ford")
    assert err.endswith(f": {message(TOO_LONG)}\n") and err.count("\n") == 1


def test_chat_posts_the_bots_refusal_and_goes_on(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(
        ["chat", "--config", str(config_file)], capsys, monkeypatch, f"{TOO_LONG}\n{ANSWERED}\n"
    )
    refusal, answer = out.split("\n\n", 1)
    assert code == 0 and err == ""
    assert refusal == question_problem(TOO_LONG, CAP) == message(TOO_LONG)
    assert "Norm Kelly" in answer


@pytest.mark.parametrize("cap", [10, CAP, 2000])
def test_the_bot_refuses_with_the_librarys_message(cap: int) -> None:
    question = "w" * (cap + 1)
    assert question_problem(question, cap) == message(question, cap)
    assert question_problem("w" * cap, cap) is None


def test_markup_pasted_with_a_question_is_neither_counted_nor_searched(
    seed_retriever: Retriever,
) -> None:
    link = '<a data-analytics-id="inline-link" href="https://example.com/tag/{0}">{1}</a>'
    pasted = (
        f"Who urged {link.format('rob-ford', 'Ford')} to take a {link.format('leave', 'pause')}?"
    )
    assert len(pasted) > CAP // 2
    options = dataclasses.replace(seed_retriever.options, max_question_chars=len(ANSWERED))
    marked = search(seed_retriever.index, pasted, options)
    assert marked.found
    assert marked.results == search(seed_retriever.index, ANSWERED, options).results
    assert marked.query == pasted
