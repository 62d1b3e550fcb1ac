"""The layout of the code: no import cycles, rooms that import only downwards, adapters
that use only the public API, and small folders and files.

Each module belongs to a room; MAY_IMPORT says which other rooms it may import:

    room        modules                                 rank
    foundation  retrieval.errors, .settings, .yamlfile  0, importable by every room
    text        retrieval.text.*                        1
    state       retrieval.state.*                       1, a peer of text: neither imports the other
    index       retrieval.index.*                       2
    storage     retrieval.storage.*                     3
    intake      retrieval.intake.*                      4, a peer of answering: neither
    answering   retrieval.answering.*                   4  imports the other
    retriever   retrieval.retriever                     5
    api         retrieval (its __init__)                5, the public API (imports the retriever
                                                           and the state room)
    cli         retrieval.cli.*                         6, an adapter: the public API and bot
    bot         bot.*                                   6, an adapter: the public API only

A room imports only rooms of lower rank (and itself); the library imports no adapter and
not discord.

The import graph is read by tests/imports.py (bench/imports.py prints its figures).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.imports import ImportGraph, build_graph, cycles, describe_cycle, module_files

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION = {"retrieval.errors", "retrieval.settings", "retrieval.yamlfile"}
# The subpackages of retrieval.
ROOMS = ("text", "state", "index", "storage", "intake", "answering", "cli")
LIBRARY_ROOMS = (
    "foundation", "text", "state", "index", "storage", "intake", "answering", "retriever", "api"
)  # fmt: skip
ADAPTERS = ("cli", "bot")
MAY_IMPORT: dict[str, frozenset[str]] = {
    "foundation": frozenset(),
    "text": frozenset({"foundation"}),
    "state": frozenset({"foundation"}),
    "index": frozenset({"foundation", "text"}),
    "storage": frozenset({"foundation", "text", "index"}),
    "intake": frozenset({"foundation", "text", "index", "storage"}),
    "answering": frozenset({"foundation", "text", "index", "storage"}),
    "retriever": frozenset(
        {"foundation", "text", "state", "index", "storage", "intake", "answering"}
    ),
    "api": frozenset(
        {"foundation", "text", "state", "index", "storage", "intake", "answering", "retriever"}
    ),
    "cli": frozenset({"api", "bot"}),
    "bot": frozenset({"api"}),
}
# Outside packages the library must not use: it has no Discord dependency.
LIBRARY_MUST_NOT_IMPORT = ("discord",)
MAX_MODULES_PER_FOLDER = 12
MAX_LINES = 400


def room_of(module: str) -> str | None:
    """The room of a project module, or None for a module outside every room."""
    top, _, rest = module.partition(".")
    if top == "bot":
        return "bot"
    if top != "retrieval":
        return None
    if not rest:
        return "api"
    if module in FOUNDATION:
        return "foundation"
    if rest == "retriever":
        return "retriever"
    first = rest.split(".")[0]
    return first if first in ROOMS else None


def layer_violations(graph: ImportGraph, rooms: tuple[str, ...] = LIBRARY_ROOMS) -> list[str]:
    """Imports by modules of the given rooms of a room they may not import."""
    problems = []
    for record in graph.imports:
        room = room_of(record.source)
        if not record.project or room not in rooms:
            continue
        target_room = room_of(record.target)
        if target_room == room or target_room in MAY_IMPORT[room]:
            continue
        problems.append(
            f"module {record.source} (room {room}) imports {record.target} "
            f"(room {target_room}) at {graph.where(record)}"
        )
    return problems


def outside_imports(
    graph: ImportGraph, rooms: tuple[str, ...], names: tuple[str, ...]
) -> list[str]:
    """Imports of the given outside packages by modules of the given rooms."""
    return [
        f"module {record.source} (room {room_of(record.source)}) imports {record.target} "
        f"at {graph.where(record)}"
        for record in graph.imports
        if not record.project
        and room_of(record.source) in rooms
        and record.target.split(".")[0] in names
    ]


def adapter_violations(graph: ImportGraph, adapter: str) -> list[str]:
    """Imports by an adapter of the library other than the public API ``retrieval``."""
    problems = []
    for record in graph.imports:
        if not record.project or room_of(record.source) != adapter:
            continue
        target_room = room_of(record.target)
        if record.target == "retrieval" or target_room == adapter:
            continue
        if adapter == "cli" and target_room == "bot":
            continue
        problems.append(
            f"adapter module {record.source} imports {record.target} at {graph.where(record)}: "
            "adapters import only the public API, `from retrieval import ...`"
            + ("; the bot never imports the CLI" if target_room == "cli" else "")
        )
    return problems


def cycle_problems(graph: ImportGraph) -> list[str]:
    edges = graph.edges
    return [f"import cycle: {describe_cycle(edges, members)}" for members in cycles(edges)]


def crowded_folders(root: Path, limit: int = MAX_MODULES_PER_FOLDER) -> list[str]:
    """Folders with more than ``limit`` modules, ``__init__`` and ``__main__`` not counted."""
    counts: dict[Path, int] = {}
    for path in module_files(root).values():
        if path.name not in {"__init__.py", "__main__.py"}:
            counts[path.parent] = counts.get(path.parent, 0) + 1
    return [
        f"folder {folder.relative_to(root).as_posix()} holds {count} modules (at most {limit})"
        for folder, count in sorted(counts.items())
        if count > limit
    ]


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    """Modules of more than ``limit`` lines."""
    problems = []
    for path in module_files(root).values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            problems.append(
                f"{path.relative_to(root).as_posix()} has {lines} lines (at most {limit})"
            )
    return problems


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return build_graph(ROOT)


def test_the_graph_sees_the_project(graph: ImportGraph) -> None:
    edges = graph.edges
    assert {"retrieval", "retrieval.retriever", "retrieval.cli", "bot.client"} <= set(edges)
    # An absolute `from pkg import module` is an edge to the module, not the package.
    assert "retrieval.index.arrayfile" in edges["retrieval.index.segment"]
    # Imports inside functions and under TYPE_CHECKING count too.
    assert "retrieval.intake.fetch" in edges["retrieval"]
    assert "bot.client" in edges["bot.cogs.ask"]


def test_every_module_is_in_a_room(graph: ImportGraph) -> None:
    assert [module for module in graph.files if room_of(module) is None] == []


def test_no_import_cycles(graph: ImportGraph) -> None:
    problems = cycle_problems(graph)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("room", LIBRARY_ROOMS)
def test_room_imports_only_rooms_below(graph: ImportGraph, room: str) -> None:
    problems = layer_violations(graph, (room,))
    assert not problems, "\n".join(problems)


def test_library_has_no_discord_dependency(graph: ImportGraph) -> None:
    problems = outside_imports(graph, LIBRARY_ROOMS, LIBRARY_MUST_NOT_IMPORT)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_adapter_imports_only_the_public_api(graph: ImportGraph, adapter: str) -> None:
    problems = adapter_violations(graph, adapter)
    assert not problems, "\n".join(problems)


def test_folders_are_small() -> None:
    problems = crowded_folders(ROOT)
    assert not problems, "\n".join(problems)


def test_modules_are_short() -> None:
    problems = long_modules(ROOT)
    assert not problems, "\n".join(problems)


# The checks themselves, on a small fake tree with one of each problem.
FAKE_TREE = {
    # The package importing its submodules: edges package → submodule.
    "retrieval/__init__.py": (
        "from retrieval.text.cases import upper\nfrom retrieval.text.words import split\n"
    ),
    "retrieval/errors.py": "",
    "retrieval/text/__init__.py": "",
    # text imports index: a layer violation, and (with index importing text) a cycle.
    "retrieval/text/words.py": (
        "from typing import TYPE_CHECKING\n\n"
        "from ..errors import *\n\n"
        "if TYPE_CHECKING:\n"
        "    from retrieval.index import store\n\n\n"
        "def split(text):\n"
        "    from retrieval import errors\n\n"
        "    return text.split()\n"
    ),
    # A room importing the public API it sits under: an upward import and a cycle.
    "retrieval/text/cases.py": "from retrieval import split\n\nupper = str.upper\n",
    "retrieval/index/__init__.py": "",
    "retrieval/index/store.py": "from ..text import words\nimport discord\n",
    "retrieval/intake/__init__.py": "",
    # Peers importing each other.
    "retrieval/intake/feed.py": "import retrieval.answering.search\n",
    "retrieval/answering/__init__.py": "",
    "retrieval/answering/search.py": "from . import rank\n",
    # A module importing itself: a cycle of one.
    "retrieval/answering/rank.py": "from . import rank\n",
    "retrieval/cli/__init__.py": "",
    # The CLI may import the public API and the bot; the bot importing the CLI is a cycle.
    "retrieval/cli/main.py": "from retrieval import split\nfrom bot import runner\n",
    "bot/__init__.py": "",
    "bot/runner.py": "from retrieval.text.words import split\nfrom retrieval.cli import main\n",
    # Thirteen modules in one folder, one of them too long.
    **{f"bot/many/m{number:02}.py": "" for number in range(12)},
    "bot/many/long.py": "x = 1\n" * 401,
}


@pytest.fixture
def fake_graph(tmp_path: Path) -> ImportGraph:
    for name, text in FAKE_TREE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "bot/many/__init__.py").write_text("", encoding="utf-8")
    return build_graph(tmp_path)


def test_imports_are_resolved(fake_graph: ImportGraph) -> None:
    edges = fake_graph.edges
    assert edges["retrieval.text.words"] == {
        "retrieval.errors",  # `from ..errors import *`, and `from retrieval import errors`
        "retrieval.index.store",  # under TYPE_CHECKING
    }
    assert edges["retrieval.index.store"] == {"retrieval.text.words"}  # relative
    assert edges["retrieval.text.cases"] == {"retrieval"}  # not a module: the package
    assert edges["retrieval.answering.search"] == {"retrieval.answering.rank"}
    assert edges["retrieval.intake.feed"] == {"retrieval.answering.search"}
    assert edges["retrieval"] == {"retrieval.text.cases", "retrieval.text.words"}
    assert edges["retrieval.answering.rank"] == {"retrieval.answering.rank"}


def test_the_checks_find_each_problem(fake_graph: ImportGraph) -> None:
    assert cycle_problems(fake_graph) == [
        "import cycle: bot.runner, retrieval.cli.main  "
        "(bot.runner -> retrieval.cli.main -> bot.runner)",
        "import cycle: retrieval, retrieval.text.cases  "
        "(retrieval -> retrieval.text.cases -> retrieval)",
        "import cycle: retrieval.answering.rank  "
        "(retrieval.answering.rank -> retrieval.answering.rank)",
        "import cycle: retrieval.index.store, retrieval.text.words  "
        "(retrieval.index.store -> retrieval.text.words -> retrieval.index.store)",
    ]
    assert sorted(layer_violations(fake_graph)) == [
        "module retrieval.intake.feed (room intake) imports retrieval.answering.search "
        "(room answering) at retrieval/intake/feed.py:1",
        "module retrieval.text.cases (room text) imports retrieval (room api) "
        "at retrieval/text/cases.py:1",
        "module retrieval.text.words (room text) imports retrieval.index.store (room index) "
        "at retrieval/text/words.py:6",
    ]
    assert outside_imports(fake_graph, LIBRARY_ROOMS, LIBRARY_MUST_NOT_IMPORT) == [
        "module retrieval.index.store (room index) imports discord at retrieval/index/store.py:2"
    ]
    assert adapter_violations(fake_graph, "cli") == []
    bot_problems = adapter_violations(fake_graph, "bot")
    assert [problem.split(" at ")[0] for problem in bot_problems] == [
        "adapter module bot.runner imports retrieval.text.words",
        "adapter module bot.runner imports retrieval.cli.main",
    ]
    assert bot_problems[1].endswith("the bot never imports the CLI")
    assert crowded_folders(fake_graph.root) == ["folder bot/many holds 13 modules (at most 12)"]
    assert long_modules(fake_graph.root) == ["bot/many/long.py has 401 lines (at most 400)"]


def test_the_figures_script_runs(fake_graph: ImportGraph) -> None:
    script = ROOT / "bench" / "imports.py"
    output = subprocess.run(
        [sys.executable, str(script), str(fake_graph.root)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"modules: {len(fake_graph.files)}\n" in output
    assert f"edges: {sum(map(len, fake_graph.edges.values()))}\n" in output
    assert "cycles: 4\n" in output
