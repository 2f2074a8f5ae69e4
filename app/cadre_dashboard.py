"""The cadre's 五个一 dashboard (SPEC §10): a pure function of the phone's records, the district's
exemptions, the cadre's needy workers and today's date (China).

One row per duty and period — one per needy worker for visits — for this month, this two-month
block and this quarter, and above them every earlier period of the last twelve months that still
wants something (overdue, or returned with a comment), ordered by
`app.duties.sorted_for_dashboard`: overdue ones on top, oldest first. Periods and states come
only from `app.duties`. A row names the record to open (the newest one in its period, a draft
first) or none, and whether a draft waits in that period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.cadre_book import RecordView
from app.cadre_pulled import Exemption, NeedyWorker
from app.duties import (
    DUTY_ORDER,
    CellState,
    Duty,
    Period,
    cell_state,
    needs_attention,
    period_of,
    sorted_for_dashboard,
)

LOOKBACK_DAYS = 366  # earlier periods that still want something, this far back


@dataclass(frozen=True)
class DashboardRow:
    duty: Duty
    period: Period
    subject: str  # the needy worker's id for a visit, else ""
    subject_name: str
    state: CellState
    comment: str | None = None  # the district's, when returned
    reason: str | None = None  # the exemption's, when not applicable
    record_id: str | None = None  # the record a tap opens (None: a tap starts one)
    has_draft: bool = False
    waiting: bool = False  # a record of the cell is still in the outbox (not yet sent)
    conflict: bool = False  # the district would not take a record of the cell: see why

    @property
    def due_date(self) -> dt.date:
        return self.period.last

    @property
    def key(self) -> str:
        return f"{self.duty.value}:{self.period.key}:{self.subject}"


@dataclass(frozen=True)
class Dashboard:
    """`earlier`: periods before the current ones that still want something, overdue ones on
    top (oldest first); then this month's, this two-month block's and this quarter's rows."""

    today: dt.date
    earlier: tuple[DashboardRow, ...]
    month: tuple[DashboardRow, ...]
    block: tuple[DashboardRow, ...]
    quarter: tuple[DashboardRow, ...]

    @property
    def rows(self) -> tuple[DashboardRow, ...]:
        return self.earlier + self.month + self.block + self.quarter

    def attention(self) -> int:
        """How many rows want the cadre (overdue, returned or due)."""
        return sum(needs_attention(row.state) for row in self.rows)


def _subjects(duty: Duty, workers: Sequence[NeedyWorker]) -> list[tuple[str, str]]:
    if duty is Duty.NEEDY_VISIT:
        return [(w.id, w.name) for w in workers]
    return [("", "")]


def _periods(duty: Duty, today: dt.date, since: dt.date | None) -> list[Period]:
    """The current period and the earlier ones back to `LOOKBACK_DAYS` ago, and not before the
    period that holds `since`."""
    found = [period_of(duty, today)]
    start = today - dt.timedelta(days=LOOKBACK_DAYS)
    if since is not None:
        start = max(start, since)
    while True:
        before = period_of(duty, found[-1].first - dt.timedelta(days=1))
        if before.last < start:
            return found
        found.append(before)


def _row(duty: Duty, period: Period, subject: tuple[str, str], today: dt.date,
         records: Sequence[RecordView], exempt: dict[tuple[Duty, str, str], str]
         ) -> DashboardRow:
    mine = [r for r in records if r.current.duty is duty
            and (r.current.subject == subject[0] or duty is Duty.STUDY_MEETING)  # any meeting
            and (period.contains(r.summary().activity_date)
                 or period.contains(r.current.activity_date))]
    reason = exempt.get((duty, period.key, subject[0]))
    counted = [r for r in mine if not (duty is Duty.STUDY_MEETING and r.conflict is not None
                                       and r.district is None)]  # a check-in it refused
    state = cell_state(period, today, [r.summary() for r in counted], reason is not None)
    drafts = [r for r in mine if r.editable]
    opened = (drafts or mine)[0] if mine else None
    returned = next((r.comment for r in mine if r.comment), None)
    return DashboardRow(duty, period, subject[0], subject[1], state,
                        returned if state is CellState.RETURNED else None,
                        reason if state is CellState.NOT_APPLICABLE else None,
                        opened.record_id if opened else None, bool(drafts),
                        any(r.waiting for r in mine), any(r.conflict for r in mine))


def dashboard(today: dt.date, records: Sequence[RecordView], workers: Sequence[NeedyWorker],
              exemptions: Sequence[Exemption], since: dt.date | None = None) -> Dashboard:
    """The rows for `today`; `records` newest first (as `RecordBook.all` gives them). Earlier
    periods go back to the one holding `since` (the day this phone was enrolled: before it,
    the phone holds none of the cadre's records, and the district's matrix is the account)."""
    exempt = {(e.duty, e.period, e.subject): e.reason for e in exemptions}
    current: dict[Duty, list[DashboardRow]] = {}
    earlier: list[DashboardRow] = []
    for duty in DUTY_ORDER:
        periods = _periods(duty, today, since)
        for n, period in enumerate(periods):
            for subject in _subjects(duty, workers):
                row = _row(duty, period, subject, today, records, exempt)
                if n == 0:
                    current.setdefault(duty, []).append(row)
                elif row.state in (CellState.OVERDUE, CellState.RETURNED):
                    earlier.append(row)
    order = sorted_for_dashboard([(row.period, row.state) for row in earlier])
    ranked = sorted(range(len(earlier)), key=lambda i: (order.index(
        (earlier[i].period, earlier[i].state)), DUTY_ORDER.index(earlier[i].duty)))

    def rows(*duties: Duty) -> tuple[DashboardRow, ...]:
        return tuple(row for duty in duties for row in current.get(duty, []))

    return Dashboard(today, tuple(earlier[i] for i in ranked),
                     rows(Duty.WORK_DAY, Duty.MENTOR_CONTACT, Duty.STUDY_MEETING),
                     rows(Duty.ENTERPRISE_VISIT), rows(Duty.NEEDY_VISIT))
