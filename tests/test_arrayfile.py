"""The segment file format: arrays behind a JSON header, read back exactly or refused."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from retrieval.index import arrayfile


def write(path: Path, header: dict[str, object], arrays: dict[str, np.ndarray]) -> Path:
    path.write_bytes(b"".join(arrayfile.encode(header, arrays)))
    return path


def test_arrays_and_header_round_trip(tmp_path: Path) -> None:
    arrays = {
        "ids": np.array([3, 1, 2], dtype=np.int32),
        "big": np.arange(10, dtype=np.int64).reshape(5, 2),
        "keys": np.array([2**64 - 1, 0], dtype=np.uint64),
        "empty": np.zeros(0, dtype=np.uint16),
        "text": np.frombuffer("naïve “quote”".encode(), dtype=np.uint8),
    }
    path = write(tmp_path / "s", {"format_version": 3, "name": "é"}, arrays)
    header, back = arrayfile.read(path)
    assert header == {"format_version": 3, "name": "é"}
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and np.array_equal(back[name], array), name
        assert not back[name].flags.writeable or back[name].size == 0


def test_object_arrays_are_never_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not storable"):
        write(tmp_path / "s", {}, {"bad": np.array([object()], dtype=object)})


def _raw(header: dict[str, object], payload: bytes = b"") -> bytes:
    """A file with this header (its checksum right) and payload."""
    meta = json.dumps(header).encode()
    length = len(meta).to_bytes(8, "little")
    pad = b"\0" * (-(20 + len(meta)) % 64)
    crc = zlib.crc32(pad, zlib.crc32(meta, zlib.crc32(length)))
    return arrayfile.MAGIC + length + crc.to_bytes(4, "little") + meta + pad + payload


def _one(dtype: str, count: int, offset: int) -> bytes:
    """A file of one array ``x`` described so, its checksum 0, with 64 zero bytes of data."""
    spec = {"dtype": dtype, "shape": [count], "offset": offset, "crc32": 0}
    return _raw({"arrays": {"x": spec}}, bytes(64))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"STORYBO",
        b"NOTMAGIC" + bytes(8),
        arrayfile.MAGIC + (10**9).to_bytes(8, "little") + b"{}",
        _raw({"no": "arrays"}),
        _one("|O", 1, 0),
        _one("<i8", -1, 0),
        _one("<i8", 1000, 0),
        _one("<i8", 1, -64),
        _raw({"arrays": {"x": {"dtype": "<i8", "shape": [1], "offset": 0}}}, bytes(64)),
        _one("<i8", 1, 0),
        _raw({"arrays": {}})[:-1] + b"!",
        _raw({"arrays": {}}, b"tail"),
    ],
    ids=["empty", "short", "magic", "header length", "no arrays", "object dtype",
         "negative shape", "past the end", "negative offset", "no checksum", "array checksum",
         "header checksum", "bytes past the end"],
)  # fmt: skip
def test_damaged_or_hostile_files_raise_value_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "s"
    path.write_bytes(data)
    with pytest.raises(ValueError):
        arrayfile.read(path)
