"""The member registry file (CSV or .xlsx): every row checked before anything is written.

A header row (Chinese or English names, any order; see `columns`): member number, name, the
ID's last 4 (or the full ID number, of which only the last 4 are kept), town (WZ-MD, 木渎镇 or
木渎), grassroots union, and optionally titles (separated by ';') and status (active |
suspended | left, or 在册 / 暂停 / 退会; empty means active). Other columns are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from district.registry.columns import (
    OPTIONAL,
    REQUIRED,
    Layout,
    header_position,
    understand,
)
from district.registry.people import MEMBER_STATUSES, STATUS_ALIASES
from district.registry.problems import CsvRejected, Problem
from district.registry.rows import RowCheck, fit_cells
from district.registry.sheet import Sheet, decode, read_sheet
from district.registry.towns import TownNames

__all__ = ["COLUMNS", "OPTIONAL", "REQUIRED", "Checked", "CsvRejected", "MemberRow", "Problem",
           "Progress", "Rejected", "check", "decode", "read_sheet"]

COLUMNS = REQUIRED + OPTIONAL
MEMBER_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}")
ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
TITLE_SPLIT = re.compile(r"[;；]")
LIMITS = {"name": 64, "union_name": 128}
PREVIEW = 10
Progress = Callable[[str, int, int], None]


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


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: its layout and its rows, in file order."""

    sheet: Sheet
    layout: Layout
    rows: list[MemberRow]


def _text(row: RowCheck, name: str) -> str:
    value = row.get(name)
    if not value:
        row.bad(name, "不能为空", "must not be empty")
    elif len(value) > LIMITS[name]:
        row.bad(name, f"超过 {LIMITS[name]} 个字", f"longer than {LIMITS[name]} characters")
    return value


def _titles(row: RowCheck) -> str:
    value = row.get("titles")
    if not value:
        return ""
    titles = [t.strip() for t in TITLE_SPLIT.split(value) if t.strip()]
    joined = ";".join(titles)
    if any(len(t) > 20 for t in titles) or len(joined) > 255:
        row.bad("titles", "称号过长（每个最多 20 字）",
                "a title is too long (20 characters each at most)")
    return joined


def _status(row: RowCheck) -> str:
    value = row.get("status")
    status = STATUS_ALIASES.get(value, value.lower())
    if status not in MEMBER_STATUSES:
        row.bad("status", "状态应为 active、suspended 或 left（在册、暂停、退会）",
                "status must be active, suspended or left")
    return status


def _id_last4(row: RowCheck) -> str:
    """The last 4 of the ID, from their own column or from the full number (never kept)."""
    if row.layout.column("id_last4") is None:
        number = "".join(row.get("id_number").split()).upper()
        if ID_NUMBER.fullmatch(number):
            return number[-4:]
        if "E+" in number:
            row.bad("id_number", "身份证号被 Excel 存成了数字，末几位已丢失：请把这一列设为"
                    "“文本”格式后重新填写", "Excel stored the ID as a number and lost its last "
                    "digits: format the column as Text and enter the IDs again")
        else:
            row.bad("id_number", "身份证号应为 18 位（末位可为 X）或 15 位数字",
                    "an ID number is 18 characters (the last may be X) or 15 digits")
        return ""
    last4 = row.get("id_last4").upper()
    if not ID_LAST4.fullmatch(last4):
        lost_zero = "（Excel 可能去掉了开头的 0：请把这一列设为“文本”格式）" \
            if last4.isdigit() and len(last4) < 4 else ""
        row.bad("id_last4", "身份证后四位应为 3 位数字加 1 位数字或 X" + lost_zero,
                "the ID's last 4 are 3 digits and a digit or X")
    return last4


def _town(row: RowCheck, towns: TownNames, scope: str | None) -> str:
    if row.layout.default_town:
        return row.layout.default_town
    value = row.get("town_id")
    town_id = towns.find(value)
    if town_id is None:
        row.bad("town_id", f"没有这个镇（街道、开发区）：{value}", f"no such town: {value}")
        return value
    if scope is not None and town_id != scope:
        row.bad("town_id", f"只能导入本镇（{towns.name(scope)}）的会员，"
                f"这一行是{towns.name(town_id)}",
                f"a town clerk imports their own town's members only ({scope}), not {town_id}")
    return town_id


def _member(row: RowCheck, towns: TownNames, scope: str | None) -> MemberRow:
    member_no = row.get("member_no")
    if not MEMBER_NO.fullmatch(member_no):
        row.bad("member_no", "会员号应为 1–32 位字母、数字或连字符",
                "a member number is 1–32 letters, digits or hyphens")
    return MemberRow(row.line, member_no, _text(row, "name"), _id_last4(row),
                     _town(row, towns, scope), _text(row, "union_name"), _titles(row),
                     _status(row))


@dataclass
class _Parse:
    sheet: Sheet
    layout: Layout
    start: int
    rows: list[MemberRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _rows(parse: _Parse, towns: TownNames, scope: str | None,
          progress: Progress | None) -> None:
    body = parse.sheet.rows[parse.start:]
    where = {name: c.index for name, c in parse.layout.by_field.items()}
    first_line: dict[str, int] = {}
    for index, (line, raw) in enumerate(body, 1):
        cells = fit_cells(line, raw, parse.layout, parse.sheet.kind, parse.problems)
        if cells is not None:
            row = RowCheck(line, cells, parse.layout, parse.problems, where)
            member = _member(row, towns, scope)
            seen = first_line.setdefault(member.member_no, line)
            if seen != line:
                row.bad("member_no", f"会员号与第 {seen} 行重复",
                        f"same member number as line {seen}")
            parse.rows.append(member)
        if progress is not None and index % 5000 == 0:
            progress("check", index, len(body))


def check(sheet: Sheet, towns: TownNames, progress: Progress | None = None,
          scope: str | None = None) -> Checked:
    """Every row checked; raises CsvRejected (Rejected, with the layout and the first rows as
    understood, once the header is) listing each problem by line, column and reason.
    `scope`: a town clerk's town, the only one their file may hold (and the town when the file
    has no town column)."""
    if not sheet.rows:
        raise CsvRejected([Problem(1, "-", "文件是空的", "the file is empty")])
    position = header_position(sheet.rows)
    line, cells = sheet.rows[position]
    parse = _Parse(sheet, understand(line, cells, scope), position + 1)
    _rows(parse, towns, scope, progress)
    if parse.problems:
        raise Rejected(parse.problems, parse.layout, parse.rows[:PREVIEW], sheet)
    return Checked(Sheet(sheet.kind, sheet.title, []), parse.layout, parse.rows)


class Rejected(CsvRejected):
    """Bad rows in a file whose header was understood: the layout and the first rows come
    along, for the console's preview."""

    def __init__(self, problems: list[Problem], layout: Layout, preview: list[MemberRow],
                 sheet: Sheet) -> None:
        super().__init__(problems)
        self.layout, self.preview = layout, preview
        self.kind, self.title = sheet.kind, sheet.title

