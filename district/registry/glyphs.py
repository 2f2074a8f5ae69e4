"""Names the member's app cannot draw: characters outside the bundled font.

The app draws every name with its bundled font (assets/fonts/, scripts/make_font.py); a
character outside it shows as a box on the member's card and at the window. The font's
coverage list (assets/fonts/coverage.txt, written with the font) says what it can draw, so the
district can warn at import time, without the font tools the server does not carry.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COVERAGE = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "coverage.txt"


@dataclass(frozen=True)
class Undrawable:
    """A row whose name has characters no bundled font can draw."""

    line: int
    member_no: str
    name: str
    missing: str  # the characters, in order, each once

    def __str__(self) -> str:
        codes = " ".join(f"U+{ord(c):04X}" for c in self.missing)
        return (f"第 {self.line} 行 {self.member_no} {self.name}：{self.missing}（{codes}）"
                f"在手机和窗口上会显示为方框 / line {self.line}: the app cannot draw {codes}")


class Coverage:
    """Sorted inclusive runs of code points; `draws` is a binary search."""

    def __init__(self, runs: Iterable[tuple[int, int]]) -> None:
        self._runs = sorted(runs)
        self._starts = [first for first, _ in self._runs]

    @classmethod
    def read(cls, path: Path) -> Coverage:
        runs = []
        for line in path.read_text(encoding="ascii").splitlines():
            if line and not line.startswith("#"):
                first, _, last = line.partition("-")
                runs.append((int(first, 16), int(last or first, 16)))
        return cls(runs)

    def draws(self, char: str) -> bool:
        point = ord(char)
        at = bisect.bisect_right(self._starts, point) - 1
        return at >= 0 and point <= self._runs[at][1]

    def missing(self, text: str) -> str:
        return "".join(dict.fromkeys(c for c in text if not c.isspace() and not self.draws(c)))


@cache
def bundled() -> Coverage:
    """What the app's bundled font draws (read once)."""
    return Coverage.read(COVERAGE)


def undrawable_names(rows: Iterable[tuple[int, str, str]],
                     coverage: Coverage | None = None) -> tuple[Undrawable, ...]:
    """The `(line, member_no, name)` rows whose names the app cannot draw, in file order."""
    font = coverage or bundled()
    found = []
    for line, member_no, name in rows:
        missing = font.missing(name)
        if missing:
            found.append(Undrawable(line, member_no, name, missing))
    return tuple(found)
