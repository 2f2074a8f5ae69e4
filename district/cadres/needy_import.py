"""Importing needy-worker files from a clerk's spreadsheet: CSV (UTF-8 with or without BOM, or
GB18030 as Excel saves it in China) or .xlsx, headers in Chinese (姓名, 所在工会, 镇/街道,
手机号码, 困难类别, 家庭情况, 状态, 联系干部(干部编号)) or English, in any order.

Every row is checked first, then the cadres named, locked as one change of a file locks them
(the limit of `needy.LIMIT` 在档 workers per cadre counts the file and the database together);
any problem — by line, column and reason, as the member import reports them — and nothing is
written. Every column must be there (a cell may be empty: household notes, the status — 在档 —
and the cadre — nobody yet): the file states each worker whole. A row whose name and phone
number match a file already kept updates it; re-importing a file changes nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit
from district.cadres import needy
from district.cadres.needy_fields import FIELDS, IN_FILE, NeedyFields, read_fields
from district.cadres.people import normal_no
from district.cadres.tables import NeedyWorker
from district.registry.columns import Headers, Layout, header_position, understand
from district.registry.problems import CsvRejected, Problem
from district.registry.rows import RowCheck, fit_cells, problem_at
from district.registry.sheet import Sheet, read_sheet
from district.registry.towns import TownNames, town_names
from district.tables import Cadre

HEADERS = Headers({
    "name": ("name", "姓名", "职工姓名", "困难职工姓名", "名字"),
    "union_name": ("union_name", "所在工会", "所属工会", "工会", "基层工会", "工会名称", "union"),
    "town_id": ("town_id", "镇/街道", "镇", "街道", "镇街", "所在镇", "所属镇", "镇（街道）",
                "所在镇（街道）", "乡镇", "town"),
    "phone": ("phone", "手机号码", "手机号", "手机", "联系电话", "电话", "电话号码",
              "phone number"),
    "category": ("category", "困难类别", "困难类型", "致困原因", "类别"),
    "household": ("household", "家庭情况", "家庭状况", "家庭情况说明", "household notes"),
    "status": ("status", "状态", "档案状态"),
    "cadre_no": ("cadre_no", "联系干部(干部编号)", "联系干部", "干部编号", "联系干部编号", "cadre"),
}, (*FIELDS, "cadre_no"))
Key = tuple[str, str]  # a worker is the same worker when name and phone number match


@dataclass(frozen=True)
class NeedyRow:
    line: int
    fields: NeedyFields
    cadre_no: str

    @property
    def key(self) -> Key:
        return self.fields.name, self.fields.phone


@dataclass(frozen=True)
class NeedyImport:
    rows: int
    created: int
    updated: int
    unchanged: int


def _rows(sheet: Sheet, layout: Layout, start: int, towns: TownNames,
          problems: list[Problem]) -> list[NeedyRow]:
    where = {name: c.index for name, c in layout.by_field.items()}
    rows: list[NeedyRow] = []
    first: dict[Key, int] = {}
    for line, raw in sheet.rows[start:]:
        cells = fit_cells(line, raw, layout, sheet.kind, problems)
        if cells is None:
            continue
        row = RowCheck(line, cells, layout, problems, where)
        fields, wrong = read_fields({f: row.get(f) for f in FIELDS}, towns)
        for p in wrong:
            row.bad(p.field, p.zh, p.en)
        found = NeedyRow(line, fields, normal_no(row.get("cadre_no")))
        if first.setdefault(found.key, line) != line:
            row.bad("phone", f"与第 {first[found.key]} 行是同一人（姓名和电话相同）",
                    f"the same person as line {first[found.key]} (same name and phone)")
        rows.append(found)
    return rows


def check(sheet: Sheet, towns: TownNames,
          problems: list[Problem]) -> tuple[Layout, list[NeedyRow]]:
    """Every row checked (nothing read from the database but the towns), its problems added
    to `problems`; a file without its header's columns raises CsvRejected at once."""
    if not sheet.rows:
        raise CsvRejected([Problem(1, "-", "文件是空的", "the file is empty")])
    position = header_position(sheet.rows, HEADERS)
    line, cells = sheet.rows[position]
    layout = understand(line, cells, None, HEADERS)
    return layout, _rows(sheet, layout, position + 1, towns, problems)


