"""One row of a registry file being checked: its cells by field, and where its problems go.
Shared by every file the district imports (the member registry, the needy-worker files)."""

from __future__ import annotations

from dataclasses import dataclass

from district.registry.columns import Column, Layout
from district.registry.problems import Problem


@dataclass
class RowCheck:
    """One row being checked: its cells, and where its problems go."""

    line: int
    cells: list[str]
    layout: Layout
    problems: list[Problem]
    index: dict[str, int]

    def get(self, name: str) -> str:
        at = self.index.get(name)
        return self.cells[at].strip() if at is not None else ""

    def bad(self, name: str, zh: str, en: str) -> None:
        self.problems.append(problem_at(self.layout, self.line, name, zh, en))


def problem_at(layout: Layout, line: int, name: str, zh: str, en: str) -> Problem:
    """A problem with field `name` on `line`, named by the file's own header for it."""
    column: Column | None = layout.column(name)
    return Problem(line, column.header if column else name, zh, en,
                   column.index if column else None)


def fit_cells(line: int, cells: list[str], layout: Layout, kind: str,
              problems: list[Problem]) -> list[str] | None:
    """The row's cells, one per header (trailing empty cells dropped; an Excel row padded)."""
    while len(cells) > layout.width and not cells[-1].strip():
        cells = cells[:-1]
    if kind == "xlsx" and len(cells) < layout.width:
        return cells + [""] * (layout.width - len(cells))
    if len(cells) != layout.width:
        problems.append(Problem(line, "-", f"该行有 {len(cells)} 列，应为 {layout.width} 列",
                                f"{len(cells)} fields, expected {layout.width}"))
        return None
    return cells
