"""SPEC §3 dependency direction: app imports nothing of the others; storage, views and
district import only app (and so does remote/, the phone's HTTP adapter to the district);
only main.py (and district's own entry) wires things together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("app", "storage", "views", "district", "remote")
PROJECT = {*LAYERS, "main", "tests", "bench", "scripts"}
ALLOWED = {"app": set(), "storage": {"app"}, "views": {"app"}, "district": {"app"},
           "remote": {"app"}}
FORBIDDEN_LIBRARIES = {
    "app": {"flet", "tinydb", "httpx", "requests", "fastapi", "sqlalchemy", "starlette"},
    "storage": {"flet", "httpx", "fastapi", "sqlalchemy"},
    "views": {"tinydb", "sqlalchemy", "fastapi"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def layer_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_what_it_may(layer: str) -> None:
    bad = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in layer_files(layer)
        for name in imported_modules(path)
        if (name in PROJECT and name != layer and name not in ALLOWED[layer])
        or name in FORBIDDEN_LIBRARIES.get(layer, set())
    }
    assert not bad, sorted(bad)


def test_the_domain_layer_has_modules_to_check() -> None:
    assert len(layer_files("app")) >= 10


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import storage.tinydb_repos\nfrom flet import Page\n", encoding="utf-8")
    assert imported_modules(sample) == {"storage", "flet"}


# Inside each layer: no import cycle, no project import hidden in a function --------------------

DISTRICT_CORE = {"__init__", "__main__", "errors", "settings", "db", "service", "tables", "audit",
                 "bulk", "web", "web_context"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path, known: set[str]) -> tuple[set[str], list[str]]:
    """The project modules `path` imports (`from package import module` counts for the module,
    `from module import name` for the module), and the imports placed inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    nested: list[str] = []
    inner = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*stem, base] if base else stem)
            modules = [f"{base}.{alias.name}" for alias in node.names]
            names_too = any(m not in known for m in modules)  # `from package import name`
            targets = [*modules, *([base] if names_too else [])]
        else:
            continue
        hits = {t for t in targets if t in known and t != here}
        found |= hits
        if hits and id(node) in inner:
            nested.append(f"{here}: {ast.unparse(node)}")
    return found, nested


def import_graph(layer: str) -> tuple[dict[str, set[str]], list[str]]:
    files = {module_name(p): p for p in layer_files(layer)}
    graph: dict[str, set[str]] = {}
    nested: list[str] = []
    for name, path in files.items():
        graph[name], inside = project_imports(path, set(files))
        nested += inside
    return graph, nested


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


@pytest.mark.parametrize("layer", LAYERS)
def test_no_layer_has_an_import_cycle_or_an_import_hidden_in_a_function(layer: str) -> None:
    graph, nested = import_graph(layer)
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])
    assert not nested, nested


def test_every_district_module_lives_in_a_part_of_the_district() -> None:
    loose = sorted(p.stem for p in (ROOT / "district").glob("*.py") if p.stem not in DISTRICT_CORE)
    assert not loose, f"put these in a sub-package of district/: {loose}"
    parts = [p for p in (ROOT / "district").iterdir() if (p / "__init__.py").exists()]
    assert len(parts) >= 8
    undocumented = [p.name for p in parts if not ast.get_docstring(
        ast.parse((p / "__init__.py").read_text(encoding="utf-8")))]
    assert not undocumented, f"say in the package docstring what these are for: {undocumented}"


def test_the_cycle_finder_finds_a_cycle_and_a_hidden_import(tmp_path: Path) -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    sample = ROOT / "district" / "_sample_for_the_test.py"
    sample.write_text("def f() -> None:\n    from district import errors\n", encoding="utf-8")
    try:
        _found, nested = project_imports(sample, {"district", "district.errors"})
    finally:
        sample.unlink()
    assert nested == ["district._sample_for_the_test: from district import errors"]


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in the support modules and fixtures come through tests/conftest.py."""
    bad = sorted(f"{path.name} imports {name}" for path in (ROOT / "tests").glob("*.py")
                 for name in project_imports(path, {module_name(p) for p in
                                                    (ROOT / "tests").glob("test_*.py")})[0])
    assert not bad, bad
