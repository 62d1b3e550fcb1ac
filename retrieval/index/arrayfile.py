"""A file of named arrays behind a JSON header, read by mapping it into memory.

Layout: the magic ``STORYBOT``, the header's length (8 bytes, little-endian),
the header (UTF-8 JSON: the caller's data plus each array's dtype, shape and
offset), then each array's raw bytes, 64-byte aligned. Nothing is unpickled:
reading a damaged or hostile file can fail, but only with ValueError.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MAGIC = b"STORYBOT"
_ALIGN = 64
# Only plain numeric types are written or accepted.
_DTYPES = frozenset({"<i4", "<i8", "<u2", "<u8", "|u1", "<f8"})


def encode(header: Mapping[str, Any], arrays: Mapping[str, npt.NDArray[Any]]) -> Iterator[bytes]:
    """The file's bytes, in pieces (arrays are not copied into one buffer)."""
    layout: dict[str, dict[str, Any]] = {}
    offset = 0
    plain: dict[str, npt.NDArray[Any]] = {}
    for name, array in arrays.items():
        array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        if array.dtype.str not in _DTYPES:
            raise ValueError(f"array {name}: dtype {array.dtype.str} is not storable")
        plain[name] = array
        layout[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += _padded(array.nbytes)
    meta = json.dumps({**header, "arrays": layout}, ensure_ascii=False).encode("utf-8")
    yield MAGIC + len(meta).to_bytes(8, "little") + meta
    yield b"\0" * (_padded(len(MAGIC) + 8 + len(meta)) - (len(MAGIC) + 8 + len(meta)))
    for array in plain.values():
        yield array.tobytes()
        yield b"\0" * (_padded(array.nbytes) - array.nbytes)


def read(path: Path) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The header and the arrays (read-only views of the mapped file)."""
    with path.open("rb") as stream:
        size = path.stat().st_size
        if size < len(MAGIC) + 8:
            raise ValueError(f"{path.name}: too short to be an index segment")
        view = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    if view[: len(MAGIC)] != MAGIC:
        raise ValueError(f"{path.name}: not an index segment")
    length = int.from_bytes(view[len(MAGIC) : len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8
    if start + length > size:
        raise ValueError(f"{path.name}: truncated header")
    header = json.loads(view[start : start + length].decode("utf-8"))
    if not isinstance(header, dict) or not isinstance(header.get("arrays"), dict):
        raise ValueError(f"{path.name}: header without arrays")
    data = _padded(start + length)
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, spec in header.pop("arrays").items():
        dtype = str(spec["dtype"])
        shape = tuple(int(n) for n in spec["shape"])
        offset = data + int(spec["offset"])
        if dtype not in _DTYPES or any(n < 0 for n in shape) or offset < data:
            raise ValueError(f"{path.name}: bad array {name!r}")
        count = int(np.prod(shape, dtype=np.int64))
        if offset + count * np.dtype(dtype).itemsize > size:
            raise ValueError(f"{path.name}: truncated array {name!r}")
        arrays[name] = (
            np.frombuffer(view, dtype=dtype, count=count, offset=offset).reshape(shape)
            if count
            else np.zeros(shape, dtype=dtype)
        )
    return header, arrays


def _padded(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN
