"""Adding and removing articles: bad input changes nothing, adds equal a rebuild, faults heal."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.cli import main
from retrieval.intake.inputs import expand
from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.storage.store import MANIFEST, Manifest
from retrieval.text.article import content_id
from retrieval.text.cleaning import clean_text
from tests.ingesting import add, jsonl, snapshot, story

BAD_FILES = {
    "empty.txt": b"",
    "blank.md": b"   \n\n\t \n",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
    "latin1.txt": b"caf\xe9 au lait",
    "front.md": b"---\ntitle: [unclosed\n---\ntext",
    "paper.pdf": b"%PDF-1.4",
    "empty.html": b"<html><body><nav>Menu</nav></body></html>",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_and_changes_nothing(
    ready: tuple[Path, Path, Path], tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, index = ready
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    before = snapshot(corpus, index)
    capsys.readouterr()
    assert add(config, str(path)) == 1
    err = capsys.readouterr().err
    assert err.count("storybot: refused: ") == 1 and name in err and "Traceback" not in err
    assert snapshot(corpus, index) == before


def test_oversized_file_is_refused(
    ready: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import retrieval.storage.corpus

    config, corpus, index = ready
    monkeypatch.setattr(retrieval.storage.corpus, "MAX_ARTICLE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    before = snapshot(corpus, index)
    assert add(config, str(path)) == 1
    assert "too large" in capsys.readouterr().err
    assert snapshot(corpus, index) == before


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (["missing.txt"], "no such file or folder"),
        (["ftp://example.org/a"], "only http and https"),
        (["http://127.0.0.1:9/story"], "127.0.0.1"),
    ],
)
def test_bad_sources_are_refused_and_change_nothing(
    ready: tuple[Path, Path, Path],
    inputs: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config, corpus, index = ready
    before = snapshot(corpus, index)
    assert add(config, *inputs) == 1
    assert message in capsys.readouterr().err
    assert snapshot(corpus, index) == before


def test_duplicate_text_reports_the_existing_id(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, index = ready
    copy = corpus.parent / "copy.txt"
    copy.write_text(
        (corpus / "002_cf84cce25d965179.txt").read_text(encoding="utf-8").split("---\n", 2)[2],
        encoding="utf-8",
    )
    before = snapshot(corpus, index)
    capsys.readouterr()
    # The article is in the corpus afterwards: reported, not an error.
    assert add(config, str(copy)) == 0
    out, err = capsys.readouterr()
    assert f"already in the corpus: {copy} (as 002_cf84cce25d965179)" in out
    assert "1 already in the corpus, 0 refused" in out and err == ""
    assert snapshot(corpus, index) == before


def test_reimporting_an_overlapping_feed_succeeds_and_names_each_copy(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = ready
    first = jsonl(tmp_path / "monday.jsonl", [{"text": story(1)}, {"text": story(2)}])
    assert add(config, str(first)) == 0
    feed = [{"text": story(2)}, {"text": story(3)}, {"text": story(1)}, {"text": story(3)}]
    second = jsonl(tmp_path / "tuesday.jsonl", feed)
    capsys.readouterr()
    assert add(config, str(second), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in report["added"]] == [content_id(clean_text(story(3)))]
    assert report["refused"] == []
    assert report["already"] == [
        {"input": f"{second}:1", "id": content_id(clean_text(story(2)))},
        {"input": f"{second}:3", "id": content_id(clean_text(story(1)))},
        {"input": f"{second}:4", "id": content_id(clean_text(story(3)))},
    ]


def test_an_id_taken_by_other_text_is_refused_naming_the_file(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, index = ready
    path = tmp_path / "clash.md"
    path.write_text("---\nid: 002_cf84cce25d965179\n---\nOther words.\n", encoding="utf-8")
    before = snapshot(corpus, index)
    assert add(config, str(path)) == 1
    err = capsys.readouterr().err
    assert f"{path}: the id '002_cf84cce25d965179' is already used" in err
    assert snapshot(corpus, index) == before


def test_bulk_jsonl_skips_bad_lines_and_reports_each(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, _ = ready
    records: list[dict[str, object] | str] = [
        {
            "title": "One",
            "source": "a.com",
            "url": "https://a.com/1",
            "published": "2020-01-02",
            "text": "First story about the harbour.",
        },
        "{broken",
        {"title": "No text"},
        {
            "title": "Two",
            "source": "b.com",
            "url": None,
            "published": None,
            "text": "Second story about the railway.",
        },
    ]
    path = jsonl(tmp_path / "bulk.jsonl.gz", records, compress=True)
    capsys.readouterr()
    assert add(config, str(path)) == 1
    out, err = capsys.readouterr()
    assert "2 articles added" in out and "2 refused" in out
    assert (
        "bulk.jsonl.gz:2: malformed JSON" in err
        and "bulk.jsonl.gz:3: 'text' must be a string" in err
    )
    retriever = Retriever.from_settings(load_settings(config))
    assert [
        s.title for s in retriever.ask("Which story is about the railway?").results[0].sources
    ] == ["Two"]
    assert len(list(corpus.iterdir())) == 5


def test_strict_stops_at_the_first_bad_line_and_adds_nothing(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, index = ready
    path = jsonl(
        tmp_path / "bulk.jsonl", [{"text": "Fine story."}, "{broken", {"text": "Another."}]
    )
    before = snapshot(corpus, index)
    assert add(config, str(path), "--strict") == 1
    assert snapshot(corpus, index) == before


def test_added_file_is_stored_with_front_matter_and_found(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, _ = ready
    path = tmp_path / "z.txt"
    path.write_text("The zamboni broke down at the arena.", encoding="utf-8")
    assert add(config, str(path), "--title", "Rink trouble", "--published", "2024-02-03") == 0
    assert "added z: Rink trouble" in capsys.readouterr().out
    stored = corpus / "003_z.md"
    assert stored.read_text(encoding="utf-8").startswith("---\nid: z\ntitle: Rink trouble\n")
    source = (
        Retriever.from_settings(load_settings(config))
        .ask("What broke down at the arena?")
        .results[0]
        .sources[0]
    )
    assert (source.id, source.title, source.published) == ("z", "Rink trouble", "2024-02-03")


def test_metadata_flags_need_a_single_input(
    ready: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = ready
    assert add(config, str(tmp_path), "--title", "x") == 1
    assert "go with a single file or URL" in capsys.readouterr().err


def test_adding_one_at_a_time_scores_exactly_as_a_rebuild(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, _ = ready
    retriever = Retriever.from_settings(load_settings(config))
    for n in range(12):
        path = tmp_path / f"s{n}.md"
        path.write_text(f"---\ntitle: Story {n}\n---\n{story(n)}", encoding="utf-8")
        report = retriever.add(expand([str(path)], load_settings(config).fetch))
        assert len(report.added) == 1
    # Ten one-article segments were merged into one, on disk and in memory.
    index_dir = retriever.index_dir
    assert index_dir is not None
    listed = Manifest.read(index_dir / MANIFEST).segments
    assert len(listed) == len(retriever.index.segments) < 13
    assert sorted(p.name for p in index_dir.glob("seg-*")) == sorted(listed)
    rebuilt = Retriever.from_settings(load_settings(config).with_paths(index=tmp_path / "fresh"))
    assert [a.id for a in retriever.index.articles] == [a.id for a in rebuilt.index.articles]
    for query in (
        ["harbour"],
        ["railway", "council"],
        ["ford", "mayor"],
        ["museum", "stori", "detail"],
    ):
        np.testing.assert_array_equal(
            retriever.index.scorer.all_scores(query), rebuilt.index.scorer.all_scores(query)
        )
    for question in ("Which story is about the museum?", "Who urged Ford to take a pause?"):
        assert retriever.ask(question) == rebuilt.ask(question)


def test_remove_takes_the_article_out(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, corpus, _ = ready
    assert main(["remove", "002_cf84cce25d965179", "--config", str(config)]) == 0
    assert not (corpus / "002_cf84cce25d965179.txt").exists()
    retriever = Retriever.from_settings(load_settings(config))
    assert [a.id[:3] for a in retriever.index.articles] == ["000", "001"]
    assert main(["remove", "nope", "--config", str(config)]) == 1
    assert "no article with id 'nope'" in capsys.readouterr().err


def allow_private(config: Path) -> Path:
    config.write_text(
        config.read_text(encoding="utf-8") + "fetch: {allow_private: true, timeout_seconds: 5}\n",
        encoding="utf-8",
    )
    return config


def test_unreachable_url_is_refused_and_changes_nothing(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    config, corpus, index = ready
    allow_private(config)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = snapshot(corpus, index)
    assert add(config, f"http://127.0.0.1:{port}/story") == 1
    assert "unreachable" in capsys.readouterr().err
    assert snapshot(corpus, index) == before


def test_add_a_url_from_a_local_server(
    ready: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import http.server
    import threading

    page = (Path(__file__).parent / "data" / "article.html").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    config, corpus, _ = ready
    allow_private(config)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/news/tram-vote"
        capsys.readouterr()
        assert add(config, url) == 0
        assert "added " in capsys.readouterr().out
    finally:
        server.shutdown()
        server.server_close()
    retriever = Retriever.from_settings(load_settings(config))
    added = retriever.index.articles[-1]
    assert added.url == url and added.title and added.source
    assert (corpus / f"003_{added.id}.md").exists()


def test_an_add_indexes_the_text_a_rebuild_reads_back(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    # Escaped markup is unescaped by the first cleaning and removed by the second, when
    # the stored file is read back: the add must index what a rebuild will read.
    config, _, _ = ready
    escaped = "The harbour &lt;a href=&quot;https://x.test&quot;&gt;plan&lt;/a&gt; was approved."
    source = jsonl(tmp_path / "in.jsonl", [{"id": "esc1", "title": "Escaped", "text": escaped}])
    retriever = Retriever.from_settings(load_settings(config))
    assert add(config, str(source)) == 0
    retriever.refresh()
    rebuilt = Retriever.from_settings(load_settings(config).with_paths(index=tmp_path / "fresh"))
    mine, theirs = retriever.index.article("esc1"), rebuilt.index.article("esc1")
    assert mine.text == theirs.text and "href" not in mine.text
    question = "Was the harbour plan approved?"
    assert retriever.ask(question) == rebuilt.ask(question)
    np.testing.assert_array_equal(
        retriever.index.scorer.all_scores(["harbour", "href"]),
        rebuilt.index.scorer.all_scores(["harbour", "href"]),
    )
