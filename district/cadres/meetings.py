"""Study meetings (学习例会, SPEC §10): created in the console, published to every cadre's phone,
shown in the meeting room as a check-in pass renewed every 30 seconds, and checked again when a
cadre's check-in arrives by sync.

A check-in is a `cadre_record` of duty study_meeting whose subject is the meeting's id and whose
content holds the scanned pass (`{"token": "UPM1:…"}`) or the typed short code
(`{"code": "ABC123"}`). The pass must be signed by the root key, name this meeting and carry a
slot inside the meeting's time; a typed code must be the code of a slot inside it. One check-in
per cadre per meeting (`MeetingCheckin`, unique in the database). A phone that typed ten wrong
codes in 15 minutes is refused for a while.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cadre_wire import MEETING, WireRecord
from app.card import SLOT_SECONDS, slot_of
from app.chinatime import china_date
from app.meeting_pass import (
    PassRefused,
    issue_pass,
    normalize_short_code,
    open_pass,
    short_code,
)
from app.text_rules import has_control_characters
from district import audit
from district.cadres.tables import Meeting, MeetingCheckin
from district.cards import lists
from district.cards.keyring import KeyRing
from district.errors import Conflict, DistrictError, Invalid, NotFound
from district.feed.changelog import CADRES, UPSERT, log_change
from district.sync.tables import SyncChange

LONGEST = 12 * 3600  # a meeting lasts at most half a day
TITLE, PLACE = 100, 100
QR, CODE = "qr", "code"
WRONG_CODE, WRONG_CODES, GUESS_WINDOW = "wrong_code", 10, 15 * 60
_WRONG_NOW = "wrong_meeting_codes"  # session.info: wrong codes typed in this push so far


class CheckinRefused(DistrictError):
    """A check-in that does not verify; `code` says why (the sync answer's reason)."""

    status = 422


@dataclass(frozen=True)
class CurrentPass:
    """What the meeting room's screen shows during one slot."""

    text: str
    code: str
    slot: int
    renews_in: int  # seconds until the next slot


@dataclass(frozen=True)
class Checkin:
    """A verified check-in: the meeting, the slot it was made in and how (QR or code)."""

    meeting: Meeting
    slot: int
    method: str


def _text(value: str, longest: int, what: tuple[str, str]) -> str:
    value = value.strip()
    if not value or len(value) > longest or has_control_characters(value):
        raise Invalid(f"请填写{what[0]}（不超过 {longest} 个字）",
                      f"the {what[1]} is needed (at most {longest} characters)")
    return value


def create_meeting(session: Session, title: str, place: str, starts_at: int, ends_at: int,
                   actor: str, now: int) -> Meeting:
    """A study meeting with a fresh secret for its short codes; published to the cadres'
    phones and audited."""
    if not 0 < ends_at - starts_at <= LONGEST:
        raise Invalid("结束时间应晚于开始时间，且例会不超过 12 小时",
                      "the meeting must end after it starts, within 12 hours")
    meeting = Meeting(title=_text(title, TITLE, ("例会名称", "title")),
                      place=_text(place, PLACE, ("地点", "place")), starts_at=starts_at,
                      ends_at=ends_at, code_key=secrets.token_bytes(32), created_by=actor,
                      created_at=now)
    session.add(meeting)
    session.flush()
    publish_meeting(session, meeting)
    audit.record(session, actor, "meeting.create", str(meeting.id),
                 {"title": meeting.title, "starts_at": starts_at, "ends_at": ends_at}, now)
    return meeting


def publish_meeting(session: Session, meeting: Meeting) -> None:
    """The meeting for every cadre's phone (scope "cadres")."""
    log_change(session, CADRES, MEETING, str(meeting.id), UPSERT,
               fields={"title": meeting.title, "place": meeting.place,
                       "starts_at": meeting.starts_at, "ends_at": meeting.ends_at})


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"没有这次学习例会：{meeting_id}", f"no such study meeting: {meeting_id}")
    return meeting


def meetings(session: Session) -> list[Meeting]:
    """Every meeting, the newest first."""
    return list(session.scalars(select(Meeting).order_by(Meeting.starts_at.desc(),
                                                         Meeting.id.desc())))


def checkin_counts(session: Session) -> dict[int, int]:
    return {m: n for m, n in session.execute(select(
        MeetingCheckin.meeting_id, func.count()).group_by(MeetingCheckin.meeting_id))}


def slots(meeting: Meeting) -> range:
    """The 30-second slots inside the meeting's time."""
    return range(slot_of(meeting.starts_at), slot_of(meeting.ends_at) + 1)


