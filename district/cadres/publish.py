"""What a cadre's phone must see, as change-log entries in the cadre's scope ("cadre:<id>") or
the cadres' scope ("cadres", meetings): the district's copy of each record after every push and
review. Profile, needy-worker, exemption and meeting entries are logged where those change."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session

from app.cadre_wire import RECORD, RecordCopy, WireRecord
from app.duties import Duty, RecordState
from district.cadres.tables import CadreRecord
from district.feed.changelog import UPSERT, cadre_scope, log_change


def record_copy(record: CadreRecord) -> RecordCopy:
    """The copy, with the newest revision as submitted (`fields`: the pushed fields)."""
    sent = json.loads(record.fields)
    wire = WireRecord(record.id, Duty(record.duty), record.subject,
                      dt.date.fromisoformat(sent["activity_date"]), record.revision,
                      sent.get("content", {}))
    return RecordCopy(record.id, RecordState(record.state), record.revision, record.comment,
                      record.reviewed_at, wire, record.submitted_at)


def record_changed(session: Session, record: CadreRecord) -> None:
    """The record's state, revision and comment, for its cadre's phone."""
    log_change(session, cadre_scope(record.cadre_id), RECORD, record.id, UPSERT,
               fields=record_copy(record).fields())
