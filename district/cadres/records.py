"""A cadre's records as the district keeps them (SPEC §10 review, normative): a submitted
revision arrives from the cadre's phone and is taken or refused here, for the sync handler and
anything else (the console) that submits.

Rules: a new record is `submitted` (its revision as sent, first submitted now). A higher
revision is taken only while the district's copy is `returned`: it becomes the newest revision,
`submitted` again. Anything else is a conflict answered with the district's copy and the reason
in words: a stale revision, a record under review (submitted records are locked) or an approved
one (final). Every submitted revision is kept (`CadreRevision`), and the record's copy is
published to the cadre's phone after each change. The record's row is locked first
(`with_for_update`), so a push and a review (`district.cadres.review` locks it too), or two
pushes, take their turns on any number of server instances.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cadre_wire import WireRecord
from app.chinatime import date_day
from app.duties import RecordState
from district.cadres import publish
from district.cadres.tables import CadreRecord, CadreRevision
from district.errors import Forbidden

STALE, UNDER_REVIEW, APPROVED = "stale_revision", "under_review", "approved"


@dataclass(frozen=True)
class Submission:
    """What became of a submitted revision: the district's record, and when it was not taken
    the conflict's reason with words for the cadre."""

    record: CadreRecord
    conflict: str | None = None
    zh: str = ""
    en: str = ""

    @property
    def taken(self) -> bool:
        return self.conflict is None


def locked(session: Session, record_id: str) -> CadreRecord | None:
    """The record's row, locked for this transaction (None when there is none yet)."""
    return session.scalars(select(CadreRecord).where(CadreRecord.id == record_id)
                           .with_for_update().execution_options(populate_existing=True)).first()


def _fields(wire: WireRecord) -> str:
    return json.dumps(wire.fields(), ensure_ascii=False)


def _keep_revision(session: Session, record: CadreRecord, device_id: str, now: int) -> None:
    session.add(CadreRevision(record_id=record.id, revision=record.revision,
                              activity_day=record.activity_day, fields=record.fields,
                              submitted_at=now, device_id=device_id))
    session.flush()
    publish.record_changed(session, record)


def _create(session: Session, cadre_id: int, device_id: str, wire: WireRecord,
            now: int) -> CadreRecord | None:
    """The new record, or None when another request created the same record meanwhile."""
    record = CadreRecord(id=wire.record_id, cadre_id=cadre_id, duty=wire.duty.value,
                         subject=wire.subject, activity_day=date_day(wire.activity_date),
                         revision=wire.revision, state=RecordState.SUBMITTED.value,
                         fields=_fields(wire), first_submitted_at=now, submitted_at=now,
                         reviewed_at=None, comment=None, device_id=device_id)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return None
    return record


def _refusal(record: CadreRecord, wire: WireRecord) -> Submission | None:
    """Why the district's copy does not take this revision, or None when it does."""
    if record.state == RecordState.APPROVED:
        return Submission(record, APPROVED, "这份记录已审核通过，不能再修改",
                          "this record was approved: it is final")
    if record.state == RecordState.SUBMITTED:
        return Submission(record, UNDER_REVIEW,
                          f"这份记录（第 {record.revision} 版）已提交、正在审核，审核前不能修改",
                          f"revision {record.revision} of this record is under review: "
                          "a submitted record is locked")
    if wire.revision <= record.revision:
        return Submission(record, STALE,
                          f"区总工会已有这份记录更新的版本（第 {record.revision} 版）",
                          f"the district has a newer revision of this record "
                          f"({record.revision})")
    return None


def _resubmit(record: CadreRecord, device_id: str, wire: WireRecord, now: int) -> None:
    """A returned record edited: its new revision, waiting for review again."""
    record.revision, record.state, record.fields = (wire.revision, RecordState.SUBMITTED.value,
                                                    _fields(wire))
    record.subject, record.activity_day = wire.subject, date_day(wire.activity_date)
    record.submitted_at, record.device_id = now, device_id
    record.reviewed_at, record.comment = None, None


def submit(session: Session, cadre_id: int, device_id: str, wire: WireRecord,
           now: int) -> Submission:
    """Take a submitted revision of the cadre's record, or say why not (see the module)."""
    record = locked(session, wire.record_id)
    if record is None:
        created = _create(session, cadre_id, device_id, wire, now)
        if created is not None:
            _keep_revision(session, created, device_id, now)
            return Submission(created)
        record = locked(session, wire.record_id)
        assert record is not None  # created by the request that won the race
    if record.cadre_id != cadre_id or record.duty != wire.duty.value:
        raise Forbidden("这个记录编号已被另一份记录使用",
                        "this record id belongs to another record")
    refused = _refusal(record, wire)
    if refused is not None:
        return refused
    _resubmit(record, device_id, wire, now)
    _keep_revision(session, record, device_id, now)
    return Submission(record)
