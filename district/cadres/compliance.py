"""The "五个一" compliance matrix (SPEC §10): cadres × duties × periods at a moment `at`.

A selection is a year, a quarter or a month; every period of every duty that overlaps it is a
column (so a month brings its quarter's needy visits and its two-month block). A needy visit has
one cell per (cadre, worker, quarter) for the workers assigned to the cadre; every other duty one
cell per (cadre, period). Each cell's state is `app.duties.cell_state` of the records dated in the
period and the exemptions. The data is as of each cadre's phone's last sync (`Device.seen_at`).

Few queries whatever the size: cadres, their phones' last syncs, the assignments, the records
and the exemptions — one each — then everything is grouped in memory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.chinatime import china_date, date_day, day_date
from app.duties import (
    DUTY_ORDER,
    CellState,
    Duty,
    Period,
    RecordState,
    RecordSummary,
    cell_state,
    period_of,
    periods_in_year,
)
from district.cadres.tables import CadreRecord, DutyExemption, NeedyWorker
from district.errors import Invalid
from district.phones.tables import Device
from district.tables import Cadre

_SELECTION = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")
CellKey = tuple[int, Duty, str, str]  # cadre id, duty, period key, subject (worker id or "")
_DUTIES = {d.value: d for d in Duty}
_NEEDY = Duty.NEEDY_VISIT  # a module constant: an enum member's lookup is slow in a loop
_STATES = {s.value: s for s in RecordState}


@dataclass(frozen=True)
class Selection:
    """The days a matrix covers, and the words it was asked with ("2026", "2026-Q1", …)."""

    first: dt.date
    last: dt.date
    name: str


def selection(text: str) -> Selection:
    """`YYYY`, `YYYY-Qn` or `YYYY-MM`; Invalid otherwise."""
    found = _SELECTION.match(text.strip())
    if found is None or not 1 <= int(found.group(2) or 1) <= 12:
        raise Invalid("周期应写作 2026、2026-Q1 或 2026-03", "write the period as 2026, "
                      "2026-Q1 or 2026-03")
    year = int(found.group(1))
    if found.group(2):
        span = period_of(Duty.WORK_DAY, dt.date(year, int(found.group(2)), 1))
    elif found.group(3):
        span = period_of(Duty.NEEDY_VISIT, dt.date(year, 3 * int(found.group(3)) - 2, 1))
    else:
        span = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    return Selection(span.first, span.last, text.strip())


def columns(chosen: Selection) -> list[tuple[Duty, Period]]:
    """Every (duty, period) overlapping the selection, duty by duty in the dashboard's order."""
    return [(duty, period) for duty in DUTY_ORDER
            for year in range(chosen.first.year, chosen.last.year + 1)
            for period in periods_in_year(duty, year)
            if period.first <= chosen.last and period.last >= chosen.first]


@dataclass(frozen=True)
class CadreRow:
    """One cadre's row: who, when their phone last synced, their workers (id → name)."""

    cadre_id: int
    cadre_no: str
    name: str
    department: str
    seen_at: int | None
    workers: dict[str, str]
    subjects: tuple[str, ...]  # the workers' ids in order: the row's needy-visit cells
    serving_from: int | None = None  # China day number; earlier periods do not count


@dataclass(frozen=True)
class Cell:
    cadre_id: int
    duty: Duty
    period: Period
    subject: str  # the needy worker's id for visits, else ""
    state: CellState
    reason: str | None  # the exemption's, when not applicable


@dataclass
class Matrix:
    selection: Selection
    at: int
    columns: list[tuple[Duty, Period]]
    rows: list[CadreRow]
    cells: dict[CellKey, Cell] = field(default_factory=dict)
    row_counts: dict[int, Counter[CellState]] = field(default_factory=dict)
    column_counts: dict[tuple[Duty, str], Counter[CellState]] = field(default_factory=dict)

    def cells_of(self, row: CadreRow, duty: Duty, period: Period) -> list[Cell]:
        """The row's cells in one column: one per assigned worker for needy visits."""
        return [self.cells[(row.cadre_id, duty, period.key, s)] for s in _subjects(row, duty)]


def _subjects(row: CadreRow, duty: Duty) -> tuple[str, ...]:
    return row.subjects if duty is _NEEDY else ("",)


