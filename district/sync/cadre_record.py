"""The sync handler of entity "cadre_record" from a cadre's phone: a submitted revision of one
of the cadre's "五个一" records (`app.cadre_wire`). The fields are checked by the parser both
ends share; the review rules are `district.cadres.records`'; a study meeting's check-in is
verified by `district.cadres.meetings` first. The answer's server copy is the district's copy of
the record (state, revision, comment)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.cadre_wire import RECORD, RecordRefused, WireRecord, parse_record
from app.chinatime import china_date
from app.duties import Duty
from app.models import WireChange
from district.cadres import meetings, records
from district.cadres.publish import record_copy
from district.cadres.tables import NeedyWorker
from district.feed import changelog
from district.phones import devices
from district.sync.handler import APPLIED, CONFLICT, Outcome, Pusher, rejected


def _checked(pusher: Pusher, change: WireChange) -> Outcome | None:
    if pusher.role != devices.CADRE or pusher.cadre_id is None:
        return rejected("forbidden", "只有干部登记过的手机可以提交“五个一”记录",
                        "only a cadre's enrolled phone can submit cadre records")
    if change.op != "upsert":
        return rejected("unsupported_op", "提交过的记录不能删除",
                        "a submitted record cannot be deleted")
    return None


def _assigned(session: Session, cadre_id: int, wire: WireRecord) -> Outcome | None:
    """A visit must name a needy worker assigned to this cadre now."""
    worker = session.get(NeedyWorker, int(wire.subject))
    if worker is None or worker.cadre_id != cadre_id:
        return rejected("not_assigned", "这位困难职工现在没有分配给您，不能提交走访记录",
                        "this needy worker is not assigned to you")
    return None


def _other_checkin(session: Session, cadre_id: int, wire: WireRecord) -> Outcome | None:
    earlier = meetings.checked_in_by(session, int(wire.subject), cadre_id)
    if earlier is None or earlier.record_id == wire.record_id:
        return None
    return Outcome(CONFLICT, reason="already_checked_in",
                   message="您已经在这次学习例会签到过了（每次例会只签到一次）",
                   message_en="you have already checked in at this meeting (once per meeting)")


def cadre_record(session: Session, pusher: Pusher, change: WireChange) -> Outcome:
    """Take a submitted revision, or answer conflict with the district's copy, or reject."""
    problem = _checked(pusher, change)
    if problem is not None:
        return problem
    cadre_id = pusher.cadre_id or 0
    try:
        wire = parse_record(change.record_id, change.fields, china_date(pusher.now))
    except RecordRefused as refused:
        return rejected(refused.reason, refused.zh, refused.en)
    if wire.duty is Duty.NEEDY_VISIT and (refusal := _assigned(session, cadre_id, wire)):
        return refusal
    checkin = None
    if wire.duty is Duty.STUDY_MEETING:
        checkin = meetings.verify_checkin(session, wire, pusher.device_id, pusher.now)
        if (other := _other_checkin(session, cadre_id, wire)) is not None:
            return other
    done = records.submit(session, cadre_id, pusher.device_id, wire, pusher.now)
    copy = record_copy(done.record).fields()
    if not done.taken:
        return Outcome(CONFLICT, server_copy=copy, reason=done.conflict, message=done.zh,
                       message_en=done.en)
    if checkin is not None:
        meetings.record_checkin(session, checkin, cadre_id, wire.record_id, pusher.now)
    entry = changelog.staged(session, RECORD, wire.record_id)
    return Outcome(APPLIED, server_copy=copy, entry=entry)

