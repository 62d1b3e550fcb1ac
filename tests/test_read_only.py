"""Answering when the index folder can't be updated: from the last saved index, one warning.

Running as root, permission bits stop no write, so the faults are raised where the
library meets the operating system (the lock file's open, a file's write) with the
errno the kernel gives; one test mounts the folder read-only for real where it can.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from retrieval import Answer
from retrieval import retriever as retriever_module
from retrieval.cli import main
from retrieval.retriever import Retriever
from retrieval.settings import PROJECT_ROOT, load_settings
from retrieval.storage import locking, store
from retrieval.storage.locking import index_lock
from tests.ingesting import snapshot

QUESTION = "Who urged Ford to take a pause?"
ZAMBONI = "---\ntitle: Zamboni {n}\n---\nThe zamboni number {n} broke down at the arena.\n"

Fault = Callable[[pytest.MonkeyPatch, Path], Any]


def titles(answer: Answer) -> list[str | None]:
    return [source.title for result in answer.results for source in result.sources]


def _failing_open(code: int) -> Fault:
    """The lock file can't be opened: the folder is read-only, or not ours."""

    def install(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
        real_open = os.open

        def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if Path(path).parent == index_dir:
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(locking.os, "open", fake_open)

    return install


def _disk_full(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    """The lock is taken, but no file can be written."""

    def fake_temporary(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store.tempfile, "NamedTemporaryFile", fake_temporary)


def _lock_held(monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> Iterator[None]:
    """Another holder keeps the lock (a second open of the file: flock locks conflict)."""
    with index_lock(index_dir):
        yield


@contextmanager
def fault(install: Fault, monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> Iterator[None]:
    """The fault in force inside the block, and gone after (space freed, lock released)."""
    with monkeypatch.context() as patch:
        held = install(patch, index_dir)
        if held is not None:
            next(held)
        yield
        if held is not None:
            next(held, None)


CASES = [
    pytest.param(_failing_open(errno.EROFS), "the index folder is read-only", id="read-only"),
    pytest.param(
        _failing_open(errno.EACCES),
        "the index folder is not writable (permission denied)",
        id="no-access",
    ),
    pytest.param(_disk_full, "the disk is full", id="disk-full"),
    pytest.param(
        _lock_held, "another process has held the index lock for over 0.2 s", id="lock-held"
    ),
]


@pytest.fixture
def behind(ready: tuple[Path, Path, Path]) -> tuple[Path, Path, Path]:
    """A saved seed index, the lock waits shortened, and a corpus file it lacks."""
    config, corpus, index_dir = ready
    with config.open("a", encoding="utf-8") as file:
        file.write("lock:\n  read_seconds: 0.2\n  write_seconds: 0.2\n")
    (corpus / "z.md").write_text(ZAMBONI.format(n=1), encoding="utf-8")
    return config, corpus, index_dir


@pytest.mark.parametrize(("install", "reason"), CASES)
def test_a_reader_answers_from_the_last_saved_index_with_one_warning(
    behind: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    install: Fault,
    reason: str,
) -> None:
    config, _, index_dir = behind
    before = snapshot(index_dir)
    with fault(install, monkeypatch, index_dir), caplog.at_level(logging.WARNING):
        retriever = Retriever.from_settings(load_settings(config))
        assert "Kelly" in retriever.ask(QUESTION).results[0].excerpt
        assert "Zamboni 1" not in titles(retriever.ask("What broke down at the arena?"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        f"1 corpus file is not indexed yet (z.md): {reason}; answering from the last saved index"
    ]
    assert len(retriever.index.articles) == 3
    assert snapshot(index_dir) == before
    # Once it can be updated: a new process indexes the file, a running one tries again.
    assert len(Retriever.from_settings(load_settings(config)).index.articles) == 4
    monkeypatch.setattr(retriever_module, "RETRY_SECONDS", 0.0)
    assert "Zamboni 1" in titles(retriever.ask("What broke down at the arena?"))


def test_a_running_reader_tries_again_without_repeating_its_warning(
    behind: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config, _, index_dir = behind
    monkeypatch.setattr(retriever_module, "RETRY_SECONDS", 0.0)
    with fault(_failing_open(errno.EROFS), monkeypatch, index_dir), caplog.at_level(logging.INFO):
        retriever = Retriever.from_settings(load_settings(config))
        for _ in range(3):
            assert "Kelly" in retriever.ask(QUESTION).results[0].excerpt
    tries = [r for r in caplog.records if "not indexed yet (z.md)" in r.getMessage()]
    assert [r.levelno for r in tries] == [logging.WARNING] + [logging.INFO] * 3


def test_the_warning_names_three_files_then_an_ellipsis(
    behind: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config, corpus, index_dir = behind
    for n in range(2, 6):
        (corpus / f"z{n}.md").write_text(ZAMBONI.format(n=n), encoding="utf-8")
    with fault(_failing_open(errno.EROFS), monkeypatch, index_dir):
        Retriever.from_settings(load_settings(config))
    assert "5 corpus files are not indexed yet (z.md, z2.md, z3.md, …)" in caplog.text


def test_a_running_reader_keeps_answering_when_it_cannot_catch_up(
    ready: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, corpus, index_dir = ready
    running = Retriever.from_settings(load_settings(config))
    (corpus / "z.md").write_text(ZAMBONI.format(n=1), encoding="utf-8")
    # Another process rewrote the saved index (its segment under a new name: a full
    # open), then the folder became read-only: the reader answers from what it can read.
    manifest = store.Manifest.read(index_dir / store.MANIFEST)
    (old,) = manifest.segments
    manifest.segments = ["seg-000099.seg"]
    shutil.copyfile(index_dir / old, index_dir / manifest.segments[0])
    store.write_manifest(index_dir, manifest)
    with fault(_failing_open(errno.EROFS), monkeypatch, index_dir):
        assert "Kelly" in running.ask(QUESTION).results[0].excerpt


@pytest.mark.parametrize(
    ("install", "message"),
    [
        (_failing_open(errno.EROFS), "cannot lock the index (Read-only file system)"),
        (_lock_held, "another process has held the index lock for over 0.2 s"),
    ],
    ids=["read-only", "lock-held"],
)
def test_writers_stop_with_one_line_and_change_nothing(
    behind: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    install: Fault,
    message: str,
) -> None:
    config, corpus, index_dir = behind
    (corpus / "z.md").unlink()
    new = tmp_path / "new.md"
    new.write_text(ZAMBONI.format(n=7), encoding="utf-8")
    before = snapshot(corpus, index_dir)
    with fault(install, monkeypatch, index_dir):
        capsys.readouterr()
        assert main(["add", str(new), "--config", str(config)]) == 1
        errors = capsys.readouterr().err.splitlines()
        assert main(["remove", "001_5b0c9ae72aa1523b", "--config", str(config)]) == 1
        errors += capsys.readouterr().err.splitlines()
    assert len(errors) == 2
    assert all(line.startswith("storybot: error: ") and message in line for line in errors)
    assert snapshot(corpus, index_dir) == before


def _can_mount_read_only(folder: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' '{folder}'"
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True)
    return done.returncode == 0


def test_ask_on_a_really_read_only_index_folder(
    behind: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, index_dir = behind
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no private read-only bind mount here (needs unshare and root)")
    ask = [sys.executable, "-m", "retrieval.cli", "ask", QUESTION, "--config", str(config)]
    command = " ".join(f"'{part}'" for part in ask)
    script = (
        f"mount --bind '{index_dir}' '{index_dir}' && "
        f"mount -o remount,ro,bind '{index_dir}' '{index_dir}' && exec {command}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Kelly" in done.stdout
    (line,) = done.stderr.splitlines()
    assert "1 corpus file is not indexed yet (z.md): the index folder is read-only" in line
