"""A damaged segment is detected when it is opened, logged, and rebuilt: never a traceback.

Each case damages the saved segment of the seed corpus's index, then opens the
index as a command does: the damage must be logged with the file's name, and
the answers must equal those of an index freshly built from the corpus.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval import Answer, IndexDamagedError, Retriever, load_settings
from retrieval.index import arrayfile
from retrieval.storage.store import MANIFEST, read_segment
from tests.segfiles import PREFIX, array_range, header_of, overwrite, with_header

QUESTIONS = [
    "Who urged Ford to take a pause?",
    "How many people protested outside city hall?",
    "Who is the Municipal Affairs Minister?",
    "what is project traveller",
    "Who is the Toronto police chief?",
]


def answers(corpus: Path, index: Path) -> list[Answer]:
    retriever = Retriever.from_settings(load_settings().with_paths(corpus=corpus, index=index))
    return [retriever.ask(q) for q in QUESTIONS]


def segments(index: Path) -> list[Path]:
    manifest = json.loads((index / MANIFEST).read_text(encoding="utf-8"))
    return [index / name for name in manifest["segments"]]


def date_digit(data: bytes) -> bytes:
    """The last digit of the first publication date changed: the header is still valid JSON."""
    at = data.index(b'"published": "') + len(b'"published": "2013-11-0')
    return overwrite(data, at, b"1" if data[at : at + 1] != b"1" else b"2")


def fill(name: str, byte: bytes) -> Callable[[bytes], bytes]:
    """Every byte of an array replaced with this one."""

    def damage(data: bytes) -> bytes:
        lo, hi = array_range(data, name)
        return overwrite(data, lo, byte * (hi - lo))

    return damage


def in_text(data: bytes) -> bytes:
    lo, hi = array_range(data, "text")
    return overwrite(data, (lo + hi) // 2, b"\xff" * 64)


def wrong_array_checksum(data: bytes) -> bytes:
    """The checksum of an array, as the header records it, changed (the header's own made right)."""
    header, _ = header_of(data)
    arrays = header["arrays"]
    arrays["starts"] = {**arrays["starts"], "crc32": arrays["starts"]["crc32"] ^ 1}
    return with_header(data, arrays=arrays)


def header_checksum(data: bytes) -> bytes:
    at = PREFIX - 4
    return overwrite(data, at, bytes(b ^ 0xFF for b in data[at:PREFIX]))


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "header: a date's digit": (date_digit, "the header does not match its checksum"),
    "header: its checksum field": (header_checksum, "the header does not match its checksum"),
    "array: text bytes": (in_text, "array 'text' does not match its checksum"),
    "array: posting ids": (fill("posting_ids", b"\x7f"), "array 'posting_ids' does not match"),
    "array: passage lengths": (fill("doc_len", b"\x03"), "array 'doc_len' does not match"),
    "array: a checksum in the header": (wrong_array_checksum, "array 'starts' does not match"),
    "truncated by 8 bytes": (lambda data: data[:-8], "truncated"),
    "bytes appended": (lambda data: data + b"\0" * 64, "64 bytes past the last array"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damage_is_detected_logged_and_rebuilt(
    seed_corpus: Path, tmp_path: Path, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    damage, problem = CASES[case]
    fresh = answers(seed_corpus, tmp_path / "fresh")
    index = tmp_path / "index"
    answers(seed_corpus, index)
    (victim,) = segments(index)
    victim.write_bytes(damage(victim.read_bytes()))
    with caplog.at_level(logging.WARNING):
        got = answers(seed_corpus, index)
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert victim.name in line and problem in line and "rebuilding" in line
    assert got == fresh
    assert all(arrayfile.failed_checksums(path) == [] for path in segments(index))


@pytest.mark.parametrize(
    "error",
    [
        IndexError("index -1720888991 is out of bounds"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        KeyError("articles"),
        RuntimeError("anything else"),
        OSError(5, "Input/output error"),
    ],
)
def test_any_failure_reading_a_segment_is_damage(
    seed_corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fresh = answers(seed_corpus, tmp_path / "fresh")
    index = tmp_path / "index"
    answers(seed_corpus, index)
    (victim,) = segments(index)

    def broken(path: Path, verify: bool = True) -> None:
        raise error

    with monkeypatch.context() as patch:
        patch.setattr(arrayfile, "read", broken)
        with pytest.raises(IndexDamagedError, match=victim.name):
            read_segment(victim)
        with caplog.at_level(logging.WARNING):
            got = answers(seed_corpus, index)
    assert got == fresh
    assert f"damaged index: {victim}" in caplog.text and "rebuilding" in caplog.text


def test_a_damaged_segment_added_by_another_process_is_rebuilt(
    seed_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings().with_paths(corpus=seed_corpus, index=tmp_path / "index")
    serving = Retriever.from_settings(settings)
    (seed_corpus / "zamboni.md").write_text(
        "---\ntitle: Zamboni news\n---\nThe zamboni broke down at the arena.", encoding="utf-8"
    )
    Retriever.from_settings(settings)  # another process takes the new file in
    victim = segments(settings.index)[-1]
    victim.write_bytes(in_text(victim.read_bytes()))
    with caplog.at_level(logging.WARNING):
        answer = serving.ask("What broke down at the arena?")
    assert answer.results[0].sources[0].title == "Zamboni news"
    assert victim.name in caplog.text and "damaged" in caplog.text
    assert [serving.ask(q) for q in QUESTIONS] == answers(seed_corpus, tmp_path / "fresh")
