"""The district's review of the cadres' records (SPEC §10): approve, return with a comment, or
reopen an approved record (which returns it). Only district admins and reviewers decide.

Each decision locks the record's row first (`with_for_update`: a push of a new revision locks
the same row), checks the revision the reviewer saw is still the newest and the record is in a
state the decision applies to — else it refuses with words instead of deciding on something the
reviewer did not see — then keeps a `CadreReview` row, updates the record, logs the record's
copy for the cadre's phone and writes the audit log, all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.duties import RecordState
from district import audit
from district.cadres.publish import record_changed
from district.cadres.tables import CadreRecord, CadreReview
from district.errors import Conflict, Forbidden, Invalid, NotFound
from district.staff.accounts import CADRE_REVIEWERS
from district.tables import Cadre

APPROVED, RETURNED, REOPENED = "approved", "returned", "reopened"
COMMENT_LIMIT = 1000
_STATE_WORDS = {RecordState.SUBMITTED: ("待审核", "waiting for review"),
                RecordState.RETURNED: ("已退回", "returned"),
                RecordState.APPROVED: ("已通过", "approved")}


@dataclass(frozen=True)
class Reviewer:
    """Who decides: the console account's user name and role."""

    username: str
    role: str


@dataclass(frozen=True)
class _Decision:
    name: str
    from_state: RecordState
    to_state: RecordState
    needs_comment: bool
    action: str  # in the audit log


_DECISIONS = {
    APPROVED: _Decision(APPROVED, RecordState.SUBMITTED, RecordState.APPROVED, False,
                        "cadre_record.approved"),
    RETURNED: _Decision(RETURNED, RecordState.SUBMITTED, RecordState.RETURNED, True,
                        "cadre_record.returned"),
    REOPENED: _Decision(REOPENED, RecordState.APPROVED, RecordState.RETURNED, True,
                        "cadre_record.reopened"),
}


def approve(session: Session, record_id: str, seen_revision: int, who: Reviewer,
            now: int) -> CadreRecord:
    """Approve the submitted revision the reviewer saw."""
    return decide(session, APPROVED, record_id, seen_revision, "", who, now)


def return_record(session: Session, record_id: str, seen_revision: int, comment: str,
                  who: Reviewer, now: int) -> CadreRecord:
    """Send a submitted record back to its cadre with a comment (required)."""
    return decide(session, RETURNED, record_id, seen_revision, comment, who, now)


def reopen(session: Session, record_id: str, seen_revision: int, comment: str, who: Reviewer,
           now: int) -> CadreRecord:
    """Reopen an approved record with a comment (required): it becomes returned."""
    return decide(session, REOPENED, record_id, seen_revision, comment, who, now)


def decide(session: Session, decision: str, record_id: str, seen_revision: int, comment: str,
           who: Reviewer, now: int) -> CadreRecord:
    """One decision (approved / returned / reopened), under the record row's lock."""
    rule = _DECISIONS[decision]
    if who.role not in CADRE_REVIEWERS:
        raise Forbidden("只有区总工会管理员和审核人员可以审核记录",
                        "only district admins and reviewers may review records")
    comment = _checked_comment(comment, rule.needs_comment)
    record = session.scalars(select(CadreRecord).where(CadreRecord.id == record_id)
                             .with_for_update()).one_or_none()
    if record is None:
        raise NotFound("没有这条记录", "no such record")
    _check_unchanged(record, rule, seen_revision)
    session.add(CadreReview(record_id=record.id, revision=record.revision, decision=rule.name,
                            comment=comment, reviewer=who.username, at=now))
    record.state, record.reviewed_at = rule.to_state.value, now
    record.comment = comment or None
    record_changed(session, record)
    _audit(session, record, rule.action, comment, who.username, now)
    return record


def _checked_comment(comment: str, required: bool) -> str:
    comment = comment.strip()
    if required and not comment:
        raise Invalid("退回或重新打开记录时请写明意见，干部会在手机上看到",
                      "write a comment when returning or reopening: the cadre reads it")
    if len(comment) > COMMENT_LIMIT:
        raise Invalid(f"意见最多 {COMMENT_LIMIT} 字", f"at most {COMMENT_LIMIT} characters")
    return comment


def _check_unchanged(record: CadreRecord, rule: _Decision, seen_revision: int) -> None:
    """Refuse a decision on a revision the reviewer did not see, or on a record another
    reviewer decided meanwhile."""
    if record.revision != seen_revision:
        raise Conflict(f"您查看的是第 {seen_revision} 版，干部此后已提交第 {record.revision} 版："
                       "请先查看新版本再审核",
                       f"you saw revision {seen_revision}; the cadre has since submitted "
                       f"revision {record.revision}: read it before deciding")
    state = RecordState(record.state)
    if state is not rule.from_state:
        zh, en = _STATE_WORDS.get(state, (state.value, state.value))
        raise Conflict(f"这条记录现在是「{zh}」（可能另一位审核人员刚刚处理过），"
                       "未做改动：请刷新查看",
                       f"this record is now {en} (another reviewer may just have decided); "
                       "nothing was changed: reload to see it")


def _audit(session: Session, record: CadreRecord, action: str, comment: str, reviewer: str,
           now: int) -> None:
    cadre_no = session.scalar(select(Cadre.cadre_no).where(Cadre.id == record.cadre_id))
    details: dict[str, object] = {"cadre_no": cadre_no, "duty": record.duty,
                                  "revision": record.revision}
    if comment:
        details["comment"] = comment
    audit.record(session, reviewer, action, record.id, details, now)


def reviews_of(session: Session, record_id: str) -> list[CadreReview]:
    """Every decision on a record, oldest first."""
    return list(session.scalars(select(CadreReview).where(CadreReview.record_id == record_id)
                                .order_by(CadreReview.at, CadreReview.id)))
