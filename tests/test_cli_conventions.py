"""The conventions of the `storybot` command, each shown by running it as a process."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from retrieval.cli.main import build_parser

COMMANDS = (
    "ask",
    "chat",
    "add",
    "remove",
    "sources",
    "quotes",
    "latest",
    "timeline",
    "eval",
    "check",
    "follow",
    "unfollow",
    "feeds",
    "run",
    "stats",
    "feedback",
)
ROOT = Path(__file__).resolve().parent.parent


def storybot(
    *args: str,
    stdin: str | None = None,
    stdout: int | object = subprocess.PIPE,
    stderr: int | object = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process, as a user runs it (no config from the environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("STORYBOT_CONFIG", "DISCORD_TOKEN")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "retrieval.cli", *args],
        input=stdin,
        stdout=stdout,  # type: ignore[arg-type]
        stderr=stderr,  # type: ignore[arg-type]
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    done = storybot("--version")
    assert done.returncode == 0 and re.fullmatch(r"storybot \S+\n", done.stdout)


def test_bare_command_prints_help_and_succeeds() -> None:
    done = storybot()
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: storybot") and "commands:" in done.stdout
    assert all(name in done.stdout for name in COMMANDS)


@pytest.mark.parametrize("before", [True, False])
def test_global_options_before_or_after_the_command(
    ready: tuple[Path, Path, Path], before: bool
) -> None:
    config = str(ready[0])
    args = ["--config", config, "sources"] if before else ["sources", "--config", config]
    done = storybot(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "3 articles, 120 passages"


def test_options_after_the_command_win_over_those_before(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    done = storybot("--config", str(tmp_path / "absent.yaml"), "sources", "--config", str(ready[0]))
    assert done.returncode == 0, done.stderr


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


def test_every_argument_of_every_command_has_help() -> None:
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(subcommands.choices) == sorted(COMMANDS)
    for name, command in [("storybot", parser), *subcommands.choices.items()]:
        for action in _actions(command):
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_help_ends_with_examples(name: str) -> None:
    done = storybot(name, "--help")
    assert done.returncode == 0
    examples = done.stdout.split("\nexamples:\n")[1].splitlines()
    assert 2 <= len(examples) <= 3
    assert all(line.startswith("  ") and "storybot " in line for line in examples)


@pytest.mark.parametrize(
    ("args", "status", "stream"),
    [
        (["ask", "Who is Ford's driver?"], 0, "stdout"),
        (["ask", "   "], 1, "storybot: error: the question is empty"),
        (["ask", "hi", "--config", "/nonexistent.yaml"], 1, "config file not found"),
        (["remove", "no-such-id"], 1, "storybot: error: no article with id"),
        (["ask", "hi", "--top-k", "0"], 2, "must be between 1 and 25"),
        (["ask"], 2, "the following arguments are required: question"),
        (["frobnicate"], 2, "invalid choice"),
        (["sources", "--no-such-option"], 2, "unrecognized arguments"),
    ],
)
def test_exit_status(
    ready: tuple[Path, Path, Path], args: list[str], status: int, stream: str
) -> None:
    config = [] if "--config" in args else ["--config", str(ready[0])]
    done = storybot(*args, *config)
    assert done.returncode == status, done.stderr
    if status == 0:
        assert done.stdout and done.stderr == ""
    else:
        assert stream in done.stderr and "Traceback" not in done.stderr
    if status == 1:
        assert done.stderr.count("\n") == 1


def test_sources_json_on_an_empty_corpus_is_an_empty_list(tmp_path: Path) -> None:
    empty = tmp_path / "corpus"
    empty.mkdir()
    folders = ["--corpus", str(empty), "--index", str(tmp_path / "index")]
    done = storybot("sources", "--json", *folders)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    done = storybot("sources", *folders)
    assert done.returncode == 0 and done.stdout == "0 articles, 0 passages\n"


def test_add_and_remove_as_json(ready: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config = str(ready[0])
    article = tmp_path / "ferry.md"
    article.write_text("---\nid: ferry\ntitle: Ferry\n---\nThe ferry sank in calm water.\n")
    done = storybot("add", str(article), str(tmp_path / "absent.txt"), "--json", "--config", config)
    assert done.returncode == 1  # one input was refused
    report = json.loads(done.stdout)
    assert [a["id"] for a in report["added"]] == ["ferry"]
    assert report["added"][0]["passages"] == 1 and report["added"][0]["title"] == "Ferry"
    assert len(report["refused"]) == 1 and "absent.txt" in report["refused"][0]
    assert report["passages"] == 1 and isinstance(report["seconds"], float)
    assert "absent.txt" in done.stderr

    done = storybot("remove", "ferry", "--json", "--config", config)
    assert done.returncode == 0, done.stderr
    removed = json.loads(done.stdout)["removed"]
    assert (removed["id"], removed["title"], removed["passages"]) == ("ferry", "Ferry", 1)
    assert removed["file"].endswith("_ferry.md")


def test_eval_as_json(ready: tuple[Path, Path, Path], tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {q: "Who urged Ford to take a pause?", a: ["Kelly"], kind: fact}\n'
        '- {q: "Who is Ford\'s driver?", a: ["no such answer"], kind: para}\n'
        '- {q: "Give me a recipe for pancakes", a: [], kind: out}\n',
        encoding="utf-8",
    )
    done = storybot("eval", str(questions), "--json", "--config", str(ready[0]))
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert (figures["questions"], figures["in_scope"], figures["out_of_scope"]) == (3, 2, 1)
    assert figures["hit@1"] == 0.5 and figures["out_of_scope_left_unanswered"] == 1.0
    assert figures["kinds"]["out"] == {"n": 1, "left_unanswered": 1.0}
    assert [(m["kind"], m["rank"]) for m in figures["misses"]] == [("para", None)]


def test_ask_from_stdin_prints_each_question_before_its_answer(
    ready: tuple[Path, Path, Path],
) -> None:
    questions = "Who urged Ford to take a pause?\n\nWhat is the capital of France?\n"
    done = storybot("ask", "-", "--top-k", "1", "--config", str(ready[0]), stdin=questions)
    assert done.returncode == 0, done.stderr
    blocks = done.stdout.split("Q: ")[1:]
    assert [b.splitlines()[0] for b in blocks] == [
        "Who urged Ford to take a pause?",
        "What is the capital of France?",
    ]
    assert blocks[0].splitlines()[1].startswith("1. ") and "nothing about that" in blocks[1]


def test_a_closed_pipe_ends_with_one_line(ready: tuple[Path, Path, Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "retrieval.cli", "sources", "--config", str(ready[0])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader goes away before a word is written, as `| head -0` does
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 1
    assert err == "storybot: error: cannot write the output: the reader closed the pipe\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_ends_with_one_line(ready: tuple[Path, Path, Path]) -> None:
    with open("/dev/full", "w") as full:
        done = storybot("ask", "Who is Ford's driver?", "--config", str(ready[0]), stdout=full)
    assert done.returncode == 1
    assert done.stderr == "storybot: error: cannot write the output: no space left on the device\n"


@pytest.mark.parametrize(
    ("log", "prefix"),
    [
        ("warning", "storybot: warning: damaged index: "),
        ("info", "storybot: warning: retrieval.storage.store: damaged index: "),
    ],
)
def test_warnings_read_as_git_writes_them(
    ready: tuple[Path, Path, Path], log: str, prefix: str
) -> None:
    (segment,) = sorted(ready[2].glob("seg-*.seg"))
    data = bytearray(segment.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte: found by its checksum, then rebuilt
    segment.write_bytes(bytes(data))
    done = storybot("ask", "Who is Ford's driver?", "--config", str(ready[0]), "--log", log)
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and warnings[0].startswith(prefix), done.stderr


def test_counts_read_right(ready: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config = str(ready[0])
    article = tmp_path / "one.md"
    article.write_text("---\nid: one\n---\nA single short paragraph.\n")
    done = storybot("add", str(article), "--config", config)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "added one (1 passage)"
    assert re.fullmatch(
        r"1 article added \(1 passage\), 0 already in the corpus, 0 refused, 0 skipped, "
        r"in \d+\.\d s",
        lines[1],
    )
    assert "/s" not in done.stdout and done.stderr == ""

    again = storybot("add", str(article), "--config", config)
    assert again.returncode == 0
    assert re.fullmatch(
        r"already in the corpus: .*one\.md \(as one\)\n"
        r"0 articles added \(0 passages\), 1 already in the corpus, 0 refused, 0 skipped, "
        r"in \d+\.\d s\n",
        again.stdout,
    )
    listing = storybot("sources", "--config", config).stdout
    assert "one  (no metadata)  [1 passage]" in listing
    assert listing.splitlines()[-1].startswith("4 articles, ")


def _add_on_a_terminal(config: Path, article: Path) -> tuple[int, str]:
    """`storybot add` with stderr on a pseudo-terminal: its exit status and what it showed."""
    main_fd, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide until told otherwise, as a terminal window does.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "retrieval.cli", "add", str(article), "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closes when the child ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    return child.wait(timeout=120), shown.decode(errors="replace")


def test_progress_shows_on_a_terminal_only(ready: tuple[Path, Path, Path], tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(
            json.dumps({"id": f"s{n}", "text": f"Story {n} about ferry {n}."}) + "\n"
            for n in range(40)
        ),
        encoding="utf-8",
    )
    status, shown = _add_on_a_terminal(ready[0], many)
    assert status == 0
    assert "adding: " in shown and "articles" in shown

    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "t1", "text": "Another ferry story."}) + "\n")
    done = storybot("add", str(more), "--config", str(ready[0]))
    assert done.returncode == 0 and done.stderr == ""
