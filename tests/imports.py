"""The import graph of the project's modules, read from the source with ``ast``.

Every import counts: at the top of a module, inside functions, and under
``if TYPE_CHECKING:``. Relative imports are resolved against the importing module's
package. ``from pkg import name`` is an import of ``pkg.name`` when that is a module of
the project, else of ``pkg`` itself. ``import a.b.c`` is an edge to ``a.b.c`` only (the
parent packages Python runs on the way are not edges). An import of a project name that
is no module falls back to the longest prefix that is one.

Used by tests/test_layout.py and by bench/imports.py, which prints the figures.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("retrieval", "bot")


@dataclass(frozen=True)
class Import:
    """One imported name: a project module (``project``) or an outside dotted name."""

    source: str
    target: str
    line: int
    project: bool


@dataclass
class ImportGraph:
    """The modules of a tree (name → file) and every import they make."""

    root: Path
    files: dict[str, Path]
    imports: list[Import] = field(default_factory=list)

    @property
    def edges(self) -> dict[str, set[str]]:
        """Project module → the project modules it imports (every module is a key)."""
        edges: dict[str, set[str]] = {name: set() for name in self.files}
        for record in self.imports:
            if record.project:
                edges[record.source].add(record.target)
        return edges

    def where(self, record: Import) -> str:
        """``path:line`` of an import, the path relative to the tree."""
        return f"{self.files[record.source].relative_to(self.root).as_posix()}:{record.line}"


def module_files(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file under the packages' folders."""
    files: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if any(part == "__pycache__" or part.startswith(".") for part in parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def _project_module(name: str, modules: Mapping[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is a project module, if any."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _from_base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` statement imports from."""
    if node.level == 0:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    up = node.level - 1
    if up > len(parts) - 1:
        raise ValueError(f"{module}: relative import beyond the top-level package")
    base = ".".join(parts[: len(parts) - up])
    return f"{base}.{node.module}" if node.module else base


def module_imports(
    module: str, path: Path, modules: Mapping[str, Path], packages: Iterable[str] = PACKAGES
) -> list[Import]:
    """Every import of one module, in the order of the source, duplicates dropped."""
    tops = set(packages)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: dict[tuple[str, int], Import] = {}

    def add(name: str, line: int) -> None:
        target = _project_module(name, modules) if name.split(".")[0] in tops else None
        record = Import(module, target or name, line, target is not None)
        found.setdefault((record.target, line), record)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(module, is_package, node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in modules else base, node.lineno)
    return sorted(found.values(), key=lambda record: (record.line, record.target))


def build_graph(root: Path, packages: Iterable[str] = PACKAGES) -> ImportGraph:
    """Parse every module of the packages under ``root`` and collect their imports."""
    packages = tuple(packages)
    files = module_files(root, packages)
    graph = ImportGraph(root, files)
    for module, path in files.items():
        graph.imports.extend(module_imports(module, path, files, packages))
    return graph


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for start in sorted(edges):
        if start in index:
            continue
        visit(start)
        work = [(start, iter(sorted(edges[start])))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    visit(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                    components.append(sorted(component))
    return components


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import cycles: components of more than one module, and modules importing
    themselves."""
    return sorted(
        component
        for component in strongly_connected(edges)
        if len(component) > 1 or component[0] in edges[component[0]]
    )


def cycle_path(edges: Mapping[str, Iterable[str]], members: list[str]) -> list[str]:
    """A shortest loop through a cycle's first module, staying inside the cycle."""
    start, inside = members[0], set(members)
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(edges[node]):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if child in inside and child not in previous:
                previous[child] = node
                queue.append(child)
    raise ValueError(f"no loop through {start}")


def describe_cycle(edges: Mapping[str, Iterable[str]], members: list[str]) -> str:
    """A cycle's modules and one loop through them, on one line."""
    return f"{', '.join(members)}  ({' -> '.join(cycle_path(edges, members))})"
