"""A file of named arrays behind a JSON header, read by mapping it into memory.

Layout: the magic ``STORYBOT``, the header's length (8 bytes, little-endian),
the header's CRC-32 (4 bytes, little-endian, over the length, the header and
its padding), the header (UTF-8 JSON: the caller's data plus each array's
dtype, shape, offset and CRC-32), then each array's raw bytes, 64-byte aligned
(an array's CRC-32 covers its bytes and its padding). Every byte of the file is
under a checksum, and the file ends where its last array does. Nothing is
unpickled: reading a damaged or hostile file can fail, but only with ValueError.
"""

from __future__ import annotations

import io
import json
import mmap
import os
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MAGIC = b"STORYBOT"
_ALIGN = 64
_PREFIX = len(MAGIC) + 8 + 4
# Only plain numeric types are written or accepted.
_DTYPES = frozenset({"<i4", "<i8", "<u2", "<u8", "|u1", "<f8"})
# Checksums are computed on reads of this size, not on the mapping: verifying
# leaves the pages in the page cache, not in the process's resident memory.
_CHUNK = 1 << 22


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
        crc = zlib.crc32(_padding(array.nbytes), zlib.crc32(array.tobytes()))
        layout[name] = {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "offset": offset,
            "crc32": crc,
        }
        offset += _padded(array.nbytes)
    meta = json.dumps({**header, "arrays": layout}, ensure_ascii=False).encode("utf-8")
    length = len(meta).to_bytes(8, "little")
    pad = _padding(_PREFIX + len(meta))
    crc = zlib.crc32(pad, zlib.crc32(meta, zlib.crc32(length)))
    yield MAGIC + length + crc.to_bytes(4, "little") + meta + pad
    for array in plain.values():
        yield array.tobytes()
        yield _padding(array.nbytes)


@dataclass(frozen=True)
class _Array:
    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int
    count: int
    crc32: int

    @property
    def extent(self) -> int:
        """Its bytes and their padding."""
        return _padded(self.count * np.dtype(self.dtype).itemsize)


def read(path: Path, verify: bool = True) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The header and the arrays (read-only views of the mapped file).

    With ``verify``, every array's checksum is checked first.
    """
    with path.open("rb", buffering=0) as stream:
        header, specs = _layout(path.name, stream)
        if verify:
            bad = _failed(stream, specs)
            if bad:
                raise ValueError(f"{path.name}: array {bad[0]!r} does not match its checksum")
        view = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    arrays: dict[str, npt.NDArray[Any]] = {}
    for spec in specs:
        arrays[spec.name] = (
            np.frombuffer(view, dtype=spec.dtype, count=spec.count, offset=spec.start).reshape(
                spec.shape
            )
            if spec.count
            else np.zeros(spec.shape, dtype=spec.dtype)
        )
    return header, arrays


def failed_checksums(path: Path) -> list[str]:
    """The names of the arrays whose bytes do not match their checksum (ValueError: bad header)."""
    with path.open("rb", buffering=0) as stream:
        _, specs = _layout(path.name, stream)
        return _failed(stream, specs)


def reason(exc: Exception, name: str) -> str:
    """What an exception reading the file ``name`` says is wrong, without the name again."""
    text = str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    # A ValueError of ours says what is wrong; another exception's type says more than its text.
    text = text if type(exc) is ValueError else f"{type(exc).__name__}: {text}"
    return text.removeprefix(f"{name}: ")


def _layout(name: str, stream: io.FileIO) -> tuple[dict[str, Any], list[_Array]]:
    """The header (without its array table) and where each array is; ValueError if damaged."""
    size = os.fstat(stream.fileno()).st_size
    prefix = stream.read(_PREFIX)
    if len(prefix) < _PREFIX:
        raise ValueError(f"{name}: too short to be an index segment")
    if prefix[: len(MAGIC)] != MAGIC:
        raise ValueError(f"{name}: not an index segment")
    length = int.from_bytes(prefix[len(MAGIC) : len(MAGIC) + 8], "little")
    data = _padded(_PREFIX + length)
    if data > size:
        raise ValueError(f"{name}: truncated header")
    rest = stream.read(data - _PREFIX)
    crc = zlib.crc32(rest, zlib.crc32(prefix[len(MAGIC) : len(MAGIC) + 8]))
    if crc != int.from_bytes(prefix[-4:], "little"):
        raise ValueError(f"{name}: the header does not match its checksum")
    header = json.loads(rest[:length].decode("utf-8"))
    if not isinstance(header, dict) or not isinstance(header.get("arrays"), dict):
        raise ValueError(f"{name}: header without arrays")
    specs = [_spec(name, key, value, data) for key, value in header.pop("arrays").items()]
    end = max((spec.start + spec.extent for spec in specs), default=data)
    if end > size:
        raise ValueError(f"{name}: truncated: {size} bytes, the arrays need {end}")
    if end < size:
        raise ValueError(f"{name}: {size - end} bytes past the last array")
    return header, specs


def _spec(name: str, key: str, value: Any, data: int) -> _Array:
    try:
        dtype = str(value["dtype"])
        shape = tuple(int(n) for n in value["shape"])
        start = data + int(value["offset"])
        crc = int(value["crc32"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{name}: bad array {key!r}") from None
    if dtype not in _DTYPES or any(n < 0 for n in shape) or start < data:
        raise ValueError(f"{name}: bad array {key!r}")
    count = int(np.prod(shape, dtype=np.int64))
    return _Array(key, dtype, shape, start, count, crc)


def _failed(stream: io.FileIO, specs: list[_Array]) -> list[str]:
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    failed = []
    for spec in specs:
        stream.seek(spec.start)
        crc, left = 0, spec.extent
        while left:
            got = stream.readinto(view[: min(left, _CHUNK)])
            if not got:
                break
            crc = zlib.crc32(view[:got], crc)
            left -= got
        if left or crc != spec.crc32:
            failed.append(spec.name)
    return failed


def _padded(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def _padding(n: int) -> bytes:
    return b"\0" * (_padded(n) - n)