def _cadres(session: Session, layout: Layout, rows: list[NeedyRow],
            problems: list[Problem]) -> dict[str, Cadre]:
    """The cadres the file names, locked (in id order), each serving."""
    numbers = sorted({r.cadre_no for r in rows if r.cadre_no})
    cadres = {c.cadre_no: c for c in session.scalars(
        select(Cadre).where(Cadre.cadre_no.in_(numbers)).order_by(Cadre.id)
        .with_for_update().execution_options(populate_existing=True))}
    for row in (r for r in rows if r.cadre_no):
        cadre = cadres.get(row.cadre_no)
        if cadre is None:
            why = (f"没有这个干部编号：{row.cadre_no}", f"no cadre with number {row.cadre_no}")
        elif cadre.left_at is not None:
            why = (f"干部 {cadre.name}（{row.cadre_no}）已离开，不能再分配",
                   f"cadre {row.cadre_no} has left")
        else:
            continue
        problems.append(problem_at(layout, row.line, "cadre_no", *why))
    return cadres


def _existing(session: Session, rows: list[NeedyRow]) -> dict[Key, NeedyWorker]:
    names = {r.fields.name for r in rows}
    keys = {r.key for r in rows}
    found = session.scalars(select(NeedyWorker).where(NeedyWorker.name.in_(names))
                            .order_by(NeedyWorker.id).with_for_update())
    return {k: w for w in found if (k := (w.name, w.phone)) in keys}


def _over_limit(session: Session, layout: Layout, rows: list[NeedyRow],
                cadres: dict[str, Cadre], existing: dict[Key, NeedyWorker]) -> list[Problem]:
    """Rows that would give a cadre more than `needy.LIMIT` 在档 workers, counting those the
    file does not change."""
    kept = Counter(c.cadre_no for c in cadres.values() for w in needy.assigned(session, c.id)
                   if (w.name, w.phone) not in existing)
    problems = []
    for row in rows:
        if row.cadre_no in cadres and row.fields.status == IN_FILE:
            kept[row.cadre_no] += 1
            if kept[row.cadre_no] > needy.LIMIT:
                cadre = cadres[row.cadre_no]
                problems.append(problem_at(
                    layout, row.line, "cadre_no", f"干部 {cadre.name}（{cadre.cadre_no}）最多联系 "
                    f"{needy.LIMIT} 名在档困难职工，这一行超出了", f"cadre {cadre.cadre_no} would "
                    f"have more than {needy.LIMIT} needy workers"))
    return problems


def _same(worker: NeedyWorker, row: NeedyRow, cadre: Cadre | None) -> bool:
    return all(getattr(worker, f) == getattr(row.fields, f) for f in FIELDS) and \
        worker.cadre_id == (cadre.id if cadre else None)


def import_workers(session: Session, data: bytes, actor: str, now: int) -> NeedyImport:
    """Check the whole file — its rows, then the cadres they name — and write it in the
    caller's transaction, or raise CsvRejected listing every problem (nothing written)."""
    problems: list[Problem] = []
    layout, rows = check(read_sheet(data), town_names(session), problems)
    cadres = _cadres(session, layout, rows, problems)
    existing = _existing(session, rows)
    problems += _over_limit(session, layout, rows, cadres, existing)
    if problems:
        raise CsvRejected(sorted(problems, key=lambda p: p.line))
    changed = created = 0
    for row in rows:
        worker, cadre = existing.get(row.key), cadres.get(row.cadre_no)
        if worker is not None and _same(worker, row, cadre):
            continue
        changed, created = changed + 1, created + (worker is None)
        needy.file_worker(session, worker or NeedyWorker(created_at=now), row.fields, cadre, now)
    report = NeedyImport(len(rows), created, changed - created, len(rows) - changed)
    audit.record(session, actor, "needy.import", "needy_workers", report.__dict__, now)
    return report
