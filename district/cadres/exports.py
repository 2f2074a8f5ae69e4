"""The rows of the compliance matrix and of the records, for the console's CSV downloads and the
`compliance` and `records` commands (SPEC §8) alike: one row per cell (`cadre_no`, `duty`,
`period`, `worker` for needy visits, `state` as named in §10) and one row per record.

Machine-readable exports (the commands) keep the keys and the values as named in the SPEC; the
console's CSV has Chinese headers and words and starts with a BOM so that Excel reads UTF-8.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Sequence

from app.chinatime import CHINA_OFFSET, DAY, day_date
from district.cadres.compliance import Matrix
from district.cadres.record_search import FoundRecord
from district.cadres.words import DUTY_WORDS, RECORD_STATE_WORDS, STATE_WORDS

Row = dict[str, str]
COMPLIANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cadre_no", "干部编号"), ("cadre_name", "干部姓名"), ("duty", "任务"), ("period", "周期"),
    ("period_first", "开始日期"), ("period_last", "截止日期"), ("worker", "困难职工编号"),
    ("worker_name", "困难职工"), ("state", "状态"), ("reason", "不适用原因"),
    ("as_of", "数据截至（手机最后同步）"))
RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("record_id", "记录编号"), ("cadre_no", "干部编号"), ("cadre_name", "干部姓名"),
    ("duty", "任务"), ("subject", "对象"), ("activity_date", "活动日期"), ("period", "周期"),
    ("state", "审核状态"), ("revision", "版本"), ("first_submitted_at", "首次提交"),
    ("submitted_at", "最近提交"), ("reviewed_at", "审核时间"), ("comment", "审核意见"),
    ("content", "内容"))
_WORDS = {"duty": DUTY_WORDS, "state": {**STATE_WORDS, **RECORD_STATE_WORDS}}


def china_time(seconds: int | None) -> str:
    """Unix seconds as China time, "2026-11-18 14:05"; "" for never."""
    if seconds is None:
        return ""
    day, second = divmod(seconds + CHINA_OFFSET, DAY)
    return f"{_iso_day(day)} {second // 3600:02d}:{second % 3600 // 60:02d}"


@functools.lru_cache(maxsize=4096)
def _iso_day(day: int) -> str:
    return day_date(day).isoformat()


def compliance_rows(matrix: Matrix) -> list[Row]:
    """One row per cell, cadre by cadre, column by column."""
    rows: list[Row] = []
    days = {p: (p.first.isoformat(), p.last.isoformat()) for _, p in matrix.columns}
    for cadre in matrix.rows:
        as_of = china_time(cadre.seen_at)
        for duty, period in matrix.columns:
            for cell in matrix.cells_of(cadre, duty, period):
                rows.append({
                    "cadre_no": cadre.cadre_no, "cadre_name": cadre.name, "duty": duty.value,
                    "period": period.key, "period_first": days[period][0],
                    "period_last": days[period][1], "worker": cell.subject,
                    "worker_name": cadre.workers.get(cell.subject, ""),
                    "state": cell.state.value, "reason": cell.reason or "", "as_of": as_of})
    return rows


def record_rows(found: Iterable[FoundRecord]) -> list[Row]:
    """One row per record, its newest revision's content as JSON."""
    return [{"record_id": f.record.id, "cadre_no": f.cadre_no, "cadre_name": f.cadre_name,
             "duty": f.record.duty, "subject": f.record.subject,
             "activity_date": f.activity_date.isoformat(), "period": f.period_key,
             "state": f.record.state, "revision": str(f.record.revision),
             "first_submitted_at": china_time(f.record.first_submitted_at),
             "submitted_at": china_time(f.record.submitted_at),
             "reviewed_at": china_time(f.record.reviewed_at),
             "comment": f.record.comment or "",
             "content": json.dumps(f.content, ensure_ascii=False, sort_keys=True)}
            for f in found]


def as_json(rows: Sequence[Row]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=1)


def as_csv(rows: Sequence[Row], columns: Sequence[tuple[str, str]]) -> str:
    """CSV with the SPEC's keys as headers and values as named there (for the commands)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    writer.writerows([row[key] for key, _ in columns] for row in rows)
    return out.getvalue()


def office_csv(rows: Sequence[Row], columns: Sequence[tuple[str, str]]) -> bytes:
    """CSV for the office: UTF-8 with a BOM, Chinese headers, duties and states in words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([zh for _, zh in columns])
    shown = [(key, _OFFICE_WORDS.get(key)) for key, _ in columns]
    writer.writerows([_defused(row[key]) if words is None else words.get(row[key], row[key])
                      for key, words in shown] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_OFFICE_WORDS = {key: {value: pair[0] for value, pair in table.items()}
                 for key, table in _WORDS.items()}
_FORMULA = ("=", "+", "-", "@")


def _defused(value: str) -> str:
    """A cell a spreadsheet would run as a formula is written as text."""
    return "'" + value if value.startswith(_FORMULA) else value