def build(session: Session, chosen: Selection, at: int) -> Matrix:
    """The matrix of every cadre serving at some time of the selection, as of `at`."""
    rows = _cadres(session, chosen)
    cols = columns(chosen)
    first = min(p.first for _, p in cols)
    last = max(p.last for _, p in cols)
    records = _records(session, first, last)
    exempt = _exemptions(session, {p.key for _, p in cols})
    matrix = Matrix(chosen, at, cols, rows)
    today = china_date(at)
    matrix.column_counts = {(duty, period.key): Counter() for duty, period in cols}
    for row in rows:
        counts = matrix.row_counts[row.cadre_id] = Counter()
        for duty, period in cols:
            for subject in _subjects(row, duty):
                key = (row.cadre_id, duty, period.key, subject)
                reason = exempt.get(key) or _before_serving(row, period, key in records)
                state = cell_state(period, today, records.get(key, ()), reason is not None)
                matrix.cells[key] = Cell(row.cadre_id, duty, period, subject, state, reason)
                counts[state] += 1
                matrix.column_counts[(duty, period.key)][state] += 1
    return matrix


def _before_serving(row: CadreRow, period: Period, has_records: bool) -> str | None:
    """A period that ended before the cadre took up the duties: not applicable, with the
    reason (a record dated in it still counts)."""
    if row.serving_from is None or has_records or date_day(period.last) >= row.serving_from:
        return None
    return f"尚未任职（{day_date(row.serving_from).isoformat()} 起）"


def _cadres(session: Session, chosen: Selection) -> list[CadreRow]:
    start = (date_day(chosen.first) * 86_400) - 8 * 3600
    found = session.execute(select(Cadre.id, Cadre.cadre_no, Cadre.name, Cadre.department,
                                   Cadre.serving_from)
                            .where(or_(Cadre.left_at.is_(None), Cadre.left_at >= start))
                            .order_by(Cadre.cadre_no)).all()
    seen = dict(session.execute(
        select(Device.cadre_id, func.max(Device.seen_at))
        .where(Device.cadre_id.is_not(None), Device.revoked_at.is_(None))
        .group_by(Device.cadre_id)).all())
    workers: dict[int, dict[str, str]] = defaultdict(dict)
    for worker_id, name, cadre_id in session.execute(
            select(NeedyWorker.id, NeedyWorker.name, NeedyWorker.cadre_id)
            .where(NeedyWorker.cadre_id.is_not(None))):
        if cadre_id is not None:
            workers[cadre_id][str(worker_id)] = name
    return [CadreRow(i, no, name, dept, seen.get(i), workers.get(i, {}),
                     tuple(sorted(workers.get(i, {}), key=int)), serving)
            for i, no, name, dept, serving in found]


def _records(session: Session, first: dt.date, last: dt.date
             ) -> dict[CellKey, list[RecordSummary]]:
    """Every reviewable record dated in [first, last], by the cell it counts for."""
    grouped: dict[CellKey, list[RecordSummary]] = defaultdict(list)
    periods: dict[tuple[Duty, int], Period] = {}
    query = select(CadreRecord.cadre_id, CadreRecord.duty, CadreRecord.subject,
                   CadreRecord.activity_day, CadreRecord.state,
                   CadreRecord.first_submitted_at).where(
        CadreRecord.activity_day.between(date_day(first), date_day(last)))
    for cadre_id, duty_text, subject, day, state, first_at in session.execute(query):
        duty = _DUTIES[duty_text]
        period = periods.get((duty, day))
        if period is None:
            period = periods[(duty, day)] = period_of(duty, day_date(day))
        key = (cadre_id, duty, period.key, subject if duty is _NEEDY else "")
        grouped[key].append(RecordSummary(day_date(day), _STATES[state], first_at))
    return grouped


def _exemptions(session: Session, keys: set[str]) -> dict[CellKey, str]:
    query = select(DutyExemption.cadre_id, DutyExemption.duty, DutyExemption.period_key,
                   DutyExemption.subject, DutyExemption.reason).where(
        DutyExemption.period_key.in_(sorted(keys)))
    return {(cadre_id, Duty(duty), key, subject): reason
            for cadre_id, duty, key, subject, reason in session.execute(query)}
