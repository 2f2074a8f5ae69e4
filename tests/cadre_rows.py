"""Writing the cadres' rows straight into the district's database for the review, compliance
and export tests — the sync handler that creates records in production is tested on its own.
A record is written as a push leaves it: its `CadreRecord` row and one `CadreRevision` per
revision."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.chinatime import CHINA_OFFSET, DAY, date_day
from app.duties import Duty
from district.cadres.tables import CadreRecord, CadreRevision, NeedyWorker
from district.tables import Cadre


def add_cadre(session: Session, cadre_no: str, name: str = "张建华",
              department: str = "组织部") -> Cadre:
    cadre = Cadre(cadre_no=cadre_no, name=name, department=department)
    session.add(cadre)
    session.flush()
    return cadre


def add_worker(session: Session, cadre: Cadre | None, name: str = "周桂芳",
               now: int = 0) -> NeedyWorker:
    worker = NeedyWorker(name=name, union_name="木渎精工机械工会", town_id="WZ-MD",
                         phone="13800000000", category="因病", household="", status="在档",
                         cadre_id=cadre.id if cadre else None, created_at=now, updated_at=now)
    session.add(worker)
    session.flush()
    return worker


def noon(day: dt.date) -> int:
    """Noon in China of a day, in unix seconds."""
    return date_day(day) * DAY - CHINA_OFFSET + 12 * 3600


def add_record(session: Session, cadre: Cadre, duty: Duty, day: dt.date,
               state: str = "submitted", subject: str = "", revisions: int = 1,
               first_submitted_at: int | None = None, content: dict[str, Any] | None = None,
               record_id: str | None = None) -> CadreRecord:
    """A record dated `day` with `revisions` revisions (the newest current), in `state`."""
    first = first_submitted_at if first_submitted_at is not None else noon(day)
    shown = content if content is not None else {"work_done": "装配线上拧螺丝"}
    record = CadreRecord(id=record_id or str(uuid.uuid4()), cadre_id=cadre.id, duty=duty.value,
                         subject=subject, activity_day=date_day(day), revision=revisions,
                         state=state, fields="{}", first_submitted_at=first,
                         submitted_at=first + (revisions - 1) * 3600, reviewed_at=None,
                         comment=None, device_id="d" * 32)
    session.add(record)
    session.flush()
    for number in range(1, revisions + 1):
        body = {**shown, "revision_note": f"第 {number} 版"} if revisions > 1 else shown
        fields = json.dumps({"duty": duty.value, "subject": subject,
                             "activity_date": day.isoformat(), "revision": number,
                             "content": body}, ensure_ascii=False)
        session.add(CadreRevision(record_id=record.id, revision=number,
                                  activity_day=date_day(day), fields=fields,
                                  submitted_at=first + (number - 1) * 3600,
                                  device_id="d" * 32))
        record.fields = fields
    return record


def new_revision(session: Session, record: CadreRecord, content: dict[str, Any],
                 at: int) -> None:
    """What a push of the next revision does to the district's rows (state submitted)."""
    record.revision += 1
    record.fields = json.dumps({"content": content}, ensure_ascii=False)
    record.state, record.submitted_at = "submitted", at
    session.add(CadreRevision(record_id=record.id, revision=record.revision,
                              activity_day=record.activity_day, fields=record.fields,
                              submitted_at=at, device_id=record.device_id))
