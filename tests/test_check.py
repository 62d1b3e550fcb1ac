"""`storybot check`: a full verification of the saved index that names each problem and
repairs nothing; the library's ``check_index`` behind it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval import IndexCheck, check_index, load_settings
from retrieval.cli import main
from retrieval.index import arrayfile
from retrieval.storage.store import MANIFEST
from tests.ingesting import snapshot
from tests.segfiles import PREFIX, array_range, overwrite

Arrays = dict[str, np.ndarray[Any, Any]]


def segment_of(index: Path) -> Path:
    (name,) = json.loads((index / MANIFEST).read_text(encoding="utf-8"))["segments"]
    return index / name


def damage_bytes(change: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def damage(corpus: Path, index: Path) -> None:
        path = segment_of(index)
        path.write_bytes(change(path.read_bytes()))

    return damage


def rewrite(change: Callable[[Arrays], None]) -> Callable[[Path, Path], None]:
    """The segment written again with changed arrays and checksums that match them."""

    def damage(corpus: Path, index: Path) -> None:
        path = segment_of(index)
        header, mapped = arrayfile.read(path)
        arrays = {name: np.array(array) for name, array in mapped.items()}
        change(arrays)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(b"".join(arrayfile.encode(header, arrays)))
        os.replace(temporary, path)

    return damage


def manifest_with(**changes: object) -> Callable[[Path, Path], None]:
    def damage(corpus: Path, index: Path) -> None:
        path = index / MANIFEST
        path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))

    return damage


def in_text(data: bytes) -> bytes:
    lo, hi = array_range(data, "text")
    return overwrite(data, (lo + hi) // 2, b"\xff" * 16)


def set_item(name: str, position: int, value: int) -> Callable[[Arrays], None]:
    def change(arrays: Arrays) -> None:
        arrays[name][position] = value

    return change


def swap_postings(arrays: Arrays) -> None:
    """The first term's two first passages in the wrong order (its posting list has several)."""
    ids, offsets = arrays["posting_ids"], arrays["posting_offsets"]
    first = next(t for t in range(len(offsets) - 1) if offsets[t + 1] - offsets[t] > 1)
    at = int(offsets[first])
    ids[at], ids[at + 1] = ids[at + 1], ids[at]


SEED = "001_5b0c9ae72aa1523b.txt"

CASES: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "a byte of text": (
        damage_bytes(in_text),
        "seg-000001.seg: array 'text' does not match its checksum",
    ),
    "the header's checksum": (
        damage_bytes(lambda data: overwrite(data, PREFIX - 4, b"\0\0\0\0")),
        "seg-000001.seg: the header does not match its checksum",
    ),
    "truncated": (damage_bytes(lambda data: data[:-100]), "seg-000001.seg: truncated"),
    "segment missing": (
        lambda corpus, index: segment_of(index).unlink(),
        "seg-000001.seg: missing (the manifest lists it)",
    ),
    "manifest unreadable": (
        lambda corpus, index: (index / MANIFEST).write_text("{not json"),
        "manifest.json: unreadable",
    ),
    "manifest of an older format": (manifest_with(format_version=3), "saved in format 3"),
    "manifest of other settings": (
        manifest_with(pipeline="0" * 64),
        "manifest.json: built by other code or analysis settings",
    ),
    "corpus file removed": (
        lambda corpus, index: (corpus / SEED).unlink(),
        f"{SEED}: indexed, but no longer in the corpus folder",
    ),
    "corpus file changed": (
        lambda corpus, index: (corpus / SEED).write_text("Changed.", encoding="utf-8"),
        f"{SEED}: changed since it was indexed",
    ),
    "corpus file never indexed": (
        lambda corpus, index: (corpus / "new.md").write_text("News.", encoding="utf-8"),
        "new.md: in the corpus folder, but not indexed",
    ),
    "a posting past the last passage": (
        rewrite(set_item("posting_ids", 0, 10**6)),
        "seg-000001.seg: postings: 1 of ",
    ),
    "postings out of order": (
        rewrite(swap_postings),
        "seg-000001.seg: postings: passages out of order within a term",
    ),
    "a passage length that does not add up": (
        rewrite(set_item("doc_len", 0, 999)),
        "seg-000001.seg: postings: term counts do not add up to the passages' lengths",
    ),
    "a passage span past its text": (
        rewrite(set_item("ends", 0, 10**6)),
        "seg-000001.seg: passages: 1 of 120 spans outside their article's text",
    ),
    "a speaker that names nothing": (
        rewrite(set_item("speakers", 0, 10**4)),
        "seg-000001.seg: passages: 1 of 120 speakers that name no stored string",
    ),
    "text that is not UTF-8": (
        rewrite(set_item("text", 0, 0xFF)),
        "seg-000001.seg: article 000_03c183abf8fbc849: text is not UTF-8",
    ),
    "text offsets that go back": (
        rewrite(set_item("text_offsets", 1, -5)),
        "seg-000001.seg: text_offsets: not increasing from 0",
    ),
}


def check(config: Path, *args: str) -> int:
    return main(["check", "--config", str(config), *args])


def test_a_sound_index_checks_clean(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, index = ready
    assert check(config) == 0
    line = f"{index}: no problems (1 segment, 3 articles, 120 passages)\n"
    assert capsys.readouterr().out == line
    assert check(config, "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "ok": True,
        "index": str(index),
        "corpus": str(ready[1]),
        "segments": 1,
        "articles": 3,
        "passages": 120,
        "problems": [],
    }


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_one_line_and_nothing_is_repaired(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], case: str
) -> None:
    config, corpus, index = ready
    damage, expected = CASES[case]
    damage(corpus, index)
    before = snapshot(corpus, index)
    assert check(config) == 1
    *problems, summary = capsys.readouterr().out.splitlines()
    assert [line for line in problems if expected in line], problems
    assert "check repairs nothing" in summary
    assert snapshot(corpus, index) == before
    assert check(config, "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["problems"] == problems


def test_no_saved_index_is_a_problem(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(config_file) == 1
    assert f"{tmp_path / 'index' / MANIFEST}: missing" in capsys.readouterr().out
    assert not (tmp_path / "index").exists()


def test_a_damaged_deletion_file_is_named(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, index = ready
    assert main(["remove", "002_cf84cce25d965179", "--config", str(config)]) == 0
    assert check(config) == 0
    assert "2 articles" in capsys.readouterr().out
    (deletions,) = index.glob("seg-*.del")
    deletions.write_text(deletions.read_text().replace('"articles": [2]', '"articles": [1]'))
    assert check(config) == 1
    assert f"{deletions}: checksum does not match" in capsys.readouterr().out


def test_the_library_function_reports_the_same(ready: tuple[Path, Path, Path]) -> None:
    config, corpus, index = ready
    damage_bytes(in_text)(corpus, index)
    result = check_index(load_settings(config))
    assert isinstance(result, IndexCheck) and not result.ok
    assert result.problems == [f"{segment_of(index)}: array 'text' does not match its checksum"]
