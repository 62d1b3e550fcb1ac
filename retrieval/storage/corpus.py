"""The corpus folder: text, Markdown and JSONL article files read into Article records.

The folder is the source of truth the index is built from, so reading it lives with the
index; intake writes new files in these formats.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from retrieval import yamlfile
from retrieval.errors import ArticleError, CorpusError
from retrieval.text.article import Article, content_id, make_article
from retrieval.yamlfile import yaml_problem

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MAX_ARTICLE_BYTES = 5_000_000
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_OPENED = re.compile(r"\A---[ \t]*(?:\n|\Z)")
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


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
            problem = yaml_problem(exc, "malformed front matter", first_line=2)
            raise ArticleError(f"{path}: {problem}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(f"{path}: front matter must be a mapping of keys to values")
        fields = loaded or {}
        raw = raw[match.end() :]
    elif _FRONT_MATTER_OPENED.match(raw):
        raise ArticleError(f"{path}: front matter opened on line 1 has no closing '---' line")
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


def not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)"), else None."""
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit``; a pipe or device is refused, never waited on."""
    try:
        # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ArticleError(f"{path}: file not found") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        kind = not_regular(info.st_mode)
        if kind is not None:
            raise ArticleError(f"{path}: {kind}, not an article file")
        if info.st_size > limit:
            raise ArticleError(f"{path}: file is too large ({info.st_size} bytes, limit {limit})")
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew since it was opened
        raise ArticleError(f"{path}: file is too large (limit {limit} bytes)")
    return data


def _read_text(path: Path) -> str:
    data = read_file(path, MAX_ARTICLE_BYTES)
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
