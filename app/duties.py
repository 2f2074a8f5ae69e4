"""The cadres' "五个一" duties and their periods (SPEC §10, normative): one definition used by the
phone's dashboard, the district's review and compliance matrix, and every export.

Periods are calendar periods in China time. A record counts for the period containing its
**activity date** (not the day it was typed or synced). A cell's state follows from the period,
today's date in China, the records dated in it and whether the district marked it not applicable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.chinatime import CHINA_OFFSET, DAY, date_day

LATE_DAYS = 7  # approved, but first submitted more than this many days after the period ended


class Duty(StrEnum):
    NEEDY_VISIT = "needy_visit"  # each assigned needy worker, every calendar quarter
    ENTERPRISE_VISIT = "enterprise_visit"  # the key enterprise, every two-month block
    WORK_DAY = "work_day"  # 当好一天工人, every calendar month
    MENTOR_CONTACT = "mentor_contact"  # the model-worker mentor, every calendar month
    STUDY_MEETING = "study_meeting"  # the monthly study meeting's check-in


DUTY_ORDER: tuple[Duty, ...] = (Duty.WORK_DAY, Duty.NEEDY_VISIT, Duty.ENTERPRISE_VISIT,
                                Duty.MENTOR_CONTACT, Duty.STUDY_MEETING)


class RecordState(StrEnum):
    """A record's review state at the district (a draft never leaves the phone)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class CellState(StrEnum):
    UPCOMING = "upcoming"  # the period has not begun
    DUE = "due"  # the current period, nothing yet
    SUBMITTED = "submitted"  # waiting for review
    RETURNED = "returned"  # sent back with a comment
    DONE = "done"  # approved
    LATE = "late"  # approved, first submitted more than LATE_DAYS after the period ended
    OVERDUE = "overdue"  # the period is over and nothing was submitted
    NOT_APPLICABLE = "not_applicable"  # set by the district, with a reason


@dataclass(frozen=True, order=True)
class Period:
    """One period of a duty: its first and last calendar day (China) and a stable key —
    "2026-11" for a month, "2026-B6" for the sixth two-month block (Nov–Dec), "2026-Q4"."""

    first: dt.date
    last: dt.date
    key: str

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def begun(self, today: dt.date) -> bool:
        return today >= self.first

    def over(self, today: dt.date) -> bool:
        return today > self.last

    def late_after(self) -> int:
        """The unix second after which a first submission is late (the end of the period's
        last day in China, plus LATE_DAYS days)."""
        return (date_day(self.last) + 1 + LATE_DAYS) * DAY - CHINA_OFFSET


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _span(year: int, first_month: int, months: int, key: str) -> Period:
    return Period(dt.date(year, first_month, 1), _month_end(year, first_month + months - 1), key)


def period_of(duty: Duty, day: dt.date) -> Period:
    """The period of `duty` that contains `day`."""
    y, m = day.year, day.month
    if duty is Duty.NEEDY_VISIT:
        q = (m - 1) // 3
        return _span(y, 3 * q + 1, 3, f"{y}-Q{q + 1}")
    if duty is Duty.ENTERPRISE_VISIT:
        b = (m - 1) // 2
        return _span(y, 2 * b + 1, 2, f"{y}-B{b + 1}")
    return _span(y, m, 1, f"{y}-{m:02d}")


def periods_in_year(duty: Duty, year: int) -> list[Period]:
    """The year's periods of `duty`, in order (12 months, 6 blocks or 4 quarters)."""
    found: list[Period] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        found.append(period_of(duty, day))
        day = found[-1].last + dt.timedelta(days=1)
    return found


def period_by_key(duty: Duty, key: str) -> Period:
    """The period named by `key` (as `Period.key`); ValueError if it is not one of `duty`'s."""
    year = int(key[:4])
    for period in periods_in_year(duty, year):
        if period.key == key:
            return period
    raise ValueError(f"{key!r} is not a period of {duty}")


@dataclass(frozen=True)
class RecordSummary:
    """What a cell needs of one record: its activity date, review state and the moment it was
    first submitted (unix seconds; None while it is a draft)."""

    activity_date: dt.date
    state: RecordState
    first_submitted_at: int | None


_RANK = {CellState.DONE: 5, CellState.LATE: 4, CellState.SUBMITTED: 3, CellState.RETURNED: 2}


def _record_cell(period: Period, record: RecordSummary) -> CellState | None:
    if record.state is RecordState.APPROVED:
        late = (record.first_submitted_at is not None
                and record.first_submitted_at > period.late_after())
        return CellState.LATE if late else CellState.DONE
    if record.state is RecordState.SUBMITTED:
        return CellState.SUBMITTED
    if record.state is RecordState.RETURNED:
        return CellState.RETURNED
    return None  # a draft counts for nothing yet


def cell_state(period: Period, today: dt.date, records: Iterable[RecordSummary],
               not_applicable: bool = False) -> CellState:
    """The state of one cell: the best of the records dated in the period (done, late,
    submitted, returned), else not applicable, upcoming, due or overdue by the calendar."""
    states = [s for r in records if period.contains(r.activity_date)
              if (s := _record_cell(period, r)) is not None]
    if states:
        return max(states, key=_RANK.__getitem__)
    if not_applicable:
        return CellState.NOT_APPLICABLE
    if not period.begun(today):
        return CellState.UPCOMING
    return CellState.OVERDUE if period.over(today) else CellState.DUE


ATTENTION: tuple[CellState, ...] = (CellState.OVERDUE, CellState.RETURNED, CellState.DUE)


def needs_attention(state: CellState) -> bool:
    """Whether the cadre has something to do for a cell in this state."""
    return state in ATTENTION


def sorted_for_dashboard(cells: Sequence[tuple[Period, CellState]]
                         ) -> list[tuple[Period, CellState]]:
    """Overdue cells of earlier periods first (oldest on top), then the rest in period order."""
    return sorted(cells, key=lambda c: (c[1] is not CellState.OVERDUE, c[0].first))
