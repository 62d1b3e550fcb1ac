"""Benchmark storybot at scale: indexing, loading, answering, and the BM25 anchors.

Stages, each timed: (1) `storybot add CORPUS --quiet` into an empty corpus folder in a
child process (wall time; peak memory of the child and its worker processes together,
sampled), then the index and corpus folder sizes; (2) a fresh child opens the index
(`Retriever.from_settings`, timed), warms up on 5 questions and answers every question
with `Retriever.ask` (retrieval and excerpts); (3) the anchors (see anchors.py), on the
passages and tokens of the saved index: bm25s on all of them against our scorer, and on
the first --slice-passages passages rank-bm25, bm25s and our scorer, with a parity check
of our top-5 against rank-bm25's; (4) on the whole index, each in a fresh process as a user
runs it: `storybot remove ID` of the article in the middle of the corpus folder, then
`storybot add FILE` of that article again (wall time and peak memory of each).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from anchors import TOP, FullFigures, SliceFigures, full_anchor, slice_anchors
from change import ChangeFigures, new_article, stage_add_cli, stage_remove_and_add_back
from memory import mb, run_child

ROOT = Path(__file__).resolve().parent.parent
# The last line `storybot add` prints:
# "26331 articles added (966230 passages), 431 already in the corpus, 0 refused, in ..."
SUMMARY = re.compile(
    r"(?P<added>\d+) articles? added \((?P<passages>\d+) passages?\), "
    r"(?:(?P<already>\d+) already in the corpus, )?(?P<refused>\d+) refused"
)
WARMUP = 5


@dataclass
class IndexFigures:
    command: str
    exit_code: int
    articles_in: int
    added: int
    already: int
    refused: int
    passages: int
    seconds: float
    peak_rss_mb: float
    index_bytes: int
    corpus_bytes: int


@dataclass
class ServeFigures:
    load_seconds: float
    rss_after_load_mb: float
    questions: int
    warmup: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    questions_per_second: float
    answered: int
    peak_rss_mb: float
    rss_mb: float
    add_one_seconds: float
    add_one_found: bool
    add_one_cli_seconds: float | None = None


@dataclass
class Results:
    machine: dict[str, Any]
    params: dict[str, Any]
    index: IndexFigures
    serve: ServeFigures
    full: FullFigures | None
    anchors: SliceFigures | None
    change: ChangeFigures | None = None


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def read_questions(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def proc_status_kb(field: str) -> float:
    """A field of /proc/self/status in kB (VmRSS, VmHWM); 0 where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def prepare(corpus: Path, limit: int | None, workdir: Path) -> tuple[Path, Path, int]:
    """The input file (the first ``limit`` articles when given), a config, and the article count."""
    (workdir / "corpus").mkdir(parents=True)
    config = workdir / "storybot.yaml"
    config.write_text("corpus: corpus\nindex: index\n", encoding="utf-8")
    count = 0
    opener: Callable[..., Any] = gzip.open if corpus.name.endswith(".gz") else open
    if limit is None:
        with opener(corpus, "rt", encoding="utf-8") as lines:
            count = sum(1 for line in lines if line.strip())
        return corpus, config, count
    source = workdir / "input.jsonl.gz"
    with opener(corpus, "rt", encoding="utf-8") as lines, gzip.open(source, "wt") as out:
        for line in lines:
            if count >= limit:
                break
            if line.strip():
                out.write(line)
                count += 1
    return source, config, count


def stage_index(source: Path, config: Path, workdir: Path, articles: int) -> IndexFigures:
    command = [sys.executable, "-m", "retrieval.cli", "add", str(source), "--quiet"]
    command += ["--config", str(config)]
    code, seconds, peak = run_child(command, workdir / "add.log")
    log = (workdir / "add.log").read_text(errors="replace")
    summary = SUMMARY.search(log)
    # Exit code 1 means some input was refused as bad: still a run.
    if code not in (0, 1) or summary is None:
        sys.stderr.write(log[-2000:])
        raise SystemExit(f"storybot add failed with exit code {code}")
    return IndexFigures(
        command="storybot add " + " ".join(command[4:]),
        exit_code=code,
        articles_in=articles,
        added=int(summary["added"]),
        already=int(summary["already"] or 0),
        refused=int(summary["refused"]),
        passages=int(summary["passages"]),
        seconds=round(seconds, 2),
        peak_rss_mb=mb(peak),
        index_bytes=folder_bytes(workdir / "index"),
        corpus_bytes=folder_bytes(workdir / "corpus"),
    )


