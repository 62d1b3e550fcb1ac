"""What `storybot add` is given: files, folders, JSONL files and URLs, as articles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path

from retrieval.errors import ArticleError
from retrieval.settings import FetchSettings
from retrieval.storage.corpus import JSONL_SUFFIXES, TEXT_SUFFIXES, read_article_file, read_jsonl
from retrieval.text.article import Article, make_article

HTML_SUFFIXES = (".html", ".htm")
ADDABLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES

Overrides = Mapping[str, str | None]


def is_url(value: str) -> bool:
    return "://" in value


def expand(
    inputs: list[str], fetch: FetchSettings, overrides: Overrides | None = None
) -> Iterator[Article | ArticleError]:
    """Every article the inputs name, in order; what can't be read comes as its error."""
    for value in inputs:
        if is_url(value):
            yield _from_url(value, fetch, overrides)
            continue
        path = Path(value)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                name = child.name
                if (
                    child.is_file()
                    and not name.startswith(".")
                    and name.lower().endswith(ADDABLE_SUFFIXES)
                ):
                    yield from from_file(child, overrides)
        elif path.exists():
            yield from from_file(path, overrides)
        else:
            yield ArticleError(f"{path}: no such file or folder")


def from_file(path: Path, overrides: Overrides | None = None) -> Iterator[Article | ArticleError]:
    """The articles of one file, by its type."""
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path)
        return
    try:
        if name.endswith(HTML_SUFFIXES):
            from retrieval.intake.extract import read_html_file

            yield read_html_file(path, dict(overrides or {}))
        elif name.endswith(TEXT_SUFFIXES):
            yield with_overrides(read_article_file(path), overrides)
        else:
            known = ", ".join(ADDABLE_SUFFIXES)
            yield ArticleError(f"{path}: unsupported file type (storybot adds {known})")
    except ArticleError as exc:
        yield exc


def from_bytes(name: str, data: bytes, overrides: Overrides | None = None) -> Article:
    """An article from an uploaded file's name and content (a Discord attachment)."""
    import tempfile

    suffix = "".join(Path(name).suffixes[-2:]) or ".txt"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        items = list(from_file(path, overrides))
    if len(items) != 1:
        raise ArticleError(f"{name}: expected one article, found {len(items)}")
    (item,) = items
    if isinstance(item, ArticleError):
        raise ArticleError(str(item).replace(str(path), name))
    return item


def with_overrides(article: Article, overrides: Overrides | None) -> Article:
    """The article with the metadata given on the command line put in."""
    values = {k: v for k, v in (overrides or {}).items() if v}
    if not values:
        return article
    fields = {**dataclasses.asdict(article), **values}
    text = fields.pop("text")
    where = fields.pop("origin") or article.id
    return make_article({**fields.pop("extra"), **fields}, text, where, article.id)


def _from_url(
    url: str, fetch: FetchSettings, overrides: Overrides | None
) -> Article | ArticleError:
    from retrieval.intake.fetch import fetch_article

    try:
        return fetch_article(url, fetch, dict(overrides or {}))
    except ArticleError as exc:
        return exc
