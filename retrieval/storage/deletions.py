"""Deletion files: the articles removed from a segment, kept beside it, never in it.

``seg-NNNNNN.G.del`` lists the removed articles of ``seg-NNNNNN.seg`` (by their
position in it, with their ids) as JSON with a format version and a checksum.
Each removal writes the next generation ``G`` as a new file, and the manifest
names the generation in force, so a reader sees the deletions that go with the
segments it read. A merge rewrites the segment without them and drops the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from retrieval.index.segment import Segment

DELETIONS_VERSION = 1
_NAME = re.compile(r"(?P<segment>seg-\d+)\.(?P<generation>\d+)\.del")


def deletions_name(segment_name: str, previous: str | None) -> str:
    """The name of the next deletion file of a segment, after ``previous`` (or the first)."""
    match = _NAME.fullmatch(previous) if previous is not None else None
    generation = int(match["generation"]) + 1 if match is not None else 1
    return f"{Path(segment_name).stem}.{generation}.del"


def encode(segment_name: str, segment: Segment, deleted: Iterable[int]) -> bytes:
    """A deletion file's bytes: the removed articles' positions and ids, with a checksum."""
    numbers = sorted(set(deleted))
    body = {
        "segment": segment_name,
        "articles": numbers,
        "ids": [str(segment.articles[n]["id"]) for n in numbers],
    }
    data = {"format_version": DELETIONS_VERSION, **body, "checksum": _checksum(body)}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def read_deletions(path: Path, segment_name: str, segment: Segment) -> frozenset[int]:
    """The removed articles a deletion file lists; ValueError if it is damaged or not this
    segment's (or OSError if it can't be read)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format_version") != DELETIONS_VERSION:
        raise ValueError(f"{path.name}: not a deletion file of format {DELETIONS_VERSION}")
    body = {key: data.get(key) for key in ("segment", "articles", "ids")}
    if data.get("checksum") != _checksum(body):
        raise ValueError(f"{path.name}: checksum does not match")
    numbers, ids = body["articles"], body["ids"]
    if body["segment"] != segment_name or not isinstance(numbers, list):
        raise ValueError(f"{path.name}: not the deletions of {segment_name}")
    if not isinstance(ids, list) or len(ids) != len(numbers):
        raise ValueError(f"{path.name}: ids do not match the articles")
    for number, article_id in zip(numbers, ids, strict=True):
        fits = isinstance(number, int) and 0 <= number < segment.article_count
        if not fits or str(segment.articles[number]["id"]) != article_id:
            raise ValueError(f"{path.name}: article {number} is not '{article_id}'")
    return frozenset(numbers)


def load_segment(
    index_dir: Path, name: str, deletions: dict[str, str]
) -> tuple[Segment, frozenset[int]]:
    """A saved segment, mapped, and the articles removed from it (``deletions``: the manifest's)."""
    segment = Segment.load(index_dir / name)
    current = deletions.get(name)
    if current is None:
        return segment, frozenset()
    return segment, read_deletions(index_dir / current, name, segment)


def _checksum(body: Mapping[str, object]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
