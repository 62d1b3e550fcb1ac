"""Run a Python module or script, then write its own peak resident memory (kB) to a file.

    python3 bench/own_peak.py OUT -m MODULE ARGS...
    python3 bench/own_peak.py OUT SCRIPT ARGS...

The peak is VmHWM, which starts afresh at exec. ``wait4``'s ru_maxrss does not: a child
forked from a large process (the benchmark after its anchors) reports the parent's size.
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def _record(out: Path) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out.write_text(line.split()[1])


def main() -> None:
    out, *rest = sys.argv[1:]
    atexit.register(_record, Path(out))
    if rest[0] == "-m":
        sys.argv = [rest[1], *rest[2:]]
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = rest
        sys.path.insert(0, str(Path(rest[0]).resolve().parent))
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main()