def serve(config: Path, queries: Path) -> dict[str, float]:
    """In the child: open the index, answer every question, report as JSON on stdout."""
    from retrieval import Retriever, load_settings

    settings = load_settings(config)
    start = time.perf_counter()
    retriever = Retriever.from_settings(settings)
    load = time.perf_counter() - start
    rss_after_load = proc_status_kb("VmRSS")
    questions = read_questions(queries)
    for question in questions[:WARMUP]:
        retriever.ask(question)
    latencies, answered = [], 0
    begin = time.perf_counter()
    for question in questions:
        t = time.perf_counter()
        answer = retriever.ask(question)
        latencies.append(time.perf_counter() - t)
        answered += bool(answer.results)
    total = time.perf_counter() - begin

    ms = np.asarray(latencies) * 1000
    return {
        "load_seconds": round(load, 3),
        "rss_after_load_mb": mb(rss_after_load),
        "questions": len(questions),
        "warmup": min(WARMUP, len(questions)),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "questions_per_second": round(len(questions) / total, 2),
        "answered": answered,
        "peak_rss_mb": mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "rss_mb": mb(proc_status_kb("VmRSS")),
        **add_one(retriever),
    }


def add_one(retriever: Any) -> dict[str, Any]:
    """Add one new article to the served index (as the bot's /add does) and ask about it."""
    from retrieval.storage.corpus import read_article_file

    path = Path(tempfile.mkdtemp()) / "zyxwenbridge.md"
    path.write_text(new_article("Zyxwenbridge"), encoding="utf-8")
    article = read_article_file(path)
    start = time.perf_counter()
    report = retriever.add([article])
    seconds = time.perf_counter() - start
    answer = retriever.ask("Which quarry flooded overnight, said the county engineer?")
    found = bool(report.added) and any(
        s.id == article.id for r in answer.results for s in r.sources
    )
    return {"add_one_seconds": round(seconds, 3), "add_one_found": found}


def stage_serve(config: Path, queries: Path, workdir: Path) -> ServeFigures:
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(config), str(queries)]
    log = workdir / "serve.log"
    code, _, _ = run_child(command, log)
    lines = log.read_text(errors="replace").strip().splitlines()
    if code != 0 or not lines:
        sys.stderr.write("\n".join(lines[-30:]) + "\n")
        raise SystemExit(f"the serving child failed with exit code {code}")
    return ServeFigures(**json.loads(lines[-1]))


def stage_anchors(
    config: Path, queries: Path, count: int
) -> tuple[FullFigures | None, SliceFigures]:
    """The anchors, on the saved index's own passages and tokens."""
    from retrieval import Retriever, load_settings

    index = Retriever.from_settings(load_settings(config)).index
    questions = [index.analyzer.terms(q) for q in read_questions(queries)]
    full = full_anchor(index, questions)
    if full is not None:
        print(f"bm25s on all {full.passages} passages: {full.bm25s_qps} q/s", flush=True)
    return full, slice_anchors(index, count, questions, index.params)


