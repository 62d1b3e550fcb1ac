"""Helpers for tests that damage saved segment files on purpose."""

from __future__ import annotations

import json
import zlib
from typing import Any

from retrieval.index import arrayfile

# Magic, the header's length, the header's CRC-32: then the JSON header.
PREFIX = len(arrayfile.MAGIC) + 8 + 4


def header_of(data: bytes) -> tuple[dict[str, Any], int]:
    """A segment's JSON header and where its arrays begin."""
    length = int.from_bytes(data[8:16], "little")
    return json.loads(data[PREFIX : PREFIX + length]), -(-(PREFIX + length) // 64) * 64


def with_header(data: bytes, **changes: object) -> bytes:
    """A segment's bytes with its JSON header changed, the header's checksum made to match."""
    header, start = header_of(data)
    header.update(changes)
    meta = json.dumps(header).encode()
    length = len(meta).to_bytes(8, "little")
    pad = b"\0" * (-(PREFIX + len(meta)) % 64)
    crc = zlib.crc32(pad, zlib.crc32(meta, zlib.crc32(length)))
    return arrayfile.MAGIC + length + crc.to_bytes(4, "little") + meta + pad + data[start:]


def array_range(data: bytes, name: str) -> tuple[int, int]:
    """Where an array's bytes are in a segment file: (start, end)."""
    header, start = header_of(data)
    spec = header["arrays"][name]
    count = 1
    for n in spec["shape"]:
        count *= int(n)
    lo = start + int(spec["offset"])
    return lo, lo + count * int(spec["dtype"][-1])


def overwrite(data: bytes, offset: int, new: bytes) -> bytes:
    """The bytes with ``new`` written at ``offset`` (the length unchanged)."""
    return data[:offset] + new + data[offset + len(new) :]
