"""A CI-sized run of bench/feed_relevance.py, so the relevance benchmark can't rot."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from retrieval.settings import PROJECT_ROOT
from tests.feedserver import COUNCIL, FERRY

SCRIPT = PROJECT_ROOT / "bench" / "feed_relevance.py"
NEWS = [
    {"id": "ferry", "title": "Ferry", "text": "\n\n".join(FERRY)},
    {"id": "council", "title": "Council", "text": "\n\n".join(COUNCIL)},
    {"id": "zoo", "title": "Zoo", "text": "A zebra foal was born at the city zoo on Sunday."},
]


def test_scores_the_story_and_the_news_at_two_sizes(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    corpus.write_bytes(gzip.compress("".join(json.dumps(a) + "\n" for a in NEWS).encode()))
    args = ["--story", str(PROJECT_ROOT / "seeds"), "--corpus", str(corpus)]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--articles", "2", "--background", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"story articles against the others: (0\.\d\d, ){2}0\.\d\d", lines[0])
    assert lines[1].startswith("news against the story (2): median ")
    assert lines[2].startswith("news against the story and 1 more (2): median ")
    assert lines[3].startswith("story articles against the others and the news: ")
