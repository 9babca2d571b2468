"""The layers of the code (docs/architecture.md): what may import what, no cycles, no old paths.

The import graph is read from the source with `ast` (every import, also those inside a
function), so a lazy import counts the same as one at the top of a file.
"""

from __future__ import annotations

import ast
import re
import subprocess

import pytest

from course.manifest import repo_root

ROOT = repo_root()
PACKAGES = ("course", "autograder")

#: Each layer and the layers it may import (its own included). Order: first match wins.
LAYERS = [
    ("base", ("course.errors", "course.messages", "course.manifest"), {"base"}),
    ("publish", ("course.publish",), {"base", "library", "autograder", "publish"}),
    ("serve", ("course.serve",), {"base", "library", "autograder", "serve"}),
    (
        "cli",
        ("course.cli", "course.__main__"),
        {"base", "library", "autograder", "publish", "serve", "cli"},
    ),
    ("autograder", ("autograder",), {"base", "library", "autograder"}),
    ("library", ("course",), {"base", "library"}),
]


def module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "node_modules" not in path.parts and "frontend" not in path.parts:
                yield path


def import_graph() -> dict[str, set[str]]:
    """{module: the project modules it imports}, for every module of course and autograder."""
    files = {module_name(p): p for p in python_files()}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in files else node.module)
        graph[name] = {t for t in targets if t.split(".")[0] in PACKAGES and t != name}
    return graph


def layer(module: str) -> str:
    for name, prefixes, _allowed in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    raise AssertionError(f"{module} is in no layer")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = import_graph()


def test_the_graph_sees_known_imports():
    """The reader of imports works: a few edges we know are there are found."""
    assert "course.capstone.plan" in GRAPH["course.capstone.report"]
    assert "course.messages" in GRAPH["course.learn"]
    assert "autograder.cli" in GRAPH["course.cli"]  # a lazy import inside a function
    assert "course.publish.book" in GRAPH["course.publish.pdf"]


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_import_follows_the_layers():
    allowed = {name: may for name, _prefixes, may in LAYERS}
    wrong = [
        f"{source} ({layer(source)}) imports {target} ({layer(target)})"
        for source, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if layer(target) not in allowed[layer(source)]
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "module, expected",
    [
        ("course.roadmap", "library"),
        ("course.capstone.report", "library"),
        ("course.checks.b4_strategy_roadmap", "library"),
        ("course.messages", "base"),
        ("course.publish.book", "publish"),
        ("course.serve.ui.common", "serve"),
        ("course.cli", "cli"),
        ("autograder.execution.pool", "autograder"),
    ],
)
def test_layer_of_a_module(module, expected):
    assert layer(module) == expected


def test_the_trainee_library_never_reaches_machinery():
    """No subject module imports publish, serve, the CLI or the autograder (the rule in words)."""
    library = [m for m in GRAPH if layer(m) in {"library", "base"}]
    assert len(library) > 30
    for module in library:
        assert not {t for t in GRAPH[module] if layer(t) not in {"library", "base"}}, module


# Old paths ---------------------------------------------------------------------------------

_OLD_MODULES = "book|book_pdf|book_trim|bundle|authoring|lab|apps|ui|voila|capstone_report|capstone_sections|benchmark"
_OLD_RUNNERS = "pool|zygote|sandbox|kernels|execute|leaks"
OLD_PATHS = [
    re.compile(rf"\bcourse\.({_OLD_MODULES})\b"),
    re.compile(rf"\bcourse/({_OLD_MODULES}|capstone|cli)\.py\b"),
    re.compile(r"\bcourse/(ui|apps|voila)/"),
    re.compile(rf"\bfrom course import [\w, ]*\b({_OLD_MODULES})\b"),
    re.compile(rf"\bautograder[./]({_OLD_RUNNERS})\b"),
    re.compile(rf"\bfrom autograder import [\w, ]*\b({_OLD_RUNNERS})\b"),
]
TEXT_SUFFIXES = {
    ".py",
    ".ipynb",
    ".md",
    ".toml",
    ".yml",
    ".yaml",
    ".j2",
    ".mjs",
    ".js",
    ".txt",
    ".cfg",
}


def tracked_text_files():
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True
    )
    names = listed.stdout.split() if listed.returncode == 0 else []
    for name in names:
        path = ROOT / name
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == "Makefile"):
            yield path


def old_paths_named(text: str) -> list[str]:
    return [m.group(0) for pattern in OLD_PATHS for m in pattern.finditer(text)]


def test_old_path_patterns_catch_old_names():
    assert old_paths_named("from course import data, benchmark")
    assert old_paths_named("see course/ui/common.py and course.book_pdf")
    assert old_paths_named("from autograder.pool import Job")
    assert not old_paths_named("from course.publish import book; course/serve/ui/common.py")
    assert not old_paths_named("from autograder.execution.pool import Job; course.capstone.report")


def test_nothing_names_an_old_path():
    """After the layout change no notebook, module, doc or test names a path that moved."""
    files = list(tracked_text_files())
    assert len(files) > 100
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        if path != ROOT / "tests" / "test_architecture.py"
        for name in old_paths_named(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == []
