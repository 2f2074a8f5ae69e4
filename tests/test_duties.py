"""Properties of the duties' periods and cell states (app/duties.py, SPEC §10) over any dates:
the boundaries in China time, the activity date deciding the period, the 7-day late rule, the
calendar states and which record wins."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from app.chinatime import china_date
from app.duties import (
    DUTY_ORDER,
    CellState,
    Duty,
    Period,
    RecordState,
    RecordSummary,
    cell_state,
    period_by_key,
    period_of,
    periods_in_year,
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
duties = st.sampled_from(DUTY_ORDER)
submitted_states = st.sampled_from([RecordState.SUBMITTED, RecordState.RETURNED,
                                    RecordState.APPROVED])


def _record(day: dt.date, state: RecordState, at: int | None = 0) -> RecordSummary:
    return RecordSummary(day, state, at)


@given(duties, days)
def test_a_day_lies_in_its_period_and_the_period_has_the_duty_s_length(duty: Duty,
                                                                      day: dt.date) -> None:
    period = period_of(duty, day)
    months = {Duty.NEEDY_VISIT: 3, Duty.ENTERPRISE_VISIT: 2}.get(duty, 1)
    assert period.contains(day)
    assert period.first.day == 1 and (period.first.month - 1) % months == 0
    assert (period.last + dt.timedelta(days=1)).day == 1
    span = (period.last.year - period.first.year) * 12 + period.last.month - period.first.month
    assert span == months - 1
    assert period_by_key(duty, period.key) == period


@given(duties, st.integers(2000, 2099))
def test_a_year_s_periods_tile_it_without_gap_or_overlap(duty: Duty, year: int) -> None:
    periods = periods_in_year(duty, year)
    assert periods[0].first == dt.date(year, 1, 1) and periods[-1].last == dt.date(year, 12, 31)
    for before, after in itertools.pairwise(periods):
        assert after.first == before.last + dt.timedelta(days=1)
    assert len(periods) == {Duty.NEEDY_VISIT: 4, Duty.ENTERPRISE_VISIT: 6}.get(duty, 12)


@given(duties, days)
def test_boundaries_are_china_midnights_not_utc_ones(duty: Duty, day: dt.date) -> None:
    """16:00 UTC on the eve of a period's first day is already that first day in China."""
    period = period_of(duty, day)
    eve_utc = dt.datetime.combine(period.first - dt.timedelta(days=1), dt.time(16, 0),
                                  dt.UTC)
    moment = eve_utc.timestamp()
    assert period_of(duty, china_date(moment)) == period
    assert period_of(duty, china_date(moment - 1)) != period


@given(duties, days, st.integers(1, 60), submitted_states)
def test_a_record_typed_later_counts_for_the_period_of_its_activity(
        duty: Duty, day: dt.date, typed_after: int, state: RecordState) -> None:
    """A visit made on the last day of a period and typed (and submitted) in the next one
    fills the earlier period and not the one it was typed in."""
    period = period_of(duty, day)
    typed = period.last + dt.timedelta(days=typed_after)
    record = _record(period.last, state, at=_noon(typed))
    following = period_of(duty, typed)
    assert cell_state(period, typed, [record]) is not CellState.OVERDUE
    if following != period:
        assert cell_state(following, typed, [record]) is CellState.DUE


def _noon(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(12), dt.timezone(dt.timedelta(hours=8)))
               .timestamp())


@given(duties, days, st.integers(0, 3 * 86_400))
def test_the_last_second_before_the_late_mark_is_done_and_after_it_late(
        duty: Duty, day: dt.date, margin: int) -> None:
    period = period_of(duty, day)
    mark = period.late_after()
    today = period.last + dt.timedelta(days=30)
    on_time = cell_state(period, today, [_record(day, RecordState.APPROVED, mark - margin)])
    late = cell_state(period, today, [_record(day, RecordState.APPROVED, mark + 1 + margin)])
    assert (on_time, late) == (CellState.DONE, CellState.LATE)


@given(duties, days)
def test_the_late_mark_is_seven_china_days_after_the_period(duty: Duty, day: dt.date) -> None:
    period = period_of(duty, day)
    seventh = dt.datetime.combine(period.last + dt.timedelta(days=7), dt.time(23, 59, 59),
                                  dt.timezone(dt.timedelta(hours=8)))
    assert period.late_after() == int(seventh.timestamp()) + 1
    assert china_date(period.late_after() - 1) == period.last + dt.timedelta(days=7)


@given(duties, days, days)
def test_without_records_the_calendar_decides(duty: Duty, day: dt.date,
                                              today: dt.date) -> None:
    period = period_of(duty, day)
    state = cell_state(period, today, [])
    if today < period.first:
        assert state is CellState.UPCOMING
    elif today > period.last:
        assert state is CellState.OVERDUE
    else:
        assert state is CellState.DUE
    assert cell_state(period, today, [], not_applicable=True) is CellState.NOT_APPLICABLE


RANK = [CellState.RETURNED, CellState.SUBMITTED, CellState.LATE, CellState.DONE]


def _summary_for(state: CellState, period: Period) -> RecordSummary:
    on_time, late = period.late_after() - 1, period.late_after() + 1
    return {CellState.RETURNED: _record(period.first, RecordState.RETURNED),
            CellState.SUBMITTED: _record(period.first, RecordState.SUBMITTED),
            CellState.LATE: _record(period.last, RecordState.APPROVED, late),
            CellState.DONE: _record(period.last, RecordState.APPROVED, on_time)}[state]


@given(duties, days, days, st.lists(st.sampled_from(RANK), min_size=1, max_size=6),
       st.booleans())
def test_the_best_record_wins_and_a_record_beats_not_applicable(
        duty: Duty, day: dt.date, today: dt.date, states: list[CellState],
        exempt: bool) -> None:
    """done > late > submitted > returned, whatever the order; an exemption only shows in a
    cell with no record."""
    period = period_of(duty, day)
    records = [_summary_for(s, period) for s in states]
    best = max(states, key=RANK.index)
    assert cell_state(period, today, records, not_applicable=exempt) is best
    assert cell_state(period, today, list(reversed(records)), not_applicable=exempt) is best


@given(duties, days, days, st.booleans())
def test_drafts_and_records_of_other_periods_count_for_nothing(
        duty: Duty, day: dt.date, today: dt.date, exempt: bool) -> None:
    period = period_of(duty, day)
    elsewhere = [_record(period.first - dt.timedelta(days=1), RecordState.APPROVED),
                 _record(period.last + dt.timedelta(days=1), RecordState.APPROVED),
                 _record(day, RecordState.DRAFT, None)]
    assert cell_state(period, today, elsewhere, exempt) is cell_state(period, today, [], exempt)
