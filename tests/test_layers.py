"""The packages stand in layers: engine < sources, quality, reporting < assets < pipelines.

A package imports only from its own layer or the ones below it (tests and benchmarks import
anything), and no two packages import each other, not even through a third: read from the source
with `ast`, function-level imports included, so a cycle cannot hide in a function body.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"engine": 0, "sources": 1, "quality": 1, "reporting": 1, "assets": 2, "pipelines": 3}


def imported_modules(source: str, module: str) -> set[str]:
    """Every module `source` imports (absolute names; relative imports resolved against `module`)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[:-node.level]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
    return found


def package_imports(root: Path = REPO_ROOT) -> dict[str, dict[str, set[str]]]:
    """Per layered package: the other layered packages it imports, with the files that do it."""
    edges: dict[str, dict[str, set[str]]] = {package: {} for package in LAYERS}
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            module = ".".join(relative.with_suffix("").parts)
            for name in imported_modules(path.read_text(encoding="utf-8"), module):
                target = name.split(".")[0]
                if target in LAYERS and target != package:
                    edges[package].setdefault(target, set()).add(str(relative))
    return edges


def upward_imports(edges: dict[str, dict[str, set[str]]]) -> list[str]:
    return [f"{file} imports {target} (layer {LAYERS[target]} above {package}'s {LAYERS[package]})"
            for package, targets in edges.items() for target, files in targets.items()
            if LAYERS[target] > LAYERS[package] for file in sorted(files)]


def package_cycles(edges: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """Every cycle between packages, each as the path that closes it (depth-first search)."""
    cycles, state = [], {}

    def visit(package: str, path: list[str]) -> None:
        state[package] = "open"
        for target in sorted(edges.get(package, {})):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[package] = "done"

    for package in sorted(edges):
        if package not in state:
            visit(package, [package])
    return cycles


def test_no_package_imports_a_layer_above_it():
    assert upward_imports(package_imports()) == []


def test_no_import_cycle_between_packages():
    edges = package_imports()
    assert package_cycles(edges) == [], {p: sorted(t) for p, t in edges.items()}


@pytest.fixture
def tree(tmp_path) -> Path:
    for package in LAYERS:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    return tmp_path


def test_an_upward_import_in_a_function_body_is_found(tree):
    (tree / "engine" / "store.py").write_text(
        "import duckdb\n\ndef build():\n    from assets.models import models\n    return models\n")
    assert upward_imports(package_imports(tree)) == [
        "engine/store.py imports assets (layer 2 above engine's 0)"]


def test_a_cycle_inside_one_layer_is_found(tree):
    (tree / "quality" / "a.py").write_text("from reporting import maps\n")
    (tree / "reporting" / "b.py").write_text("import sources.contracts\n")
    (tree / "sources" / "c.py").write_text("def f():\n    from quality.a import x\n")
    assert upward_imports(package_imports(tree)) == []
    assert package_cycles(package_imports(tree)) == [["quality", "reporting", "sources", "quality"]]


def test_relative_imports_resolve_to_their_package():
    assert imported_modules("from ..home import y\nfrom . import z\n", "engine.sub.x") == {
        "engine.home", "engine.sub"}
