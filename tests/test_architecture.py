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
