"""Cells the district marks "not applicable" with a reason (SPEC §10: leave, a needy worker who
left the programme): set and cleared by district admins and reviewers, audited, and sent to the
cadre's phone as `duty_exemption` entries of the cadre's scope (a tombstone when cleared).

An exemption only shows in a cell without a record (`app.duties.cell_state`): a record the cadre
submits anyway still counts.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cadre_wire import EXEMPTION
from app.duties import Duty, period_by_key
from district import audit
from district.cadres.tables import DutyExemption
from district.errors import Forbidden, Invalid, NotFound
from district.feed.changelog import TOMBSTONE, UPSERT, cadre_scope, log_change
from district.staff.accounts import CADRE_REVIEWERS
from district.tables import Cadre

REASON_LIMIT = 200


def _allowed(role: str) -> None:
    if role not in CADRE_REVIEWERS:
        raise Forbidden("只有区总工会管理员和审核人员可以设置不适用",
                        "only district admins and reviewers may mark cells not applicable")


def _cell(duty: str, period_key: str, subject: str) -> tuple[Duty, str, str]:
    """The cell named, checked: a duty, one of its periods, a worker for needy visits only."""
    try:
        chosen = Duty(duty)
        period = period_by_key(chosen, period_key)
    except ValueError:
        raise Invalid("没有这一项任务或这个周期", "no such duty or period") from None
    needs_subject = chosen is Duty.NEEDY_VISIT
    if needs_subject != bool(subject.strip()):
        raise Invalid("走访困难职工要指明职工，其他任务不指明",
                      "name the worker for a needy visit, and only for it")
    return chosen, period.key, subject.strip()


def _cadre(session: Session, cadre_no: str) -> Cadre:
    cadre = session.scalars(select(Cadre).where(Cadre.cadre_no == cadre_no)).one_or_none()
    if cadre is None:
        raise NotFound(f"没有干部 {cadre_no}", f"no cadre {cadre_no}")
    return cadre


def set_exemption(session: Session, cadre_no: str, duty: str, period_key: str, subject: str,
                  reason: str, who: str, role: str, now: int) -> DutyExemption:
    """Mark one cell not applicable (or change the reason of one already marked)."""
    _allowed(role)
    cell, reason = _cell(duty, period_key, subject), reason.strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise Invalid(f"请写明不适用的原因（{REASON_LIMIT} 字以内）",
                      f"give the reason (at most {REASON_LIMIT} characters)")
    cadre = _cadre(session, cadre_no)
    found = _find(session, cadre.id, *cell) or _insert(session, cadre.id, cell, reason, who, now)
    found.reason, found.created_by, found.created_at = reason, who, now
    log_change(session, cadre_scope(cadre.id), EXEMPTION, str(found.id), UPSERT,
               fields={"duty": found.duty, "period_key": found.period_key,
                       "subject": found.subject, "reason": found.reason})
    audit.record(session, who, "duty_exemption.set", cadre_no,
                 {"duty": found.duty, "period": found.period_key, "worker": found.subject,
                  "reason": reason}, now)
    return found


def clear_exemption(session: Session, cadre_no: str, duty: str, period_key: str, subject: str,
                    who: str, role: str, now: int) -> None:
    """The cell counts again; the cadre's phone is told by a tombstone."""
    _allowed(role)
    cell = _cell(duty, period_key, subject)
    cadre = _cadre(session, cadre_no)
    found = _find(session, cadre.id, *cell)
    if found is None:
        raise NotFound("这一格没有设为不适用", "this cell is not marked not applicable")
    log_change(session, cadre_scope(cadre.id), EXEMPTION, str(found.id), TOMBSTONE)
    audit.record(session, who, "duty_exemption.clear", cadre_no,
                 {"duty": found.duty, "period": found.period_key, "worker": found.subject,
                  "reason": found.reason}, now)
    session.delete(found)


def _insert(session: Session, cadre_id: int, cell: tuple[Duty, str, str], reason: str,
            who: str, now: int) -> DutyExemption:
    """A new exemption; when another staff member's insert of the same cell committed first
    (the unique constraint), theirs is taken and updated instead."""
    added = DutyExemption(cadre_id=cadre_id, duty=cell[0].value, period_key=cell[1],
                          subject=cell[2], reason=reason, created_by=who, created_at=now)
    try:
        with session.begin_nested():
            session.add(added)
    except IntegrityError:
        found = _find(session, cadre_id, *cell)
        if found is None:
            raise
        return found
    return added


def _find(session: Session, cadre_id: int, duty: Duty, period_key: str,
          subject: str) -> DutyExemption | None:
    return session.scalars(select(DutyExemption).where(
        DutyExemption.cadre_id == cadre_id, DutyExemption.duty == duty.value,
        DutyExemption.period_key == period_key, DutyExemption.subject == subject)
        .with_for_update()).one_or_none()
