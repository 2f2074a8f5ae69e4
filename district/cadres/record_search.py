"""Finding the cadres' records at the district: the review queue, a cell's drill-down, a
cadre's diaries for a year and the exports all ask through `find` with a `RecordFilter`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
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
class StoredRecord:
    """A record's row as read (a `CadreRecord`'s columns), not an ORM object: 30,000 of them
    are read for an export."""

    id: str
    cadre_id: int
    duty: str
    subject: str
    activity_day: int
    revision: int
    state: str
    fields: str
    first_submitted_at: int
    submitted_at: int
    reviewed_at: int | None
    comment: str | None


_COLUMNS = (CadreRecord.id, CadreRecord.cadre_id, CadreRecord.duty, CadreRecord.subject,
            CadreRecord.activity_day, CadreRecord.revision, CadreRecord.state,
            CadreRecord.fields, CadreRecord.first_submitted_at, CadreRecord.submitted_at,
            CadreRecord.reviewed_at, CadreRecord.comment)


@dataclass(frozen=True)
class FoundRecord:
    """A record with its cadre's number and name, its content decoded."""

    record: StoredRecord
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


def _conditions(chosen: RecordFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if chosen.state:
        found.append(CadreRecord.state == chosen.state)
    if chosen.cadre_no:
        found.append(Cadre.cadre_no == chosen.cadre_no)
    if chosen.duty:
        found.append(CadreRecord.duty == chosen.duty)
    if chosen.subject:
        found.append(CadreRecord.subject == chosen.subject)
    if chosen.first:
        found.append(CadreRecord.activity_day >= date_day(chosen.first))
    if chosen.last:
        found.append(CadreRecord.activity_day <= date_day(chosen.last))
    if chosen.since:
        start = date_day(chosen.since) * DAY - CHINA_OFFSET
        found.append(or_(CadreRecord.submitted_at >= start, CadreRecord.reviewed_at >= start))
    return found


def _found(session: Session, conditions: list[ColumnElement[bool]],
           order: tuple[ColumnElement[Any], ...] = (), limit: int | None = None
           ) -> list[FoundRecord]:
    query = select(*_COLUMNS, Cadre.cadre_no, Cadre.name).join(
        Cadre, Cadre.id == CadreRecord.cadre_id).where(*conditions).order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    rows: list[tuple[Any, ...]] = [tuple(row) for row in session.execute(query)]
    return [FoundRecord(StoredRecord(*row[:12]), row[12], row[13]) for row in rows]


def find(session: Session, chosen: RecordFilter, limit: int | None = None,
         newest_first: bool = False) -> list[FoundRecord]:
    """The records matching, oldest submission first (the review queue's order), or newest
    first; by activity date for ties."""
    order = CadreRecord.submitted_at.desc() if newest_first else CadreRecord.submitted_at.asc()
    return _found(session, _conditions(chosen),
                  (order, CadreRecord.activity_day.asc(), CadreRecord.id.asc()), limit)


def one(session: Session, record_id: str) -> FoundRecord:
    found = _found(session, [CadreRecord.id == record_id])
    if not found:
        raise NotFound("没有这条记录", "no such record")
    return found[0]


def revisions_of(session: Session, record_id: str) -> list[CadreRevision]:
    """Every revision the cadre submitted, newest first."""
    return list(session.scalars(select(CadreRevision).where(CadreRevision.record_id == record_id)
                                .order_by(CadreRevision.revision.desc())))
