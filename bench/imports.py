"""Figures of the import graph of a source tree: modules, edges, and import cycles.

    python3 bench/imports.py [TREE]

TREE (default: this repository) is a checkout holding the `retrieval` and `bot`
packages; an older checkout works too. Prints the number of project modules, of
import edges among them, and of import cycles (strongly connected components of more
than one module, and modules importing themselves), then each cycle's modules with
one loop through them. The graph is the one tests/test_layout.py checks: every
import, inside functions and under TYPE_CHECKING too, relative ones resolved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The graph code is the layout test's helper, tests/imports.py, of this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.imports import PACKAGES, build_graph, cycles, describe_cycle

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=REPO, help="default: this repo")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    if not any((tree / package).is_dir() for package in PACKAGES):
        parser.error(f"{tree} holds none of the packages {', '.join(PACKAGES)}")
    graph = build_graph(tree)
    edges = graph.edges
    loops = cycles(edges)
    print(f"tree: {tree}")
    print(f"modules: {len(edges)}")
    print(f"edges: {sum(map(len, edges.values()))}")
    print(f"cycles: {len(loops)}")
    for members in loops:
        print(f"  {describe_cycle(edges, members)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
