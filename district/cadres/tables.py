"""The cadres' tables. A cadre (`district.tables.Cadre`) has a key enterprise and a mentor (a
member with a model-worker title, or a name); needy workers are assigned to a cadre in their
file. Records come from a cadre's phone: one row per record with its current revision and
review state, every revision and every review kept beside it."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base


class KeyEnterprise(Base):
    """A key enterprise (重点企业) a cadre visits every two months."""

    __tablename__ = "key_enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    town_id: Mapped[str] = mapped_column(ForeignKey("towns.id"))
    union_name: Mapped[str] = mapped_column(String(100))


class NeedyWorker(Base):
    """A needy-worker file (困难职工档案). Only reviewers and admins read it in the console; a
    cadre's phone gets only what a visit needs (name, union, town, phone, category)."""

    __tablename__ = "needy_workers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    union_name: Mapped[str] = mapped_column(String(100))
    town_id: Mapped[str] = mapped_column(ForeignKey("towns.id"))
    phone: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(16))  # 因病 / 因残 / 子女就学 / 失业 / 其他
    household: Mapped[str] = mapped_column(Text)  # household notes
    status: Mapped[str] = mapped_column(String(8))  # 在档 / 脱困
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class CadreCode(Base):
    """A one-time code that enrolls a cadre's phone; only its SHA-256 is stored."""

    __tablename__ = "cadre_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger)
    cancelled_at: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(64))


class CadreRecord(Base):
    """A record as the district has it: `id` is the phone's record id; `fields` (JSON) and
    `revision` are the newest submitted revision's; `state` is submitted, returned or approved;
    `subject` names the needy worker (visits) or the meeting (check-ins); `activity_day` is
    the China day number of the activity date, which decides the record's period."""

    __tablename__ = "cadre_records"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id"))
    duty: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(32))  # "" when the duty has none
    activity_day: Mapped[int]
    revision: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(Text)
    first_submitted_at: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[int] = mapped_column(BigInteger)
    reviewed_at: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    device_id: Mapped[str] = mapped_column(String(32))


Index("ix_cadre_records_cadre_duty_day", CadreRecord.cadre_id, CadreRecord.duty,
      CadreRecord.activity_day)
Index("ix_cadre_records_state_submitted", CadreRecord.state, CadreRecord.submitted_at)


class CadreRevision(Base):
    """Every revision a cadre submitted, as submitted."""

    __tablename__ = "cadre_revisions"
    __table_args__ = (UniqueConstraint("record_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("cadre_records.id"))
    revision: Mapped[int]
    activity_day: Mapped[int]
    fields: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(32))


class CadreReview(Base):
    """A reviewer's decision on one revision: "approved", "returned" (with a comment) or
    "reopened" (an approved record sent back, with a comment)."""

    __tablename__ = "cadre_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("cadre_records.id"), index=True)
    revision: Mapped[int]
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    at: Mapped[int] = mapped_column(BigInteger)


class DutyExemption(Base):
    """A cell the district marked not applicable, with the reason (leave; a needy worker who
    left the programme). `subject` is the needy worker's id for visits, else ""."""

    __tablename__ = "duty_exemptions"
    __table_args__ = (UniqueConstraint("cadre_id", "duty", "period_key", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id"))
    duty: Mapped[str] = mapped_column(String(24))
    period_key: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger)


class Meeting(Base):
    """A study meeting (学习例会): check-ins count only inside [starts_at, ends_at]. `code_key` is
    the secret the 6-character short codes of its 30-second slots are derived from."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[int] = mapped_column(BigInteger)
    ends_at: Mapped[int] = mapped_column(BigInteger)
    code_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger)


class MeetingCheckin(Base):
    """One check-in per cadre per meeting; `verified` once the district checked its QR token or
    its short code."""

    __tablename__ = "meeting_checkins"
    __table_args__ = (UniqueConstraint("meeting_id", "cadre_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id"))
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    slot: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(8))  # "qr" or "code"
    at: Mapped[int] = mapped_column(BigInteger)