def current_pass(session: Session, keys: KeyRing, meeting: Meeting,
                 now: int) -> CurrentPass | None:
    """The pass of the slot now, signed by the root key; None outside the meeting's time."""
    slot = slot_of(now)
    if slot not in slots(meeting):
        return None
    code = short_code(meeting.code_key, meeting.id, slot)
    text = issue_pass(meeting.id, slot, code, keys.root(session))
    return CurrentPass(text, code, slot, (slot + 1) * SLOT_SECONDS - now)


def _refused(reason: str, zh: str, en: str) -> CheckinRefused:
    refusal = CheckinRefused(zh, en)
    refusal.code = reason
    return refusal


def _from_pass(session: Session, meeting: Meeting, token: str) -> Checkin:
    opened = open_pass(token, lists.root_public(session))
    if isinstance(opened, PassRefused):
        raise _refused(opened.reason, opened.zh, opened.en)
    if opened.meeting_id != meeting.id:
        raise _refused("other_meeting", "这是另一次例会的签到码，不是这次的",
                       "this check-in code is from another meeting")
    if opened.slot not in slots(meeting):
        raise _refused("outside_meeting", "签到码不在这次例会的时间内",
                       "this check-in code is from outside the meeting's time")
    return Checkin(meeting, opened.slot, QR)


def _guessing(session: Session, device_id: str, now: int) -> bool:
    """Whether the phone typed WRONG_CODES wrong codes lately (those answered before, and those
    of this push so far): a 6-character code is not to be found by trying."""
    answered = session.scalar(select(func.count()).select_from(SyncChange).where(
        SyncChange.device_id == device_id, SyncChange.reason == WRONG_CODE,
        SyncChange.at > now - GUESS_WINDOW))
    typed_now: int = session.info.get(_WRONG_NOW, 0)
    return int(answered or 0) + typed_now >= WRONG_CODES


def _from_code(session: Session, meeting: Meeting, typed: str, device_id: str,
               now: int) -> Checkin:
    if _guessing(session, device_id, now):
        raise _refused("too_many_wrong_codes", "签到码输错次数过多，请 15 分钟后再试或扫码签到",
                       "too many wrong check-in codes: try again in 15 min or scan the QR")
    code = normalize_short_code(typed)
    for slot in slots(meeting):
        if hmac.compare_digest(short_code(meeting.code_key, meeting.id, slot), code):
            return Checkin(meeting, slot, CODE)
    session.info[_WRONG_NOW] = session.info.get(_WRONG_NOW, 0) + 1
    raise _refused(WRONG_CODE, "签到码不对，或不是这次例会时间内显示的",
                   "wrong check-in code, or not one shown during this meeting")


def verify_checkin(session: Session, wire: WireRecord, device_id: str, now: int) -> Checkin:
    """The check-in a record claims, verified, or CheckinRefused with the reason in words."""
    meeting = session.get(Meeting, int(wire.subject))
    if meeting is None:
        raise _refused("unknown_meeting", "没有这次学习例会", "no such study meeting")
    token, typed = wire.content.get("token"), wire.content.get("code")
    checkin = _from_pass(session, meeting, token) if isinstance(token, str) \
        else _from_code(session, meeting, str(typed), device_id, now)
    if not meeting_days(meeting)[0] <= wire.activity_date <= meeting_days(meeting)[1]:
        raise _refused("wrong_date", "签到记录的日期不是这次例会的日期",
                       "the check-in's date is not the meeting's")
    return checkin


def meeting_days(meeting: Meeting) -> tuple[dt.date, dt.date]:
    """The first and last calendar day (China) of the meeting."""
    return china_date(meeting.starts_at), china_date(meeting.ends_at)


def checked_in_by(session: Session, meeting_id: int, cadre_id: int) -> MeetingCheckin | None:
    return session.scalars(select(MeetingCheckin).where(
        MeetingCheckin.meeting_id == meeting_id, MeetingCheckin.cadre_id == cadre_id)).first()


def record_checkin(session: Session, checkin: Checkin, cadre_id: int, record_id: str,
                   now: int) -> None:
    """Keep the verified check-in of the cadre's record (a revision of the same record, even at
    another meeting, updates it). The unique constraints stop a second record at the same
    meeting: a lost race is a Conflict, never a failure."""
    row = session.scalars(select(MeetingCheckin).where(
        MeetingCheckin.record_id == record_id)).first()
    if row is None:
        row = MeetingCheckin(meeting_id=checkin.meeting.id, cadre_id=cadre_id,
                             record_id=record_id, slot=checkin.slot, method=checkin.method, at=now)
        session.add(row)
    row.meeting_id, row.slot, row.method, row.at = (checkin.meeting.id, checkin.slot,
                                                    checkin.method, now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("您已经在这次学习例会签到过了（每次例会只签到一次）",
                       "you have already checked in at this meeting (once per meeting)") from exc
