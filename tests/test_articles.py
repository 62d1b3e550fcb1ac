"""Articles: front matter, JSONL, and a clear error for each kind of bad file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from retrieval.errors import ArticleError, CorpusError
from retrieval.storage.corpus import iter_corpus, read_article_file, read_jsonl
from retrieval.text.article import Article


def test_front_matter_fields_and_extra_keys(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Mayor stays\nsource: Example News\nurl: https://example.org/a\n"
        "published: 2013-11-06\nauthor: Someone\ntags: [ford, council]\n---\nBody text here.\n",
        encoding="utf-8",
    )
    article = read_article_file(path)
    assert article == Article(
        id="story",
        text="Body text here.",
        title="Mayor stays",
        source="Example News",
        url="https://example.org/a",
        published="2013-11-06",
        extra={"author": "Someone", "tags": ["ford", "council"]},
    )


def test_no_front_matter_uses_file_name_as_id(tmp_path: Path) -> None:
    path = tmp_path / "plain story.txt"
    path.write_text("Just text.", encoding="utf-8")
    article = read_article_file(path)
    assert (article.id, article.title, article.text) == ("plain-story", None, "Just text.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no text"),
        (b"   \n\n  ", "has no text"),
        (b"---\ntitle: [unclosed\n---\ntext", "malformed front matter"),
        (b"---\n- a list\n---\ntext", "must be a mapping"),
        (b"---\ntitle: {a: 1}\n---\ntext", "'title' must be text"),
        (b"---\nid: bad id!\n---\ntext", "may use only"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"caf\xe9 latin-1", "not valid UTF-8"),
        (b"<p> </p><br>", "has no text"),
    ],
)
def test_bad_files_get_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=message) as info:
        read_article_file(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="not found"):
        read_article_file(tmp_path / "nope.txt")


def jsonl(path: Path, lines: list[str], compress: bool = False) -> Path:
    data = "\n".join(lines) + "\n"
    if compress:
        path.write_bytes(gzip.compress(data.encode()))
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_records_and_bad_lines(tmp_path: Path, compress: bool) -> None:
    good = {
        "title": "T",
        "source": "s.com",
        "url": "https://s.com/1",
        "published": None,
        "text": "One.\n\nTwo.",
    }
    path = jsonl(
        tmp_path / ("a.jsonl.gz" if compress else "a.jsonl"),
        [
            json.dumps(good),
            "{not json",
            json.dumps({"title": "no text"}),
            "[1, 2]",
            "",
            json.dumps(good | {"text": "Other."}),
        ],
        compress,
    )
    items = list(read_jsonl(path))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [str(i) for i in items if isinstance(i, ArticleError)]
    assert [a.text for a in articles] == ["One.\n\nTwo.", "Other."]
    assert articles[0].title == "T" and articles[0].published is None
    assert len(articles[0].id) == 16 and articles[0].id != articles[1].id
    assert [e.split(": ")[0].rsplit(":", 1)[1] for e in errors] == ["2", "3", "4"]
    assert "malformed JSON" in errors[0] and "'text' must be a string" in errors[1]


def test_corpus_lists_articles_and_errors_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.md").write_text("First.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / "10_later.txt").write_text("Tenth.", encoding="utf-8")
    (tmp_path / "9_earlier.txt").write_text("Ninth.", encoding="utf-8")
    pairs = list(iter_corpus(tmp_path))
    items = [item for _, item in pairs]
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "b", "9_earlier", "10_later"]
    assert [name for name, i in pairs if isinstance(i, ArticleError)] == ["c.txt"]


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        list(iter_corpus(tmp_path / "missing"))