def table(results: Results) -> Iterator[str]:
    i, s, f, a, c = results.index, results.serve, results.full, results.anchors, results.change
    rows = [
        (
            "articles in",
            f"{i.articles_in} ({i.added} added, {i.already} already there, {i.refused} refused)",
        ),
        ("passages indexed", f"{i.passages}"),
        ("import + index", f"{i.seconds:.1f} s, peak {i.peak_rss_mb:.0f} MB"),
        ("index on disk", f"{i.index_bytes / 2**20:.1f} MB"),
        ("corpus folder", f"{i.corpus_bytes / 2**20:.1f} MB"),
        ("load", f"{s.load_seconds:.2f} s (RSS after load {s.rss_after_load_mb:.0f} MB)"),
        ("questions", f"{s.questions} ({s.answered} answered, after {s.warmup} warm-up)"),
        ("latency p50/p95/p99", f"{s.p50_ms:.1f} / {s.p95_ms:.1f} / {s.p99_ms:.1f} ms"),
        ("questions/s (1 process)", f"{s.questions_per_second:.1f}"),
        ("memory serving", f"peak {s.peak_rss_mb:.0f} MB, now {s.rss_mb:.0f} MB"),
        (
            "add one article",
            f"{s.add_one_seconds:.3f} s in the serving process (found: {s.add_one_found}),"
            f" {s.add_one_cli_seconds} s as `storybot add FILE`",
        ),
    ]
    if c is not None:
        rows += [
            (
                "remove one article",
                f"{c.remove_seconds:.3f} s, peak {c.remove_peak_rss_mb:.0f} MB"
                f" as `storybot remove ID` ({c.removed_passages} passages)",
            ),
            (
                "add it back",
                f"{c.add_back_seconds:.3f} s, peak {c.add_back_peak_rss_mb:.0f} MB"
                " as `storybot add FILE`",
            ),
        ]
    if f is not None:
        rows += [
            (
                "bm25s, all passages",
                f"{f.bm25s_qps:.1f} q/s, p50 {f.bm25s_p50_ms:.1f} ms"
                f" ({f.bm25s_method}, index {f.bm25s_build_seconds} s)",
            ),
            (
                "ours, retrieval only",
                f"{f.ours_retrieval_qps:.1f} q/s, p50 {f.ours_retrieval_p50_ms:.1f} ms",
            ),
            ("ours end to end / bm25s", f"{s.questions_per_second / f.bm25s_qps:.2f}x"),
        ]
    if a is not None:
        rows += [
            ("anchor slice", f"{a.passages} passages, {a.questions} questions, top-{TOP}"),
            ("rank-bm25 Okapi", f"{a.rank_bm25_qps:.2f} q/s (build {a.rank_bm25_build_seconds} s)"),
            (
                "bm25s",
                f"{a.bm25s_qps:.1f} q/s (index {a.bm25s_build_seconds} s)"
                if a.bm25s_qps
                else "not installed",
            ),
            ("ours BM25Scorer", f"{a.ours_qps:.1f} q/s (build {a.ours_build_seconds} s)"),
            ("ours / rank-bm25", f"{a.ours_vs_rank_bm25:.1f}x"),
            ("ours / bm25s", f"{a.ours_vs_bm25s:.2f}x" if a.ours_vs_bm25s else "-"),
            ("top-5 = rank-bm25", f"{a.parity_identical} / {a.parity_total} questions"),
        ]
    width = max(len(name) for name, _ in rows)
    yield from (f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a .jsonl(.gz) of articles (required)")
    parser.add_argument("--queries", type=Path, help="one question a line (required)")
    parser.add_argument("--limit-articles", type=int, metavar="N")
    parser.add_argument("--slice-passages", type=int, default=100_000, metavar="N")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--workdir", type=Path, help="an empty or new folder (default: a temp dir)")
    parser.add_argument("--skip-anchors", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("CONFIG", "QUERIES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        print(json.dumps(serve(Path(args.serve[0]), Path(args.serve[1]))))
        return 0
    if args.corpus is None or args.queries is None:
        parser.error("--corpus and --queries are required")

    temporary = args.workdir is None  # a temp workdir is removed at the end; a given one is kept
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storybot-bench-"))
    corpus, queries = args.corpus.resolve(), args.queries.resolve()
    params = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    del params["serve"]
    params["workdir"] = str(workdir)
    print(f"workdir {workdir}", flush=True)
    source, config, articles = prepare(corpus, args.limit_articles, workdir)
    from retrieval import load_settings

    settings = load_settings(config)
    params["bm25"] = {k: getattr(settings.retrieval, k) for k in ("model", "k1", "b", "epsilon")}
    params["top_k"] = settings.retrieval.top_k
    params["stemmer"] = settings.analysis.stemmer

    index = stage_index(source, config, workdir, articles)
    print(f"indexed in {index.seconds:.1f} s", flush=True)
    served = stage_serve(config, queries, workdir)
    served.add_one_cli_seconds = stage_add_cli(config, workdir)
    print(f"served {served.questions} questions", flush=True)
    full = anchors = None
    if not args.skip_anchors:
        full, anchors = stage_anchors(config, queries, args.slice_passages)
    # Last: the anchors read the passages of the index as imported.
    change = stage_remove_and_add_back(config, workdir)
    print(f"removed one article in {change.remove_seconds:.3f} s", flush=True)

    machine = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git_commit(),
    }
    results = Results(machine, params, index, served, full, anchors, change)
    print("\n".join(table(results)))
    if args.out:
        args.out.write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
    if temporary:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
