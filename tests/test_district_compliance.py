"""The "五个一" matrix (district/cadres/compliance.py), its exemptions and its exports: each cell's
state from the records, the exemptions and the calendar at a moment; needy visits one cell per
assigned worker; counts per row and column; "as of" the cadre's phone's last sync."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.cadre_wire import EXEMPTION
from app.chinatime import CHINA_OFFSET, DAY, date_day
from app.duties import (
    DUTY_ORDER,
    CellState,
    Duty,
    RecordState,
    RecordSummary,
    cell_state,
    period_by_key,
)
from district import audit
from district.cadres import compliance, exemptions, exports, people
from district.cadres.tables import DutyExemption
from district.errors import Forbidden, Invalid
from district.feed import changelog
from district.phones.devices import token_hash
from district.phones.tables import Device
from district.service import District
from district.tables import Cadre
from tests.api_support import Server
from tests.cadre_rows import add_cadre, add_record, add_worker, noon
from tests.fakes import NOW

AT = NOW  # 2026-11-18 in China
D = dt.date


def _state(matrix: compliance.Matrix, cadre: Cadre, duty: Duty, key: str,
           subject: str = "") -> CellState:
    return matrix.cells[(cadre.id, duty, key, subject)].state


def _year(district: District, at: int = AT) -> compliance.Matrix:
    with district.sessions() as session:
        return compliance.build(session, compliance.selection("2026"), at)


def test_each_cell_follows_its_records_its_exemption_and_the_calendar(
        district: District) -> None:
    jan = period_by_key(Duty.WORK_DAY, "2026-01")
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 1, 31), "approved",
                   first_submitted_at=jan.late_after())  # typed in February: counts for January
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 2, 10), "approved",
                   first_submitted_at=period_by_key(Duty.WORK_DAY, "2026-02").late_after() + 1)
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 3, 3), "submitted")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 4, 3), "returned")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 5, 3), "returned")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 5, 9), "approved")
        session.add(DutyExemption(cadre_id=cadre.id, duty="work_day", period_key="2026-06",
                                  subject="", reason="病假", created_by="t", created_at=AT))
    matrix = _year(district)
    states = [_state(matrix, cadre, Duty.WORK_DAY, f"2026-{m:02d}") for m in range(1, 13)]
    assert states == [CellState.DONE, CellState.LATE, CellState.SUBMITTED, CellState.RETURNED,
                      CellState.DONE, CellState.NOT_APPLICABLE, *[CellState.OVERDUE] * 4,
                      CellState.DUE, CellState.UPCOMING]
    assert matrix.cells[(cadre.id, Duty.WORK_DAY, "2026-06", "")].reason == "病假"


def test_needy_visits_have_one_cell_per_assigned_worker_and_quarter(district: District) -> None:
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        first, second = add_worker(session, cadre, "周桂芳"), add_worker(session, cadre, "吴小明")
        add_worker(session, None, "未分配")
        add_record(session, cadre, Duty.NEEDY_VISIT, D(2026, 2, 1), "approved",
                   subject=str(first.id))
    matrix = _year(district)
    row = matrix.rows[0]
    q1 = period_by_key(Duty.NEEDY_VISIT, "2026-Q1")
    cells = matrix.cells_of(row, Duty.NEEDY_VISIT, q1)
    assert [(c.subject, c.state) for c in cells] == [
        (str(first.id), CellState.DONE), (str(second.id), CellState.OVERDUE)]
    assert sum(1 for k in matrix.cells if k[1] is Duty.NEEDY_VISIT) == 8  # 2 workers × 4


def test_counts_per_cadre_and_per_column(district: District) -> None:
    with district.sessions.begin() as session:
        one, two = add_cadre(session, "C001"), add_cadre(session, "C002", "李敏")
        add_record(session, one, Duty.MENTOR_CONTACT, D(2026, 3, 5), "approved")
        add_record(session, two, Duty.MENTOR_CONTACT, D(2026, 3, 6), "submitted")
    matrix = _year(district)
    assert matrix.column_counts[(Duty.MENTOR_CONTACT, "2026-03")] == {
        CellState.DONE: 1, CellState.SUBMITTED: 1}
    counts = matrix.row_counts[one.id]
    assert counts[CellState.DONE] == 1
    assert sum(counts.values()) == 12 * 3 + 6  # no workers: monthly duties and the blocks


def test_a_month_brings_its_quarter_and_its_two_month_block() -> None:
    chosen = compliance.selection("2026-03")
    assert {(d.value, p.key) for d, p in compliance.columns(chosen)} == {
        ("work_day", "2026-03"), ("needy_visit", "2026-Q1"), ("enterprise_visit", "2026-B2"),
        ("mentor_contact", "2026-03"), ("study_meeting", "2026-03")}
    for wrong in ("2026-13", "2026-Q5", "26", "2026/03"):
        with pytest.raises(Invalid):
            compliance.selection(wrong)


def test_the_matrix_is_as_of_each_cadre_s_phone_s_last_sync(district: District) -> None:
    with district.sessions.begin() as session:
        cadre, other = add_cadre(session, "C001"), add_cadre(session, "C002")
        session.add(Device(id="c" * 32, cadre_id=cadre.id, role="cadre", name="手机",
                           token_hash=token_hash("t"), public_key=b"k" * 32, created_at=AT,
                           seen_at=AT - 600))
    seen = {r.cadre_no: r.seen_at for r in _year(district).rows}
    assert seen == {"C001": AT - 600, "C002": None}
    assert other.cadre_no == "C002"


def test_a_cadre_phone_s_pull_sets_its_last_sync(server: Server) -> None:
    with server.district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        session.add(Device(id="c" * 32, cadre_id=cadre.id, role="cadre", name="手机",
                           token_hash=token_hash("cadre-token"), public_key=b"k" * 32,
                           created_at=NOW))
    answer = server.http.get("/api/v1/sync/pull",
                             headers={"Authorization": "Bearer cadre-token"})
    assert answer.status_code == 200
    with server.district.sessions() as session:
        device = session.get(Device, "c" * 32)
        assert device is not None and device.seen_at == int(server.clock())


def test_an_exemption_reaches_the_phone_and_is_audited_and_its_clearing_too(
        district: District) -> None:
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        worker = add_worker(session, cadre)
        exemptions.set_exemption(session, "C001", "needy_visit", "2026-Q2", str(worker.id),
                                 "职工已脱困", "review", "reviewer", AT)
    assert _state(_year(district), cadre, Duty.NEEDY_VISIT, "2026-Q2",
                  str(worker.id)) is CellState.NOT_APPLICABLE
    with district.sessions() as session:
        [sent] = [e for e in changelog.read(session, [changelog.cadre_scope(cadre.id)], 0, 50)
                  if e.entity == EXEMPTION]
    assert json.loads(sent.fields or "") == {"duty": "needy_visit", "period_key": "2026-Q2",
                                             "subject": str(worker.id), "reason": "职工已脱困"}
    with district.sessions.begin() as session:
        exemptions.clear_exemption(session, "C001", "needy_visit", "2026-Q2", str(worker.id),
                                   "review", "reviewer", AT + 1)
    with district.sessions() as session:
        [gone] = [e for e in changelog.read(session, [changelog.cadre_scope(cadre.id)], 0, 50)
                  if e.entity == EXEMPTION]
        actions = [e.action for e in audit.recent(session)][:2]
    assert (gone.op, gone.record_id) == (changelog.TOMBSTONE, sent.record_id)
    assert actions == ["duty_exemption.clear", "duty_exemption.set"]
    assert _state(_year(district), cadre, Duty.NEEDY_VISIT, "2026-Q2",
                  str(worker.id)) is CellState.OVERDUE


def test_an_exemption_needs_a_reason_a_real_cell_and_a_reviewer(district: District) -> None:
    with district.sessions.begin() as session:
        add_cadre(session, "C001")
    tries = [("work_day", "2026-03", "", " ", "reviewer"),
             ("work_day", "2026-Q1", "", "请假", "reviewer"),
             ("needy_visit", "2026-Q1", "", "请假", "reviewer"),
             ("work_day", "2026-03", "7", "请假", "reviewer"),
             ("sleeping", "2026-03", "", "请假", "reviewer")]
    for duty, key, subject, reason, role in tries:
        with district.sessions.begin() as session, pytest.raises(Invalid):
            exemptions.set_exemption(session, "C001", duty, key, subject, reason, "x", role, AT)
    with district.sessions.begin() as session, pytest.raises(Forbidden):
        exemptions.set_exemption(session, "C001", "work_day", "2026-03", "", "请假", "mudu",
                                 "town_clerk", AT)
    with district.sessions() as session:
        assert session.scalars(select(DutyExemption)).all() == []


def test_a_record_still_counts_in_a_cell_marked_not_applicable(district: District) -> None:
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        exemptions.set_exemption(session, "C001", "work_day", "2026-03", "", "请假", "review",
                                 "reviewer", AT)
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 3, 20), "approved")
    assert _state(_year(district), cadre, Duty.WORK_DAY, "2026-03") is CellState.DONE


def test_a_cadre_added_in_the_year_owes_nothing_for_the_periods_before(
        district: District) -> None:
    """A cadre added on 2026-08-10 is not held overdue for January–July: those cells are not
    applicable with the reason; August, the month they started in, counts; a record dated
    before still counts where it falls."""
    with district.sessions.begin() as session:
        people.add_cadre(session, "C009", people.CadreForm("顾晓芳", "组织部", None, "", ""),
                         "admin", noon(D(2026, 8, 10)))
        cadre = people.find_cadre(session, "C009")
        assert cadre is not None
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 3, 20), "approved")
    matrix = _year(district)
    states = [_state(matrix, cadre, Duty.WORK_DAY, f"2026-{m:02d}") for m in range(1, 13)]
    assert states == [*[CellState.NOT_APPLICABLE] * 2, CellState.DONE,
                      *[CellState.NOT_APPLICABLE] * 4, *[CellState.OVERDUE] * 3,
                      CellState.DUE, CellState.UPCOMING]
    assert matrix.cells[(cadre.id, Duty.WORK_DAY, "2026-01", "")].reason == \
        "尚未任职（2026-08-10 起）"
    quarters = [_state(matrix, cadre, Duty.ENTERPRISE_VISIT, f"2026-B{b}") for b in (3, 4)]
    assert quarters == [CellState.NOT_APPLICABLE, CellState.OVERDUE]  # Jul–Aug counts


def test_the_office_csv_has_a_bom_chinese_headers_and_words(district: District) -> None:
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001", "=张三")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 3, 20), "approved")
    with district.sessions() as session:
        matrix = compliance.build(session, compliance.selection("2026-03"), AT)
    rows = exports.compliance_rows(matrix)
    body = exports.office_csv(rows, exports.COMPLIANCE_COLUMNS).decode("utf-8")
    lines = body.splitlines()
    assert body.startswith("\ufeff干部编号,干部姓名,任务,周期")
    assert "C001,'=张三,当好一天工人,2026-03,2026-03-01,2026-03-31,,,已完成,," in lines
    assert {r["state"] for r in rows} == {"done", "overdue"}


def test_midnight_in_china_is_where_a_record_s_day_begins(district: District) -> None:
    """A record's activity day is a China day: day numbers, not UTC dates, bound the month."""
    start = date_day(D(2026, 4, 1)) * DAY - CHINA_OFFSET
    assert noon(D(2026, 4, 1)) - start == 12 * 3600
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        add_record(session, cadre, Duty.WORK_DAY, D(2026, 4, 1), "approved")
    matrix = _year(district)
    assert _state(matrix, cadre, Duty.WORK_DAY, "2026-03") is CellState.OVERDUE
    assert _state(matrix, cadre, Duty.WORK_DAY, "2026-04") is CellState.DONE


RECORD_STATES = st.sampled_from(["submitted", "returned", "approved"])
RECORDS = st.lists(st.tuples(st.sampled_from(DUTY_ORDER), st.dates(D(2025, 12, 1), D(2027, 1, 31)),
                             RECORD_STATES, st.integers(0, 40 * 86_400)), max_size=12)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=RECORDS, today=st.dates(D(2026, 1, 1), D(2027, 3, 1)))
def test_the_matrix_agrees_with_the_one_definition_of_a_cell(
        district: District, records: list[tuple[Duty, D, str, int]], today: D) -> None:
    """Whatever the records, each cell of the matrix is `cell_state` of the records dated in
    its period — the database's days and grouping add nothing of their own."""
    with district.sessions.begin() as session:
        cadre = add_cadre(session, f"H{uuid.uuid4().hex[:8]}")
        worker = str(add_worker(session, cadre).id)
        summaries = []
        for duty, day, state, delay in records:
            subject = worker if duty is Duty.NEEDY_VISIT else ""
            add_record(session, cadre, duty, day, state, subject=subject,
                       first_submitted_at=noon(day) + delay)
            summaries.append((duty, RecordSummary(day, RecordState(state), noon(day) + delay)))
    with district.sessions() as session:
        matrix = compliance.build(session, compliance.selection("2026"), noon(today))
    for duty, period in matrix.columns:
        subject = worker if duty is Duty.NEEDY_VISIT else ""
        expected = cell_state(period, today, [s for d, s in summaries if d is duty])
        assert matrix.cells[(cadre.id, duty, period.key, subject)].state is expected
