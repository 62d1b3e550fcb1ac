"""Articles: reading text, Markdown and JSONL files into cleaned Article records."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retrieval import yamlfile
from retrieval.cleaning import clean_text
from retrieval.errors import ArticleError, CorpusError
from retrieval.yamlfile import where_in_yaml

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MAX_ARTICLE_BYTES = 5_000_000
KNOWN_FIELDS = ("id", "title", "source", "url", "published")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


@dataclass(frozen=True)
class Article:
    """One article: its cleaned text and what is known of where it comes from."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A short human name: the title, else the id."""
        return self.title or self.id


def content_id(text: str) -> str:
    """A stable id for an article that has none: a hash of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_article(fields: dict[str, Any], raw_text: str, where: str, default_id: str) -> Article:
    """Validate metadata and clean the text; raise ArticleError naming ``where``."""
    text = clean_text(raw_text)
    if not text.strip():
        raise ArticleError(f"{where}: the article has no text")
    meta: dict[str, str | None] = {}
    for key in KNOWN_FIELDS:
        value = fields.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if value is not None and not isinstance(value, (str, int, float)):
            raise ArticleError(f"{where}: '{key}' must be text, got {type(value).__name__}")
        meta[key] = str(value).strip() if value is not None and str(value).strip() else None
    article_id = meta.pop("id") or default_id
    if not _ID.match(article_id):
        raise ArticleError(
            f"{where}: id {article_id!r} may use only letters, digits, '_', '-', '.'"
        )
    extra = {k: _plain(v) for k, v in fields.items() if k not in KNOWN_FIELDS and k != "text"}
    return Article(id=article_id, text=text, extra=extra, **meta)


def read_article_file(path: Path) -> Article:
    """A text or Markdown file with optional YAML front matter."""
    raw = _read_text(path)
    fields: dict[str, Any] = {}
    match = _FRONT_MATTER.match(raw)
    if match:
        try:
            loaded = yamlfile.load(match.group(1) or "")
        except yaml.YAMLError as exc:
            # The front matter starts on the file's second line.
            raise ArticleError(f"{path}: malformed front matter{where_in_yaml(exc, 2)}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(f"{path}: front matter must be a mapping of keys to values")
        fields = loaded or {}
        raw = raw[match.end() :]
    return make_article(fields, raw, str(path), _default_id(path))


def read_jsonl(path: Path) -> Iterator[Article | ArticleError]:
    """Articles of a JSONL file, one per line; a bad line yields its error instead."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    yield _jsonl_article(line, where)
                except ArticleError as exc:
                    yield exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield ArticleError(f"{path}: cannot read ({exc})")


def _jsonl_article(line: str, where: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{where}: malformed JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ArticleError(f"{where}: each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise ArticleError(f"{where}: 'text' must be a string")
    return make_article(record, text, where, content_id(text))


def iter_corpus(folder: Path) -> Iterator[tuple[str, Article | ArticleError]]:
    """Every (file name, article) in a folder (not recursive), in corpus order; errors in line."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    for path in corpus_files(folder):
        for item in read_corpus_file(path):
            yield path.name, item


def read_corpus_file(path: Path) -> Iterator[Article | ArticleError]:
    """The articles of one corpus file: one, or one per line of a JSONL file."""
    if path.name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path)
        return
    try:
        yield read_article_file(path)
    except ArticleError as exc:
        yield exc


def corpus_order(name: str) -> tuple[int, str]:
    """Files sort by their leading number, then by name ("9_a" before "10_b")."""
    match = re.match(r"(\d+)", name)
    return (int(match.group(1)) if match else -1, name)


def corpus_files(folder: Path) -> list[Path]:
    """The article files of a corpus folder, in corpus order."""
    return [folder / name for name in sorted(corpus_names(folder), key=corpus_order)]


def corpus_names(folder: Path) -> list[str]:
    """The names of the article files of a corpus folder, in no particular order."""
    suffixes = TEXT_SUFFIXES + JSONL_SUFFIXES
    # scandir knows each entry's type without a stat: this runs before every add and load.
    with os.scandir(folder) as entries:
        return [
            e.name
            for e in entries
            if not e.name.startswith(".") and e.name.lower().endswith(suffixes) and e.is_file()
        ]


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(
                f"{path}: file is too large ({size} bytes, limit {MAX_ARTICLE_BYTES})"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"{path}: file not found") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data:
        raise ArticleError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def _default_id(path: Path) -> str:
    stem = path.name
    for suffix in TEXT_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "article"
    return cleaned[:128]


def _plain(value: Any) -> Any:
    """Front-matter values as JSON-safe data (dates become ISO strings)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
