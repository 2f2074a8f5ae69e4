"""The study meeting's check-in on a cadre's phone (SPEC §10 "Meeting check-in").

The phone lists this month's meetings the district sent (`app.cadre_pulled.CadreFacts.meetings`)
and checks in at one of them in two ways:
- scanned: the meeting room's QR, verified at once and offline with the root key the phone
  pinned when it was enrolled (`app.meeting_pass.verify_pass`) — a forged, stale or
  not-a-meeting code, a pass of another meeting or from outside this one's time is refused on
  the spot with the reason in words, and nothing is recorded;
- typed: the 6-character short code shown beneath the QR, normalised; the phone cannot check
  it (it has no meeting secret), so it stays "to be verified" until the district's copy comes.

A check-in is a record (`Duty.STUDY_MEETING`, subject = the meeting's id, dated the meeting's
day in China) holding `{"token": …}` or `{"code": …}`, submitted at once. Its state: verified
on the phone, to be verified, confirmed by the district (its copy arrived), or refused by it
(a parked answer, in its words) — after a refusal the cadre may check in again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.cadre_book import RecordBook, RecordView
from app.cadre_content import to_wire
from app.cadre_pulled import CadreFacts
from app.card import slot_of
from app.chinatime import china_date
from app.duties import Duty
from app.meeting_pass import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PassRefused,
    normalize_short_code,
    verify_pass,
)
from app.ports import Clock

RootKey = Callable[[], bytes | None]


@dataclass(frozen=True)
class Meeting:
    """A study meeting as the district sent it (times in unix seconds)."""

    id: int
    title: str
    place: str
    starts_at: int
    ends_at: int

    @property
    def day(self) -> dt.date:
        """The meeting's day in China: the check-in record's activity date."""
        return china_date(self.starts_at)

    def holds(self, slot: int) -> bool:
        """Whether a pass of `slot` was shown during the meeting."""
        return slot_of(self.starts_at) <= slot <= slot_of(self.ends_at)


class CheckinState(enum.Enum):
    SCANNED = "scanned"  # the pass verified on the phone; the district's copy not yet here
    TO_VERIFY = "to_verify"  # a typed code: the district has yet to check it
    CONFIRMED = "confirmed"  # the district's copy arrived: it took the check-in
    REFUSED = "refused"  # the district would not take it: `record.conflict` says why


def checkin_state(record: RecordView) -> CheckinState:
    if record.conflict is not None:
        return CheckinState.REFUSED
    if record.district is not None:
        return CheckinState.CONFIRMED
    return CheckinState.SCANNED if record.current.content.get("token") else \
        CheckinState.TO_VERIFY


@dataclass(frozen=True)
class MeetingEntry:
    """A meeting and the cadre's check-in record for it (None: not checked in)."""

    meeting: Meeting
    record: RecordView | None

    @property
    def state(self) -> CheckinState | None:
        return None if self.record is None else checkin_state(self.record)

    @property
    def checked_in(self) -> bool:
        return self.state not in (None, CheckinState.REFUSED)


def _meeting(key: str, fields: dict[str, Any]) -> Meeting | None:
    """Read tolerantly: a malformed entry is skipped, never an exception on the screen."""
    try:
        starts, ends = fields.get("starts_at"), fields.get("ends_at")
        if type(starts) is not int or type(ends) is not int:
            return None
        return Meeting(int(key), str(fields.get("title") or ""), str(fields.get("place") or ""),
                       starts, ends)
    except ValueError:
        return None


def _refused(reason: str, zh: str, en: str) -> PassRefused:
    return PassRefused(reason, zh, en)


UNKNOWN = _refused("unknown_meeting", "本机没有这次例会，请先同步",
                   "this phone does not know that meeting: sync first")
ALREADY = _refused("already_checked_in", "您已在这次例会签到过了（每次例会只签到一次）",
                   "you have already checked in at this meeting (once per meeting)")
NOT_YET = _refused("not_yet", "这次例会还没到日子，不能签到",
                   "this meeting's day has not come: you cannot check in yet")
NO_ROOT = _refused("not_enrolled", "本机还没有区总工会的根密钥，请重新登记",
                   "this phone has no district root key: enroll again")
OTHER = _refused("other_meeting", "这是另一次例会的签到码，不是这次的",
                 "this check-in code is from another meeting")
OUTSIDE = _refused("outside_meeting", "签到码不在这次例会的时间内",
                   "this check-in code is from outside the meeting's time")
BAD_CODE = _refused("bad_code", "签到码是二维码下方的 6 位字母和数字，请核对后再输入",
                    "the check-in code is the 6 letters and digits beneath the QR: "
                    "check it and type it again")


class MeetingCheckins:
    """The check-in screen's side: the meetings, and a check-in by scan or by typed code."""

    def __init__(self, book: RecordBook, facts: CadreFacts, root_key: RootKey,
                 clock: Clock) -> None:
        self._book, self._facts, self._root_key, self._clock = book, facts, root_key, clock

    def this_month(self) -> list[MeetingEntry]:
        """This month's meetings (China), earliest first, each with its check-in."""
        today = self._book.today()
        found = [m for m in self._meetings() if (m.day.year, m.day.month)
                 == (today.year, today.month)]
        return [self.entry(m) for m in sorted(found, key=lambda m: (m.starts_at, m.id))]

    def find(self, meeting_id: int) -> MeetingEntry | None:
        meeting = next((m for m in self._meetings() if m.id == meeting_id), None)
        return None if meeting is None else self.entry(meeting)

    def entry(self, meeting: Meeting) -> MeetingEntry:
        """The meeting with its check-in: one the district has not refused first, else the
        newest refused one."""
        mine = [r for r in self._book.all() if r.current.duty is Duty.STUDY_MEETING
                and r.current.subject == str(meeting.id) and not r.editable]
        standing = [r for r in mine if checkin_state(r) is not CheckinState.REFUSED]
        chosen = standing or mine
        return MeetingEntry(meeting, chosen[0] if chosen else None)

    def scan(self, meeting_id: int, text: str) -> MeetingEntry | PassRefused:
        """A scanned QR text: verified here and now, then recorded and submitted."""
        entry = self._open(meeting_id)
        if isinstance(entry, PassRefused):
            return entry
        root = self._root_key()
        if root is None:
            return NO_ROOT
        opened = verify_pass(text, root, self._clock())
        if isinstance(opened, PassRefused):
            return opened
        if opened.meeting_id != meeting_id:
            return OTHER
        if not entry.meeting.holds(opened.slot):
            return OUTSIDE
        return self._record(entry.meeting, {"token": text.strip()})

    def type_code(self, meeting_id: int, typed: str) -> MeetingEntry | PassRefused:
        """A typed short code, normalised, recorded "to be verified" by the district."""
        entry = self._open(meeting_id)
        if isinstance(entry, PassRefused):
            return entry
        code = normalize_short_code(typed)
        if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            return BAD_CODE
        return self._record(entry.meeting, {"code": code})

    def _meetings(self) -> list[Meeting]:
        found = (_meeting(key, fields) for key, fields in self._facts.meetings().items())
        return [m for m in found if m is not None]

    def _open(self, meeting_id: int) -> MeetingEntry | PassRefused:
        """The meeting, if the cadre may check in at it now."""
        entry = self.find(meeting_id)
        if entry is None:
            return UNKNOWN
        if entry.checked_in:
            return ALREADY
        if entry.meeting.day > self._book.today():
            return NOT_YET
        return entry

    def _record(self, meeting: Meeting, content: dict[str, Any]) -> MeetingEntry:
        """Start, fill and submit the record at once (checked first: no draft is left)."""
        to_wire(Duty.STUDY_MEETING, meeting.day, self._book.today(), content)
        started = self._book.start(Duty.STUDY_MEETING, str(meeting.id), meeting.day)
        self._book.save(started.record_id, content)
        return MeetingEntry(meeting, self._book.submit(started.record_id))
