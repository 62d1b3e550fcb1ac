"""What `storybot add` is given: files, folders, JSONL files and URLs, as articles."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path

from retrieval.errors import ArticleError
from retrieval.settings import FetchSettings
from retrieval.storage.corpus import (
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    not_regular,
    read_article_file,
    read_jsonl,
)
from retrieval.text.article import Article, checked, make_article

HTML_SUFFIXES = (".html", ".htm")
ADDABLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES

Overrides = Mapping[str, str | None]


def is_url(value: str) -> bool:
    return "://" in value


def expand(
    inputs: list[str],
    fetch: FetchSettings,
    overrides: Overrides | None = None,
    skipped: list[str] | None = None,
) -> Iterator[Article | ArticleError]:
    """Every article the inputs name, in order; what can't be read comes as its error.

    A folder is read with its subfolders; hidden entries and links to folders are
    left out, each named in ``skipped`` with why, and links out of the folder are refused.
    """
    for value in inputs:
        for item in _items(value, fetch, overrides, skipped if skipped is not None else []):
            yield _checked(item)


def _items(
    value: str, fetch: FetchSettings, overrides: Overrides | None, skipped: list[str]
) -> Iterator[Article | ArticleError]:
    if is_url(value):
        yield _from_url(value, fetch, overrides)
        return
    path = Path(value)
    if path.is_dir():
        found = yield from _folder(path, path.resolve(), skipped)
        if not found:
            yield ArticleError(f"{path}: no article files in the folder")
    elif path.exists() or path.is_symlink():
        yield from _one_file(path, overrides)
    else:
        yield ArticleError(f"{path}: no such file or folder")


def _folder(
    folder: Path, root: Path, skipped: list[str]
) -> Generator[Article | ArticleError, None, int]:
    """A folder's articles and its subfolders', in name order; returns the entries read."""
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield ArticleError(f"{folder}: cannot list the folder ({exc.strerror})")
        return 1
    found = 0
    for child in children:
        if child.name.startswith("."):
            skipped.append(f"{child}: hidden")
            continue
        if child.is_symlink():
            problem = _link_problem(child, root)
            if problem is not None:
                found += 1
                yield ArticleError(f"{child}: {problem}")
                continue
            if child.is_dir():
                skipped.append(f"{child}: a link to a folder, not followed")
                continue
        if child.is_dir():
            found += yield from _folder(child, root, skipped)
        else:
            found += 1
            yield from _one_file(child, None)
    return found


def _link_problem(link: Path, root: Path) -> str | None:
    """Why a symbolic link in a folder being added is not followed, or None."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a broken or looping symbolic link"
    if not target.is_relative_to(root):
        return f"a symbolic link to outside the folder ({target}), not followed"
    return None


def _one_file(path: Path, overrides: Overrides | None) -> Iterator[Article | ArticleError]:
    """A file's articles, once it is known to be a regular file (a FIFO would never end)."""
    try:
        kind = not_regular(path.stat().st_mode)
    except OSError as exc:
        yield ArticleError(f"{path}: cannot read ({exc.strerror})")
        return
    if kind is not None:
        yield ArticleError(f"{path}: {kind}, not an article file")
        return
    yield from from_file(path, overrides)


def _checked(item: Article | ArticleError) -> Article | ArticleError:
    if isinstance(item, ArticleError):
        return item
    try:
        return checked(item)
    except ArticleError as exc:
        return exc


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
    item = _checked(items[0])
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
