"""The saved index: reused when it matches the corpus, rebuilt when it doesn't."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.index import arrayfile
from retrieval.index.segment import FORMAT_VERSION
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings
from retrieval.storage.store import MANIFEST
from tests.segfiles import with_header


def settings_for(corpus: Path, index: Path) -> Settings:
    return load_settings().with_paths(corpus=corpus, index=index)


def test_index_is_saved_then_reused(
    seed_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    first = Retriever.from_settings(settings_for(seed_corpus, index_dir))
    saved = index_dir / MANIFEST
    manifest = json.loads(saved.read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION and len(manifest["files"]) == 3
    (segment,) = manifest["segments"]
    header, arrays = arrayfile.read(index_dir / segment)
    assert len(header["articles"]) == 3 and len(arrays["starts"]) == len(first.index.passages)
    stamp = saved.stat().st_mtime_ns
    second = Retriever.from_settings(settings_for(seed_corpus, index_dir))
    assert saved.stat().st_mtime_ns == stamp
    question = "Who urged Ford to take a pause?"
    assert first.ask(question) == second.ask(question)


def test_changed_corpus_rebuilds(seed_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    Retriever.from_settings(settings_for(seed_corpus, index_dir))
    (seed_corpus / "new.md").write_text(
        "---\ntitle: Zamboni news\n---\nThe zamboni broke down at the arena.", encoding="utf-8"
    )
    retriever = Retriever.from_settings(settings_for(seed_corpus, index_dir))
    assert len(retriever.index.articles) == 4
    assert (
        retriever.ask("What broke down at the arena?").results[0].sources[0].title == "Zamboni news"
    )


@pytest.mark.parametrize(
    ("target", "damage"),
    [
        ("segment", lambda data: b""),
        ("segment", lambda data: b"not a segment at all"),
        ("segment", lambda data: data[: len(data) // 2]),
        ("segment", lambda data: data[:20]),
        ("segment", lambda data: with_header(data, format_version=99)),
        ("segment", lambda data: with_header(data, articles=[])),
        ("segment", lambda data: data[:20] + b"{broken json" + data[32:]),
        ("manifest", lambda data: b"{not json"),
        ("manifest", lambda data: b'{"format_version": 1}'),
    ],
)
def test_damaged_index_is_rebuilt(
    seed_corpus: Path,
    tmp_path: Path,
    target: str,
    damage: Callable[[bytes], bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    index_dir = tmp_path / "index"
    Retriever.from_settings(settings_for(seed_corpus, index_dir))
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    victim = index_dir / (manifest["segments"][0] if target == "segment" else MANIFEST)
    victim.write_bytes(damage(victim.read_bytes()))
    with caplog.at_level(logging.INFO):
        retriever = Retriever.from_settings(settings_for(seed_corpus, index_dir))
    assert retriever.ask("Who urged Ford to take a pause?").found
    assert "rebuilding" in caplog.text


def test_broken_article_is_skipped_and_reported(seed_corpus: Path, tmp_path: Path) -> None:
    (seed_corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    retriever = Retriever.from_settings(settings_for(seed_corpus, tmp_path / "index"))
    assert len(retriever.index.articles) == 3
    assert any("broken.txt" in p and "binary" in p for p in retriever.problems)


def test_an_index_saved_in_an_older_format_is_rebuilt_quietly(
    seed_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    Retriever.from_settings(settings_for(seed_corpus, index_dir))
    path = index_dir / MANIFEST
    path.write_text(json.dumps({**json.loads(path.read_text()), "format_version": 2}))
    with caplog.at_level(logging.INFO):
        retriever = Retriever.from_settings(settings_for(seed_corpus, index_dir))
    assert retriever.ask("Who urged Ford to take a pause?").found
    assert "saved in format 2" in caplog.text and "damaged" not in caplog.text
    assert json.loads(path.read_text())["format_version"] == FORMAT_VERSION
