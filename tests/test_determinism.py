"""The same question over the same index gives byte-identical output in every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SEEDS = ("0", "1", "2", "3", "4", "5")

# Misspellings one edit from two index terms of equal document frequency: which one the
# correction picks must not depend on the order a set of candidate words is walked in.
TIES = {
    "plane.md": "---\ntitle: Plane\n---\nThe plane landed at noon on the runway.\n",
    "plant.md": "---\ntitle: Plant\n---\nThe plant closed in June after the strike.\n",
    "cable.md": "---\ntitle: Cable\n---\nA cable snapped on the old ferry in March.\n",
    "table.md": "---\ntitle: Table\n---\nThe table of results was printed in May.\n",
}
QUESTIONS = "when did the planx land\nwhat happened to the xable\nwhen was the tabke printed\n"


def ask_all(corpus: Path, index: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "retrieval.cli", "--corpus", str(corpus)]
    command += ["--index", str(index), "ask", "-", "--json"]
    done = subprocess.run(command, input=QUESTIONS, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in TIES.items():
        (corpus / name).write_text(text)
    outputs = {seed: ask_all(corpus, tmp_path / "index", seed) for seed in SEEDS}
    assert len(set(outputs.values())) == 1, outputs
    assert outputs["0"].count('"excerpt"') >= 2  # the questions were answered, not refused
