"""What is wrong with a registry file, by line and column: every problem is listed, nothing is
written while there is one."""

from __future__ import annotations

from dataclasses import dataclass

from district.errors import Invalid

SHOWN = 20


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column `index`: A, B, …, Z, AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """`column` is the header as the file wrote it ("-" for the whole row); `index` its
    position (0-based) when it is in the file."""

    line: int
    column: str
    zh: str
    en: str
    index: int | None = None

    @property
    def letter(self) -> str:
        return "" if self.index is None else column_letter(self.index)

    def __str__(self) -> str:
        return (f"第 {self.line} 行，{self.column} 列：{self.zh} / "
                f"line {self.line}, column {self.column}: {self.en}")


class CsvRejected(Invalid):
    """The file has bad rows; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "\n".join(str(p) for p in problems[:SHOWN])
        more = (f"\n… 另有 {len(problems) - SHOWN} 处 / {len(problems) - SHOWN} more"
                if len(problems) > SHOWN else "")
        super().__init__(f"导入失败，有 {len(problems)} 处错误，未写入任何数据",
                         f"import refused: {len(problems)} problems, nothing was written\n"
                         f"{shown}{more}")
        self.problems = problems
