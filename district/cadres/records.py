"""Finding the cadres' records at the district: the review queue, a cell's drill-down, a
cadre's diaries for a year and the exports all ask through `find` with a `RecordFilter`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.chinatime import CHINA_OFFSET, DAY, date_day, day_date
from app.duties import Duty, period_of
from district.cadres.tables import CadreRecord, CadreRevision
from district.errors import NotFound
from district.tables import Cadre


@dataclass(frozen=True)
class RecordFilter:
    """Which records: any field left None does not filter. `first`/`last` bound the activity
    date; `since` keeps the records submitted or reviewed on or after that day (China)."""

    state: str | None = None
    cadre_no: str | None = None
    duty: str | None = None
    subject: str | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    since: dt.date | None = None


@dataclass(frozen=True)
class FoundRecord:
    """A record with its cadre's number and name, its content decoded."""

    record: CadreRecord
    cadre_no: str
    cadre_name: str

    @property
    def activity_date(self) -> dt.date:
        return day_date(self.record.activity_day)

    @property
    def period_key(self) -> str:
        return period_of(Duty(self.record.duty), self.activity_date).key

    @property
    def content(self) -> dict[str, Any]:
        return content_of(self.record.fields)


def content_of(fields: str) -> dict[str, Any]:
    """A stored revision's content (the pushed `content` object, or the fields themselves)."""
    loaded = json.loads(fields) if fields else {}
    if isinstance(loaded, dict) and isinstance(loaded.get("content"), dict):
        return dict(loaded["content"])
    return loaded if isinstance(loaded, dict) else {}


def _query(chosen: RecordFilter) -> Select[CadreRecord, str, str]:
    query = select(CadreRecord, Cadre.cadre_no, Cadre.name).join(
        Cadre, Cadre.id == CadreRecord.cadre_id)
    if chosen.state:
        query = query.where(CadreRecord.state == chosen.state)
    if chosen.cadre_no:
        query = query.where(Cadre.cadre_no == chosen.cadre_no)
    if chosen.duty:
        query = query.where(CadreRecord.duty == chosen.duty)
    if chosen.subject:
        query = query.where(CadreRecord.subject == chosen.subject)
    if chosen.first:
        query = query.where(CadreRecord.activity_day >= date_day(chosen.first))
    if chosen.last:
        query = query.where(CadreRecord.activity_day <= date_day(chosen.last))
    if chosen.since:
        start = date_day(chosen.since) * DAY - CHINA_OFFSET
        query = query.where(or_(CadreRecord.submitted_at >= start,
                                CadreRecord.reviewed_at >= start))
    return query


def find(session: Session, chosen: RecordFilter, limit: int | None = None,
         newest_first: bool = False) -> list[FoundRecord]:
    """The records matching, oldest submission first (the review queue's order), or newest
    first; by activity date for ties."""
    order = CadreRecord.submitted_at.desc() if newest_first else CadreRecord.submitted_at
    query = _query(chosen).order_by(order, CadreRecord.activity_day, CadreRecord.id)
    if limit is not None:
        query = query.limit(limit)
    return [FoundRecord(r, no, name) for r, no, name in session.execute(query)]


def one(session: Session, record_id: str) -> FoundRecord:
    found = session.execute(select(CadreRecord, Cadre.cadre_no, Cadre.name)
                            .join(Cadre, Cadre.id == CadreRecord.cadre_id)
                            .where(CadreRecord.id == record_id)).one_or_none()
    if found is None:
        raise NotFound("没有这条记录", "no such record")
    record, cadre_no, name = found
    return FoundRecord(record, cadre_no, name)


def revisions_of(session: Session, record_id: str) -> list[CadreRevision]:
    """Every revision the cadre submitted, newest first."""
    return list(session.scalars(select(CadreRevision).where(CadreRevision.record_id == record_id)
                                .order_by(CadreRevision.revision.desc())))
