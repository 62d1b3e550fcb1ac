"""`storybot chat` keeps a conversation; `storybot eval` asks `after:` questions first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

TAKEN_AS = "*(taken as: What did Norm Kelly ask Ford to do?)*"


def test_chat_reads_a_follow_up_against_the_question_before(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "Who is the deputy mayor?\nWhat did he ask Ford to do?\n"
    code, out, _ = run(["chat", "--config", str(config_file)], capsys, lines, monkeypatch)
    first, second = out.strip().split("\n\n-# ")[:2]
    follow_up = second.split("\n", 1)[1].strip()
    assert code == 0 and "taken as" not in first
    assert follow_up.startswith(TAKEN_AS + "\n> ") and "pause" in follow_up


@pytest.mark.parametrize("command", ["/new", "/reset", "/NEW"])
def test_chat_starts_over_on_a_reset_line(
    command: str,
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = f"Who is the deputy mayor?\n{command}\nWhat did he ask Ford to do?\n"
    code, out, _ = run(["chat", "--config", str(config_file)], capsys, lines, monkeypatch)
    assert code == 0 and "(New conversation: the next question starts afresh.)" in out
    assert "taken as" not in out


def test_eval_asks_a_follow_up_after_its_earlier_questions(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- after: ["Who is the deputy mayor?"]\n'
        '  q: "What did he ask Ford to do?"\n'
        '  a: ["pause"]\n'
        "  kind: pronoun\n"
        '- {q: "Who urged Ford to take a pause?", a: ["Kelly"], kind: fact}\n',
        encoding="utf-8",
    )
    code, out, _ = run(["eval", str(questions), "--json", "--config", str(config_file)], capsys)
    figures = json.loads(out)
    assert code == 0 and figures["kinds"]["pronoun"]["hit@1"] == 1.0
    assert figures["kinds"]["fact"]["hit@1"] == 1.0


@pytest.mark.parametrize(
    ("after", "message"),
    [("after: Who is the deputy mayor?", "'after' must be a list of questions"),
     ("after: [3]", "'after' must be a list of questions"),
     ('after: ["  "]', "'after' must be a list of questions")],
)  # fmt: skip
def test_eval_refuses_a_malformed_after(
    after: str, message: str, config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(f'- q: "What did he ask Ford to do?"\n  a: []\n  {after}\n', "utf-8")
    code, _, err = run(["eval", str(questions), "--config", str(config_file)], capsys)
    assert code == 1 and err.strip() == f"storybot: error: {questions}: question 1: {message}"
