"""A CI-sized run of bench/bench.py on a generated corpus, so the benchmark can't rot."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from retrieval.settings import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench" / "bench.py"
QUESTIONS = 10

PLACES = ["Harbor City", "Lakeside", "Millbrook", "Northgate", "Riverton", "Stonefield"]
SUBJECTS = [
    "council budget",
    "bridge repair",
    "school board vote",
    "water main break",
    "stadium plan",
    "library expansion",
    "bus strike",
    "flood warning",
    "hospital merger",
    "tax increase",
]
WORDS = (
    "officials residents mayor report vote plan cost million delay contract engineers "
    "neighbors protest hearing schedule funding agency spokesperson statement crews "
    "inspection damage repairs weather forecast season deadline budget committee"
).split()

FIGURES = {
    "index": [
        "seconds",
        "peak_rss_mb",
        "index_bytes",
        "corpus_bytes",
        "articles_in",
        "added",
        "passages",
    ],
    "serve": [
        "load_seconds",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "questions_per_second",
        "peak_rss_mb",
        "rss_mb",
        "questions",
        "add_one_seconds",
        "add_one_cli_seconds",
    ],
    "anchors": [
        "passages",
        "rank_bm25_build_seconds",
        "rank_bm25_qps",
        "ours_build_seconds",
        "ours_qps",
        "ours_vs_rank_bm25",
        "parity_identical",
        "parity_total",
    ],
}
BM25S_FIGURES = ["bm25s_build_seconds", "bm25s_qps", "ours_vs_bm25s"]


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 9)
    return " ".join(words).capitalize() + "."


def _article(rng: random.Random, number: int) -> dict[str, str]:
    place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
    paragraphs = [f"The {subject} in {place} drew attention this week. " + _sentence(rng)]
    paragraphs += [
        " ".join(_sentence(rng) for _ in range(3)) + f" The {subject} continues."
        for _ in range(rng.randint(2, 4))
    ]
    return {
        "title": f"{place} {subject} update {number}",
        "source": "example.com",
        "url": f"https://example.com/news/{number}",
        "published": f"2024-03-{1 + number % 28:02d}",
        "text": "\n\n".join(paragraphs),
    }


def _write_inputs(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(5)
    corpus = folder / "corpus.jsonl"
    lines = [json.dumps(_article(rng, n)) for n in range(60)]
    lines.append(lines[7])  # a duplicate, as the real corpus has: already there, the run goes on
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    queries = folder / "queries.txt"
    asked = [
        f"What happened with the {rng.choice(SUBJECTS)} in {rng.choice(PLACES)}?"
        for _ in range(QUESTIONS - 1)
    ]
    asked.append("Who is the spokesperson?")
    queries.write_text("\n".join(asked) + "\n", encoding="utf-8")
    return corpus, queries


def test_bench_smoke_run(tmp_path: Path) -> None:
    corpus, queries = _write_inputs(tmp_path)
    out = tmp_path / "r.json"
    command = [sys.executable, str(BENCH), "--corpus", str(corpus), "--queries", str(queries)]
    command += ["--slice-passages", "200", "--workdir", str(tmp_path / "w"), "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "top-5 = rank-bm25" in run.stdout

    results = json.loads(out.read_text(encoding="utf-8"))
    for section, names in FIGURES.items():
        for name in names:
            value = results[section][name]
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (section, name)
    for name in BM25S_FIGURES:  # bm25s is optional: a number when installed, else null
        assert results["anchors"][name] is None or isinstance(results["anchors"][name], float)
    full = results["full"]  # bm25s on every passage: only when bm25s is installed
    if full is not None:
        # The index as it stands: the import plus the two articles added one at a time.
        assert full["passages"] == results["index"]["passages"] + 4
        assert full["bm25s_qps"] > 0 and full["ours_retrieval_qps"] > 0
    assert results["index"]["articles_in"] == 61
    index = results["index"]
    assert (index["added"], index["already"], index["refused"], index["exit_code"]) == (60, 1, 0, 0)
    assert results["serve"]["questions"] == QUESTIONS
    assert results["serve"]["add_one_found"] is True
    assert results["serve"]["add_one_seconds"] > 0 and results["serve"]["add_one_cli_seconds"] > 0
    assert results["anchors"]["passages"] == 200
    change = results["change"]  # remove the middle article, then add it back, as commands
    assert change["removed_passages"] > 0 and "remove one article" in run.stdout
    for name in ("remove_seconds", "remove_peak_rss_mb", "add_back_seconds"):
        assert isinstance(change[name], float) and change[name] > 0, name
    assert results["anchors"]["parity_total"] == QUESTIONS
    assert results["anchors"]["parity_identical"] == QUESTIONS
    assert isinstance(results["machine"]["cpu_count"], int)
    assert results["machine"]["python"]
    assert results["params"]["slice_passages"] == 200
