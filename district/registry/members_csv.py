"""The member registry CSV: decoding, parsing and validation, before anything is written.

Columns (header row required, any order): member_no, name, id_last4, town_id, union_name,
and optionally titles (separated by ';') and status (active | suspended | left, or 在册 / 暂停 /
退会; empty means active). UTF-8 (with or without BOM, as Excel writes it) or GBK.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from district.errors import Invalid
from district.registry.people import MEMBER_STATUSES, STATUS_ALIASES

REQUIRED = ("member_no", "name", "id_last4", "town_id", "union_name")
OPTIONAL = ("titles", "status")
COLUMNS = REQUIRED + OPTIONAL
MEMBER_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}")
ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
TITLE_SPLIT = re.compile(r"[;；]")
LIMITS = {"name": 64, "union_name": 128}
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    zh: str
    en: str

    def __str__(self) -> str:
        return (f"第 {self.line} 行，{self.column} 列：{self.zh} / "
                f"line {self.line}, column {self.column}: {self.en}")


@dataclass(frozen=True)
class MemberRow:
    line: int
    member_no: str
    name: str
    id_last4: str
    town_id: str
    union_name: str
    titles: str
    status: str


class CsvRejected(Invalid):
    """The file has bad rows; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… 另有 {len(problems) - 20} 处 / {len(problems) - 20} more" \
            if len(problems) > 20 else ""
        super().__init__(f"导入失败，有 {len(problems)} 处错误，未写入任何数据",
                         f"import refused: {len(problems)} problems, nothing was written\n"
                         f"{shown}{more}")
        self.problems = problems


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else GBK (GB18030); anything else is refused in words."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV",
                  "cannot read the file's encoding: save it as CSV in UTF-8 or GBK")


def _header(row: list[str]) -> dict[str, int]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in row]
    problems = [Problem(1, n, "缺少这一列", "missing column") for n in REQUIRED if n not in names]
    problems += [Problem(1, n or "(空)", "无法识别的列名", "unknown column")
                 for n in names if n not in REQUIRED + OPTIONAL]
    problems += [Problem(1, n, "列名重复", "duplicate column")
                 for i, n in enumerate(names) if n in names[:i]]
    if problems:
        raise CsvRejected(problems)
    return {n: i for i, n in enumerate(names)}


def _check_text(line: int, column: str, value: str, problems: list[Problem]) -> str:
    if not value:
        problems.append(Problem(line, column, "不能为空", "must not be empty"))
    elif len(value) > LIMITS[column]:
        problems.append(Problem(line, column, f"超过 {LIMITS[column]} 个字",
                                f"longer than {LIMITS[column]} characters"))
    return value


def _check_titles(line: int, value: str, problems: list[Problem]) -> str:
    titles = [t.strip() for t in TITLE_SPLIT.split(value) if t.strip()]
    joined = ";".join(titles)
    if any(len(t) > 20 for t in titles) or len(joined) > 255:
        problems.append(Problem(line, "titles", "称号过长（每个最多 20 字）",
                                "a title is too long (20 characters each at most)"))
    return joined


def _check_status(line: int, value: str, problems: list[Problem]) -> str:
    status = STATUS_ALIASES.get(value, value.lower())
    if status not in MEMBER_STATUSES:
        problems.append(Problem(line, "status", "状态应为 active、suspended 或 left",
                                "status must be active, suspended or left"))
    return status


def _row(line: int, cells: list[str], cols: dict[str, int], towns: set[str],
         problems: list[Problem]) -> MemberRow:
    def get(name: str) -> str:
        return cells[cols[name]].strip() if name in cols else ""

    member_no, id_last4, town_id = get("member_no"), get("id_last4").upper(), get("town_id").upper()
    if not MEMBER_NO.fullmatch(member_no):
        problems.append(Problem(line, "member_no", "会员号应为 1–32 位字母、数字或连字符",
                                "a member number is 1–32 letters, digits or hyphens"))
    if not ID_LAST4.fullmatch(id_last4):
        problems.append(Problem(line, "id_last4", "身份证后四位应为 3 位数字加 1 位数字或 X",
                                "the ID's last 4 are 3 digits and a digit or X"))
    if town_id not in towns:
        problems.append(Problem(line, "town_id", f"没有这个镇（街道、开发区）：{town_id}",
                                f"unknown town id: {town_id}"))
    return MemberRow(line, member_no, _check_text(line, "name", get("name"), problems), id_last4,
                     town_id, _check_text(line, "union_name", get("union_name"), problems),
                     _check_titles(line, get("titles"), problems),
                     _check_status(line, get("status"), problems))


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def parse(text: str, towns: set[str], progress: Progress | None = None) -> list[MemberRow]:
    """Every row validated; raises CsvRejected listing each bad row by line, column and reason."""
    records = list(_records(text))
    if not records:
        raise CsvRejected([Problem(1, "-", "文件是空的", "the file is empty")])
    cols = _header(records[0][1])
    problems: list[Problem] = []
    rows: list[MemberRow] = []
    first_line: dict[str, int] = {}
    for index, (line, cells) in enumerate(records[1:], 1):
        if len(cells) != len(cols):
            problems.append(Problem(line, "-", f"该行有 {len(cells)} 列，应为 {len(cols)} 列",
                                    f"{len(cells)} fields, expected {len(cols)}"))
            continue
        row = _row(line, cells, cols, towns, problems)
        seen = first_line.setdefault(row.member_no, line)
        if seen != line:
            problems.append(Problem(line, "member_no", f"会员号与第 {seen} 行重复",
                                    f"same member number as line {seen}"))
        rows.append(row)
        if progress is not None and index % 5000 == 0:
            progress("check", index, len(records) - 1)
    if problems:
        raise CsvRejected(problems)
    return rows
