"""Bad input to `storybot add`: one line naming the file, exit status 1, nothing stored changes."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.cli import main
from tests.ingesting import GOOD, jsonl, snapshot

Make = Callable[[Path], list[str]]
HELD = "A story that the corpus already holds."
SECRET = "root:x:0:0:the secret account line:/root:/bin/bash\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.md")
    return [str(folder / "pipe.md")]


def folder_with_fifo(folder: Path) -> list[str]:
    (folder / "notes").mkdir()
    os.mkfifo(folder / "notes" / "pipe.txt")
    return [str(folder / "notes")]


def link_out(folder: Path) -> list[str]:
    secret = write(folder / "private" / "passwd.txt", SECRET)
    (folder / "notes").mkdir()
    (folder / "notes" / "story.txt").symlink_to(secret)
    return [str(folder / "notes")]


def only_an_empty_subfolder(folder: Path) -> list[str]:
    (folder / "notes" / "drafts").mkdir(parents=True)
    return [str(folder / "notes")]


def pdf_in_folder(folder: Path) -> list[str]:
    (folder / "notes").mkdir()
    (folder / "notes" / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    return [str(folder / "notes")]


def front(text: str, name: str = "story.md") -> Make:
    return lambda folder: [str(write(folder / name, text))]


def flag(*extra: str) -> Make:
    return lambda folder: [str(write(folder / "story.md", GOOD)), *extra]


def jsonl_line(record: dict[str, object]) -> Make:
    def make(folder: Path) -> list[str]:
        good = {"text": HELD}
        return [str(jsonl(folder / "feed.jsonl", [good, record]))]

    return make


# (name, what is given, what the refusal says, with {in} for the input folder)
CASES: list[tuple[str, Make, str]] = [
    ("fifo", fifo, "{in}/pipe.md: a named pipe (FIFO), not an article file"),
    (
        "fifo in a folder",
        folder_with_fifo,
        "{in}/notes/pipe.txt: a named pipe (FIFO), not an article file",
    ),
    ("device", lambda _: [os.devnull], f"{os.devnull}: a device, not an article file"),
    (
        "link out of the folder",
        link_out,
        "{in}/notes/story.txt: a symbolic link to outside the folder",
    ),
    ("folder of an empty folder", only_an_empty_subfolder, "{in}/notes: no article files"),
    ("pdf in a folder", pdf_in_folder, "{in}/notes/paper.pdf: unsupported file type"),
    (
        "unterminated front matter",
        front("---\ntitle: Zamboni\nThe zamboni broke down.\n"),
        "{in}/story.md: front matter opened on line 1 has no closing '---' line",
    ),
    (
        "duplicate front matter key",
        front("---\ntitle: One\nsource: Rink\ntitle: Two\n---\nThe zamboni broke down.\n"),
        "{in}/story.md: duplicate key 'title' at line 4",
    ),
    (
        "impossible front matter date",
        front("---\npublished: 2013-02-30\n---\nThe zamboni broke down.\n"),
        "{in}/story.md: invalid date '2013-02-30' at line 2",
    ),
    (
        "front matter date not a date",
        front("---\npublished: since 1998\n---\nThe zamboni broke down.\n"),
        "{in}/story.md: 'published' must be a date as YYYY-MM-DD",
    ),
    (
        "javascript url",
        front("---\nurl: javascript:alert(1)\n---\nThe zamboni broke down.\n"),
        "{in}/story.md: 'url' must be an http or https address, got 'javascript:alert(1)'",
    ),
    (
        "--published not a date",
        flag("--published", "not a date"),
        "{in}/story.md: 'published' must be a date as YYYY-MM-DD (or an ISO 8601 date and "
        "time), got 'not a date'",
    ),
    ("--url not http", flag("--url", "ftp://example.org/a"), "{in}/story.md: 'url' must be an"),
    (
        "jsonl line with a bad url",
        jsonl_line({"text": "The ferry was late.", "url": "data:text/html,hi"}),
        "{in}/feed.jsonl:2: 'url' must be an http or https address",
    ),
    (
        "jsonl line with a bad date",
        jsonl_line({"text": "The ferry was late.", "published": "2013-11-31"}),
        "{in}/feed.jsonl:2: 'published' must be a date",
    ),
]


def run_add(config: Path, args: list[str], given: Path) -> int:
    """`storybot add ARGS` in a thread; a FIFO it would wait on forever is fed an end of file."""
    status: list[int] = []
    worker = threading.Thread(
        target=lambda: status.append(main(["add", *args, "--config", str(config)])), daemon=True
    )
    worker.start()
    worker.join(60)
    hung = worker.is_alive()
    if hung:
        for pipe in (p for p in given.rglob("*") if p.is_fifo()):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(60)
    assert not hung, "storybot add waited on a FIFO"
    return status[0]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    ready: tuple[Path, Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Make,
    message: str,
) -> None:
    config, corpus, index = ready
    given = tmp_path / "in"
    given.mkdir()
    args = make(given)
    # The good line of a JSONL case is one the corpus holds already, so nothing may change.
    assert main(["add", str(write(tmp_path / "held.txt", HELD)), "--config", str(config)]) == 0
    before = snapshot(corpus, index)
    capsys.readouterr()
    assert run_add(config, args, given) == 1
    err = capsys.readouterr().err
    refusals = [line for line in err.splitlines() if line.startswith("storybot: refused: ")]
    assert len(refusals) == 1 and "Traceback" not in err
    assert message.format(**{"in": given}) in refusals[0]
    assert snapshot(corpus, index) == before
    assert "secret account" not in "".join((corpus / n).read_text() for n in os.listdir(corpus))


def test_a_folder_is_read_with_its_subfolders_and_names_what_it_skips(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, _ = ready
    folder = tmp_path / "in"
    write(folder / "2013" / "nov" / "zamboni.md", GOOD)
    write(folder / ".draft.md", "A draft nobody should see yet.\n")
    write(folder / "ferry.txt", "The ferry was late again.\n")
    (folder / "same.txt").symlink_to(folder / "ferry.txt")  # inside the folder: followed
    (folder / "years").symlink_to(folder / "2013")
    capsys.readouterr()
    assert main(["add", str(folder), "--json", "--config", str(config)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(a["title"] or a["id"] for a in report["added"]) == ["Zamboni", "ferry"]
    assert [a["input"] for a in report["already"]] == [str(folder / "same.txt")]
    assert report["skipped"] == [
        f"{folder / '.draft.md'}: hidden",
        f"{folder / 'years'}: a link to a folder, not followed",
    ]
    assert report["refused"] == []
    assert "draft nobody" not in "".join(p.read_text() for p in corpus.iterdir())


def test_skipped_entries_are_counted_in_the_summary(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = ready
    folder = tmp_path / "in"
    write(folder / "ferry.txt", "The ferry was late again.\n")
    write(folder / ".hidden" / "old.md", "Old news.\n")
    capsys.readouterr()
    assert main(["add", str(folder), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"skipped: {folder / '.hidden'}: hidden\n" in out
    assert "1 article added (1 passage), 0 already in the corpus, 0 refused, 1 skipped" in out
