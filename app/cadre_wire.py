"""What a cadre's phone and the district say to each other about the "五个一" (SPEC §6, §10):
the entity names and field shapes both ends share, and the rules for a record's fields.

Enrollment: `POST /api/v1/cadres/enroll` with `{"code", "public_key", "signature", "device_name"}`
as a window's (the signature over b"UnionPass cadre enroll v1\n" + the code in capitals without
spaces or dashes + b"\n" + the raw public key, by a key the phone makes for this enrollment — not
its member card's key); answer `{"device_id", "device_token", "cadre_no", "cadre_name",
"root_public_key", "trust_list", "status_list", "server_time"}` (bytes in base64). The token
then authenticates the cadre's sync: pushes of `cadre_record`, pulls of the scopes below.

Pushed by a cadre's phone (its own device, role "cadre", its own outbox and cursor):
- `cadre_record` (record id: the phone's uuid), op "upsert", fields
  `{"duty": Duty, "subject": str, "activity_date": "YYYY-MM-DD", "revision": int ≥ 1,
    "content": {field: value}}` — a submitted revision. `subject` is the needy worker's id for
  a needy-worker visit, the meeting's id for a check-in, else "". For a check-in `content` holds
  `{"token": "UPM1:…"}` (scanned) or `{"code": "ABC123"}` (typed).
  The district answers applied (the record is submitted), or conflict with its copy
  (`RecordCopy`) when the revision is stale or the record is under review or approved (reason
  "stale_revision", "under_review", "approved"). Both ends check the fields with
  `parse_record`; the district also answers rejected when a visit's worker is not assigned to
  the cadre ("not_assigned") or a check-in does not verify ("forged", "not_a_meeting_code",
  "other_meeting", "outside_meeting", "wrong_code", "too_many_wrong_codes", "unknown_meeting",
  "wrong_date"), and conflict "already_checked_in" (server copy null: the other record holds
  the check-in) for a second record at the same meeting.

Pulled into the cadre's scope ("cadre:<id>") and the cadres' scope ("cadres"):
- `cadre_profile` (id: cadre number): name, department, enterprise, mentor;
- `needy_worker` (id: worker id): only what a visit needs — tombstoned when unassigned;
- `cadre_record` (id: record id): the district's copy — state, revision, comment;
- `duty_exemption` (id: exemption id): duty, period key, subject, reason;
- `meeting` (id: meeting id, scope "cadres"): title, place, starts_at, ends_at.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from app.chinatime import china_date
from app.duties import Duty, RecordState

ENROLL_PATH = "/api/v1/cadres/enroll"
ENROLL_CONTEXT = b"UnionPass cadre enroll v1\n"
RECORD, PROFILE, NEEDY_WORKER, EXEMPTION, MEETING = (
    "cadre_record", "cadre_profile", "needy_worker", "duty_exemption", "meeting")

# The fields of each duty's record (SPEC §10), in the order the form shows them.
HELP_TYPES = ("慰问金", "物资", "就业", "就医", "就学", "法律", "其他")
CONTACT_WAYS = ("面谈", "电话", "微信", "其他")
CONSENT_WAYS = ("书面", "口头")
CATEGORIES = ("因病", "因残", "子女就学", "失业", "其他")
FIELDS: dict[Duty, tuple[str, ...]] = {
    Duty.WORK_DAY: ("enterprise", "workshop", "hours", "work_done", "workers_said",
                    "reflections"),
    Duty.NEEDY_VISIT: ("family_situation", "difficulties", "help_type", "help_fen",
                       "follow_up", "public_summary", "consent", "consent_way"),
    Duty.ENTERPRISE_VISIT: ("people_met", "topics", "findings", "report"),
    Duty.MENTOR_CONTACT: ("way", "learned"),
    Duty.STUDY_MEETING: ("token", "code"),
}
LONG_TEXT = 20_000  # characters: a research report of 5,000 fits four times over
SHORT_TEXT = 200
SUMMARY_TEXT = 120  # the public summary (SPEC §10)


@dataclass(frozen=True)
class WireRecord:
    """One submitted revision of a record, as pushed."""

    record_id: str
    duty: Duty
    subject: str
    activity_date: dt.date
    revision: int
    content: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        return {"duty": self.duty.value, "subject": self.subject,
                "activity_date": self.activity_date.isoformat(), "revision": self.revision,
                "content": dict(self.content)}


@dataclass(frozen=True)
class RecordCopy:
    """The district's copy of a record: its state, newest revision and the review comment;
    also that revision as submitted (`record`, `submitted_at`), so that a phone which did not
    write it (the cadre's new phone) can show it and count it on the dashboard."""

    record_id: str
    state: RecordState
    revision: int
    comment: str | None = None
    reviewed_at: int | None = None
    record: WireRecord | None = None
    submitted_at: int | None = None

    def fields(self) -> dict[str, Any]:
        return {"state": self.state.value, "revision": self.revision, "comment": self.comment,
                "reviewed_at": self.reviewed_at, "submitted_at": self.submitted_at,
                "record": self.record.fields() if self.record else None}

    @classmethod
    def of(cls, record_id: str, fields: dict[str, Any]) -> RecordCopy:
        record = None
        if isinstance(fields.get("record"), dict):
            try:
                record = parse_record(record_id, fields["record"], dt.date.max - dt.timedelta(1))
            except RecordRefused:
                record = None  # the state still counts; the phone shows what it has
        return cls(record_id, RecordState(fields["state"]), int(fields["revision"]),
                   fields.get("comment"), fields.get("reviewed_at"), record,
                   fields.get("submitted_at"))


# Parsing a pushed record: both ends check the same rules (the phone before it submits, the
# district when the record arrives). -------------------------------------------------------

MAX_RECORD_ID = 36  # the phone's uuid
MAX_TOKEN = 600  # a meeting pass's QR text is ~150 characters
MAX_HELP_FEN = 10**9
MAX_HOURS = 24
EARLIEST = dt.date(2000, 1, 1)
LONG_FIELDS = frozenset({"work_done", "workers_said", "reflections", "family_situation",
                         "difficulties", "follow_up", "topics", "findings", "report", "learned"})
SHORT_FIELDS = frozenset({"enterprise", "workshop", "people_met", "code"})
CHOICES: dict[str, tuple[str, ...]] = {"help_type": HELP_TYPES, "consent_way": CONSENT_WAYS,
                                       "way": CONTACT_WAYS}


class RecordRefused(ValueError):
    """A record that cannot be taken as sent: `reason` for programs, `zh`/`en` for people."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason, self.zh, self.en = reason, zh, en


def _refuse(zh: str, en: str) -> RecordRefused:
    return RecordRefused("invalid_fields", zh, en)


def _plain(text: str, multiline: bool) -> bool:
    """No control characters (line breaks and tabs only where the field has several lines)."""
    allowed = "\n\r\t" if multiline else ""
    return not any((ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000)
                   and ch not in allowed for ch in text)


def _text(name: str, value: Any, longest: int, multiline: bool) -> str:
    if not isinstance(value, str) or len(value) > longest or not _plain(value, multiline):
        raise _refuse(f"“{name}”应是不超过 {longest} 个字的文字",
                      f"{name} must be text of at most {longest} characters")
    return value


def _number(name: str, value: Any, highest: int, whole: bool) -> int | float:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not 0 <= value <= highest:
        raise _refuse(f"“{name}”应是 0 到 {highest} 之间的数", f"{name} must be a number "
                      f"from 0 to {highest}")
    return value


def _value(name: str, value: Any) -> Any:
    """One content field, checked by its kind; None means "not filled in" and is dropped."""
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise _refuse(f"“{name}”只能是：{'、'.join(CHOICES[name])}",
                          f"{name} must be one of {', '.join(CHOICES[name])}")
        return value
    if name == "consent":
        if not isinstance(value, bool):
            raise _refuse("“同意公示”只能是“是”或“否”", "consent must be true or false")
        return value
    if name == "help_fen":
        return _number(name, value, MAX_HELP_FEN, whole=True)
    if name == "hours":
        return _number(name, value, MAX_HOURS, whole=False)
    if name == "public_summary":
        return _text(name, value, SUMMARY_TEXT, multiline=False)
    if name == "token":
        return _text(name, value, MAX_TOKEN, multiline=False)
    return _text(name, value, LONG_TEXT if name in LONG_FIELDS else SHORT_TEXT,
                 multiline=name in LONG_FIELDS)


def _content(duty: Duty, content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise _refuse("记录内容的格式不对", "content must be an object")
    unknown = sorted(set(content) - set(FIELDS[duty]))
    if unknown:
        raise _refuse(f"这类记录没有这些栏目：{'、'.join(map(str, unknown))}",
                      f"{duty.value} records have no fields {', '.join(map(str, unknown))}")
    checked = {k: _value(k, v) for k, v in content.items() if v is not None}
    if duty is Duty.STUDY_MEETING and len(checked) != 1:
        raise _refuse("签到要么扫码（token），要么输入签到码（code），二者只填一个",
                      "a check-in holds either the scanned token or the typed code, not both")
    return checked


def _date(value: Any, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
            else None
    except ValueError:
        day = None
    if day is None:
        raise _refuse("活动日期应写作 年-月-日（如 2026-11-28）",
                      "activity_date must be YYYY-MM-DD")
    if day > today + dt.timedelta(days=1) or day < EARLIEST:
        raise _refuse(f"活动日期 {value} 不可能：不能晚于明天，也不能早于 2000 年",
                      f"activity_date {value} is impossible: after tomorrow or before 2000")
    return day


def _subject(duty: Duty, subject: Any) -> str:
    needs = {Duty.NEEDY_VISIT: ("困难职工", "the needy worker's id"),
             Duty.STUDY_MEETING: ("例会", "the meeting's id")}.get(duty)
    if needs is None:
        if subject != "":
            raise _refuse("这类记录不需要对象", f"{duty.value} records have no subject")
        return ""
    if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit() \
            or not 0 < int(subject) <= 2**31 - 1:
        raise _refuse(f"记录没有写明是哪位{needs[0]}", f"subject must be {needs[1]}")
    return subject


def _record_id(record_id: Any) -> str:
    if not isinstance(record_id, str) or not 0 < len(record_id) <= MAX_RECORD_ID \
            or not _plain(record_id, multiline=False):
        raise _refuse("记录编号不对", f"the record id must be 1–{MAX_RECORD_ID} characters")
    return record_id


def _duty(value: Any) -> Duty:
    try:
        return Duty(value)
    except ValueError:
        raise RecordRefused("unknown_duty", "不认识这类“五个一”记录",
                            f"unknown duty {str(value)[:24]!r}") from None


def parse_record(record_id: str, fields: dict[str, Any],
                 today: dt.date | None = None) -> WireRecord:
    """The pushed fields as a record, or RecordRefused with the reason in words. `today` is
    China's date now (default: this machine's clock): an activity may be dated at most one day
    ahead, for a clock a little wrong."""
    if not isinstance(fields, dict):
        raise _refuse("记录的格式不对", "fields must be an object")
    duty = _duty(fields.get("duty"))
    revision = fields.get("revision")
    if isinstance(revision, bool) or not isinstance(revision, int) \
            or not 1 <= revision <= 2**31 - 1:
        raise _refuse("记录的版本号不对", "revision must be a whole number ≥ 1")
    return WireRecord(_record_id(record_id), duty, _subject(duty, fields.get("subject", "")),
                      _date(fields.get("activity_date"), today or china_date(time.time())),
                      revision, _content(duty, fields.get("content", {})))
