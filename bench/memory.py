"""Peak memory of a process together with its children (an add's worker processes), and
running a command to completion to measure its time and peak.

``wait4`` reports the largest single process; the machine must hold them all at
once, so a thread samples the summed resident size of the whole process tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

INTERVAL = 0.2
ROOT = Path(__file__).resolve().parent.parent


def tree_rss_kb(root: int) -> float:
    """The summed VmRSS (kB) of a process and all its descendants; 0 where there is no /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(_rss_kb(pid) for pid in tree)


def _rss_kb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


class TreePeak:
    """Samples a process tree's memory in the background until stopped; ``peak_kb`` is the max."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_kb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.root))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def mb(kilobytes: float) -> float:
    return round(kilobytes / 1024, 1)


def run_child(command: list[str], log: Path, cwd: Path = ROOT) -> tuple[int, float, float]:
    """Run a command to completion: (exit code, wall seconds, peak kB of it and its children)."""
    own = log.with_suffix(".peak")
    own.unlink(missing_ok=True)
    if command[0] == sys.executable:  # its own peak as well: see own_peak.py
        command = [
            sys.executable,
            str(Path(__file__).with_name("own_peak.py")),
            str(own),
            *command[1:],
        ]
    start = time.perf_counter()
    with log.open("wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        sampler = TreePeak(child.pid)
        _, status, _ = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        sampled = sampler.stop()
    peak = float(own.read_text()) if own.exists() else 0.0
    return child.returncode, time.perf_counter() - start, max(sampled, peak)
