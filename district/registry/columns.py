"""Which column of a registry file holds what: header names as offices write them, in Chinese
or English (会员编号 / member_no / Member Number …), in any order; other columns are ignored.

A full ID number column (身份证号) may stand in for the last 4: only those 4 are ever kept.
Other files the district imports (the needy-worker files) name their own `Headers`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from district.registry.problems import CsvRejected, Problem

ALIASES: dict[str, tuple[str, ...]] = {
    "member_no": ("member_no", "member number", "member id", "会员编号", "会员号", "编号",
                  "会员证号", "会员证编号", "工会会员编号"),
    "name": ("name", "full name", "姓名", "名字", "会员姓名"),
    "id_last4": ("id_last4", "身份证后四位", "身份证后4位", "身份证号后四位", "身份证号后4位",
                 "身份证号码后四位", "身份证号码后4位", "证件后四位", "证件后4位", "证件号后四位",
                 "证件号码后四位"),
    "id_number": ("id_number", "id no", "id card", "身份证号", "身份证号码", "身份证",
                  "公民身份号码", "证件号码", "证件号"),
    "union_name": ("union_name", "union", "所属工会", "工会", "基层工会", "工会名称", "所在工会",
                   "基层工会名称", "所属基层工会"),
    "town_id": ("town_id", "town", "镇", "街道", "镇/街道", "镇街", "镇（街道）", "所属镇",
                "所属镇（街道）", "所属镇街", "所在镇", "所在镇（街道）", "乡镇", "乡镇（街道）",
                "镇（街道、开发区）", "区镇", "所属区镇"),
    "titles": ("titles", "title", "荣誉称号", "称号", "荣誉"),
    "status": ("status", "状态", "会籍状态", "会员状态", "会籍"),
}
REQUIRED = ("member_no", "name", "id_last4", "town_id", "union_name")
OPTIONAL = ("titles", "status")
HEADER_SEARCH = 10  # a title row or two above the header is common in an office's export
_DROP = str.maketrans("", "", " \t\u3000_-./、()*:\ufeff")


def normal(header: str) -> str:
    """The spelling used to match: full-width folded, lower case, no spaces or punctuation."""
    return unicodedata.normalize("NFKC", header).lower().translate(_DROP)


@dataclass(frozen=True)
class Headers:
    """The columns of one kind of file: each field's header names (the first is the field's
    own), and the fields that must be there."""

    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    field_of: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_of", {normal(alias): name for name, names in
                                              self.aliases.items() for alias in names})


MEMBERS = Headers(ALIASES, REQUIRED)


@dataclass(frozen=True)
class Column:
    """A column of the file: its header, and the field it fills (None: ignored, `why`)."""

    index: int
    header: str
    field: str | None
    why: str = ""


@dataclass(frozen=True)
class Layout:
    """The header's line, its columns, and the town for a file without a town column."""

    line: int
    columns: tuple[Column, ...]
    default_town: str | None = None
    by_field: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_field", {c.field: c for c in self.columns if c.field})

    def column(self, name: str) -> Column | None:
        return self.by_field.get(name)

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.field is None]

    @property
    def width(self) -> int:
        return len(self.columns)


def header_position(rows: Sequence[tuple[int, list[str]]], headers: Headers = MEMBERS) -> int:
    """The header row among the first rows: the first naming three known columns, else row 0."""
    for position, (_line, cells) in enumerate(rows[:HEADER_SEARCH]):
        if sum(normal(c) in headers.field_of for c in cells) >= 3:
            return position
    return 0


def _columns(cells: list[str], headers: Headers) -> list[Column]:
    columns = [Column(i, c.strip().lstrip("\ufeff"), headers.field_of.get(normal(c)),
                      "unknown") for i, c in enumerate(cells)]
    fields = {c.field for c in columns}
    if "id_last4" in fields:  # both given: the last 4 column is used
        columns = [Column(c.index, c.header, None, "id_number_unused")
                   if c.field == "id_number" else c for c in columns]
    return [Column(c.index, c.header, c.field) if c.field else c for c in columns]


def _missing(line: int, field: str, headers: Headers) -> Problem:
    names = "、".join(headers.aliases[field][1:4])
    return Problem(line, field, f"缺少这一列（列名可写作 {field}、{names} 等）",
                   f"missing column ({field}, {names}, …)")


def _repeated(line: int, columns: list[Column]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for c in columns:
        if c.field in seen:
            problems.append(Problem(line, c.header, "列名重复（与前面一列表示同一项）",
                                    "duplicate column (it means the same as an earlier one)",
                                    c.index))
        seen.add(c.field or "")
    return problems


def understand(line: int, cells: list[str], default_town: str | None = None,
               headers: Headers = MEMBERS) -> Layout:
    """The layout of a header row; raises CsvRejected naming each missing or repeated column.
    `default_town`: a town clerk's file may leave the town out (it is then the clerk's)."""
    columns = _columns(cells, headers)
    given = {c.field for c in columns if c.field}
    has_town = "town_id" in given
    if default_town:
        given.add("town_id")
    if "id_number" in given:
        given.add("id_last4")
    problems = [_missing(line, f, headers) for f in headers.required if f not in given]
    problems += _repeated(line, columns)
    if problems:
        raise CsvRejected(problems)
    return Layout(line, tuple(columns), None if has_town else default_town)
