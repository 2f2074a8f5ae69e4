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
  (`RecordCopy`) when the revision is stale or the record is under review or approved.

Pulled into the cadre's scope ("cadre:<id>") and the cadres' scope ("cadres"):
- `cadre_profile` (id: cadre number): name, department, enterprise, mentor;
- `needy_worker` (id: worker id): only what a visit needs — tombstoned when unassigned;
- `cadre_record` (id: record id): the district's copy — state, revision, comment;
- `duty_exemption` (id: exemption id): duty, period key, subject, reason;
- `meeting` (id: meeting id, scope "cadres"): title, place, starts_at, ends_at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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
    """The district's copy of a record: its state, newest revision and the review comment."""

    record_id: str
    state: RecordState
    revision: int
    comment: str | None = None
    reviewed_at: int | None = None

    def fields(self) -> dict[str, Any]:
        return {"state": self.state.value, "revision": self.revision, "comment": self.comment,
                "reviewed_at": self.reviewed_at}

    @classmethod
    def of(cls, record_id: str, fields: dict[str, Any]) -> RecordCopy:
        return cls(record_id, RecordState(fields["state"]), int(fields["revision"]),
                   fields.get("comment"), fields.get("reviewed_at"))
