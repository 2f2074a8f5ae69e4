"""Bar charts drawn on the server as inline SVG (no script, no download): a bar per line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.prices import format_yuan
from district.windows.stats import Line

WIDTH, LABEL, ROW, BAR = 640, 150, 26, 18
MAX_BARS = 40


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL
    text_x: int = LABEL + 6

    @property
    def width(self) -> int:
        return WIDTH


def saved_chart(lines: Sequence[Line]) -> Chart:
    """Money saved per line, the longest bar the largest amount."""
    shown = list(lines)[:MAX_BARS]
    top = max((line.saved_fen for line in shown), default=0) or 1
    room = WIDTH - LABEL - 90
    bars = [Bar(line.key or "—", f"{format_yuan(line.saved_fen)} 元", i * ROW,
                max(1, room * line.saved_fen // top) if line.saved_fen > 0 else 0)
            for i, line in enumerate(shown)]
    return Chart(bars, max(ROW, len(bars) * ROW))
