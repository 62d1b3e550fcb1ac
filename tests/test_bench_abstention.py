"""A CI-sized run of bench/abstention.py, so the abstention benchmark can't rot."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from retrieval.settings import PROJECT_ROOT

ABSTENTION = PROJECT_ROOT / "bench" / "abstention.py"
ARTICLES = [
    {"id": "n1", "title": "Bridge", "text": "The Harbour Bridge opened in 1932 with eight lanes."},
    {"id": "n2", "title": "Ferry", "text": "Ferry fares will fall by 15 percent in March."},
    {"id": "n3", "title": "Zoo", "text": "A zebra foal was born at the city zoo on Sunday."},
]
QUESTIONS = """\
- {q: "hmmmmmm", a: [], kind: junk}
- {q: "When did the Harbour Bridge open?", a: [], kind: out}
- {q: "Where was the zebra foal born?", a: [], kind: out}
"""


def test_asks_over_the_first_articles_and_lists_what_was_answered(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    corpus.write_bytes(gzip.compress("".join(json.dumps(a) + "\n" for a in ARTICLES).encode()))
    questions = tmp_path / "abstain.yaml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    args = ["--questions", str(questions), "--corpus", str(corpus), "--articles", "2"]
    command = [sys.executable, str(ABSTENTION), *args, "--workdir", str(tmp_path / "w")]
    for _ in range(2):  # the second run reuses the imported corpus
        done = subprocess.run([*command, "--no-seeds"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "news, first 2: 2 articles" in done.stdout
        assert "junk  left unanswered 1/1 (1.000)" in done.stdout
        assert "out   left unanswered 1/2 (0.500)" in done.stdout  # the zoo is the third
        assert "answered [out] 'When did the Harbour Bridge open?'" in done.stdout
    assert "imported" not in done.stdout
