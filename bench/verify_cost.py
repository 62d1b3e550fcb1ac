"""What verifying segment checksums at load costs: load time and memory, with and without.

Imports the first --articles articles of a JSONL(.gz) corpus into a fresh index,
then opens it --repeat times each way, alternating, each in a fresh process
(``Retriever.from_settings``, as a command does; the files are in the page
cache after the first open). Without verification is the same load with the
checksum pass switched off. Prints the median and best load seconds, the
resident memory after load, and the time of the checksum pass alone, each way.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from retrieval import Retriever, load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample import import_sample


def child(corpus: Path, index: Path, verify: bool) -> None:
    """Open the index once and print {"seconds", "rss_mb"} as JSON."""
    if not verify:
        from retrieval.index import arrayfile

        read = arrayfile.read
        arrayfile.read = lambda path, verify=True: read(path, False)  # type: ignore[assignment]
    settings = load_settings().with_paths(corpus=corpus, index=index)
    start = time.perf_counter()
    Retriever.from_settings(settings)
    seconds = time.perf_counter() - start
    rss = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = float(line.split()[1]) / 1024
    from retrieval.index import arrayfile

    start = time.perf_counter()
    for path in index.glob("seg-*.seg"):
        arrayfile.failed_checksums(path)
    checksums = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "checksums": checksums}))


def measure(corpus: Path, index: Path, verify: bool) -> dict[str, float]:
    flag = [] if verify else ["--no-verify"]
    command = [sys.executable, __file__, "--child", str(corpus), str(index), *flag]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a JSONL(.gz) of articles")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], not args.no_verify)
        return 0
    if args.corpus is None:
        parser.error("--corpus is required")
    with tempfile.TemporaryDirectory() as work:
        settings = import_sample(args.corpus, args.articles, Path(work))
        size = sum(p.stat().st_size for p in settings.index.glob("seg-*.seg"))
        measure(settings.corpus, settings.index, True)  # warm the page cache
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _ in range(args.repeat):
            for verify in (True, False):
                runs[verify].append(measure(settings.corpus, settings.index, verify))
        print(f"{args.articles} articles, segments {size / 2**20:.1f} MB, {args.repeat} loads each")
        for verify, label in ((True, "verified"), (False, "not verified")):
            seconds = [r["seconds"] for r in runs[verify]]
            rss = statistics.median(r["rss_mb"] for r in runs[verify])
            alone = statistics.median(r["checksums"] for r in runs[verify])
            print(
                f"{label:13} load median {statistics.median(seconds):.3f} s, "
                f"best {min(seconds):.3f} s, RSS after load {rss:.0f} MB "
                f"(the checksum pass alone, after: {alone:.3f} s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
