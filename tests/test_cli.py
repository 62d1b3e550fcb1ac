"""The storybot command end to end: output, JSON shape, exit codes, clean errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.cli import main


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_prints_excerpts_and_sources(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["ask", "Who urged Ford to take a pause?", "--config", str(config_file)], capsys
    )
    assert code == 0 and err == ""
    assert out.startswith("1. ") and "Kelly" in out and "2013-11-06" in out


def test_ask_json_shape(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["ask", "Who is Ford's driver?", "--json", "--top-k", "2", "--config", str(config_file)],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "Who is Ford's driver?"
    assert 1 <= len(data["results"]) <= 2
    for result in data["results"]:
        assert set(result) == {"excerpt", "score", "sources"}
        assert isinstance(result["excerpt"], str) and isinstance(result["score"], float)
        for source in result["sources"]:
            assert set(source) == {"id", "title", "source", "url", "published", "label"}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_no_answer(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["ask", "What is the capital of France?", "--json", "--config", str(config_file)], capsys
    )
    assert code == 0 and json.loads(out) == {
        "query": "What is the capital of France?",
        "results": [],
    }


def test_ask_json_chat(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["ask", "how are you today", "--json", "--config", str(config_file)], capsys)
    assert code == 0 and json.loads(out) == {
        "query": "how are you today",
        "chat": True,
        "results": [],
    }


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("do you like music", "I only answer questions about what the articles report."),
        ("What is the capital of France?", "I found nothing about that in the articles."),
    ],
)
def test_ask_says_why_there_is_no_answer(
    config_file: Path, capsys: pytest.CaptureFixture[str], message: str, says: str
) -> None:
    code, out, _ = run(["ask", message, "--config", str(config_file)], capsys)
    assert code == 0 and out.strip() == says


def test_ask_no_answer_readable(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["ask", "Give me a recipe for pancakes", "--config", str(config_file)], capsys
    )
    assert code == 0 and "nothing about that in the articles" in out


def test_ask_stdin_one_json_line_per_question(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = (
        "Who urged Ford to take a pause?\n\nWhat is the capital of France?\nWho is Ford's driver?\n"
    )
    code, out, _ = run(
        ["ask", "--json", "-", "--config", str(config_file)], capsys, questions, monkeypatch
    )
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [line["query"] for line in lines] == [q for q in questions.split("\n")[:4]]
    assert [bool(line["results"]) for line in lines] == [True, False, False, True]


def test_sources(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["sources", "--config", str(config_file)], capsys)
    assert code == 0
    assert out.count("2013-11-06") == 3 and out.rstrip().endswith("passages")
    code, out, _ = run(["sources", "--json", "--config", str(config_file)], capsys)
    assert [row["id"][:3] for row in json.loads(out)] == ["000", "001", "002"]


def test_eval_prints_metrics_and_misses(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {q: "Who urged Ford to take a pause?", a: ["Kelly"], kind: fact}\n'
        '- {q: "Who is Ford\'s driver?", a: ["no such answer"], kind: para}\n'
        '- {q: "Give me a recipe for pancakes", a: [], kind: out}\n',
        encoding="utf-8",
    )
    code, out, _ = run(["eval", str(questions), "--verbose", "--config", str(config_file)], capsys)
    assert code == 0
    assert "hit@1: 0.500" in out and "hit@3: 0.500" in out and "MRR@10: 0.500" in out
    assert "in-scope answered: 1.000" in out and "out-of-scope left unanswered: 1.000" in out
    assert "  fact  n=1" in out and "  out   n=1" in out
    assert "MISS [para] Who is Ford's driver?" in out and "MISS [fact]" not in out


def test_chat_prints_what_the_bot_would_post(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.answering.render import build_reply, reply_text
    from retrieval.retriever import Retriever
    from retrieval.settings import load_settings

    code, out, _ = run(
        ["chat", "--config", str(config_file)],
        capsys,
        "Who urged Ford to take a pause?\n",
        monkeypatch,
    )
    expected = reply_text(
        build_reply(
            Retriever.from_settings(load_settings(config_file)).ask(
                "Who urged Ford to take a pause?"
            )
        )
    )
    assert code == 0 and out.strip() == expected.strip()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "the question is empty"),
        (["ask", "hi", "--config", "/nonexistent/storybot.yaml"], "config file not found"),
        (["ask", "hi", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
        (["eval", "/nonexistent/q.yaml"], "file not found"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*argv, "--index", str(tmp_path / "i")], capsys)
    assert code == 1 and out == ""
    assert err.startswith("storybot: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_empty_corpus_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(
        ["ask", "hi", "--corpus", str(empty), "--index", str(tmp_path / "i")], capsys
    )
    assert code == 1 and "no readable article" in err


def test_bad_top_k_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "hi", "--top-k", "0"])
    assert info.value.code == 2
    assert "must be between 1 and 25" in capsys.readouterr().err


def test_console_script_runs_in_a_fresh_process(config_file: Path) -> None:
    env = {**os.environ, "STORYBOT_CONFIG": str(config_file)}
    done = subprocess.run(
        [sys.executable, "-m", "retrieval.cli", "ask", "Who is Ford's driver?", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Lisi" in json.loads(done.stdout)["results"][0]["excerpt"]
