"""Helpers shared by the tests of adding articles."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from retrieval.cli import main

GOOD = (
    "---\ntitle: Zamboni\nsource: Rink News\n---\n"
    "The zamboni broke down at the arena.\n\nRepairs take a week.\n"
)


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders with a digest of its content."""
    files = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != ".lock":
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def add(config: Path, *args: str) -> int:
    return main(["add", *args, "--config", str(config)])


def jsonl(path: Path, records: list[dict[str, object] | str], compress: bool = False) -> Path:
    lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    path.write_bytes(gzip.compress(lines.encode()) if compress else lines.encode())
    return path


def story(n: int) -> str:
    topics = ["harbour", "railway", "council", "library", "bridge", "museum", "stadium", "airport"]
    words = " ".join(topics[(n * k) % len(topics)] for k in range(1, 6))
    return (
        f"Story {n} is about the {topics[n % len(topics)]} and {words}.\n\nIt adds detail {n * 7}."
    )


def cli(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "retrieval.cli", *args, "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
