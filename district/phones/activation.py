"""One-time activation codes (SPEC §2 Member) and their rate-limited redemption.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown grouped as
`K7QM-3XPA`; only its SHA-256 is stored. It belongs to a member, or to one of their approved
family members, expires (7 days by default) and works once; a new code for a person cancels
their older unused ones. Failed guesses are counted in the database per member number (5 in
15 minutes) and, with a much higher ceiling that only stops guessing across many member numbers,
per client address — so a union office activating fifty members from one address is not locked
out by one member's typos. Every attempt first locks its member number's and its address's
attempt rows (`district.db.lock_attempts`), then counts, then records: concurrent attempts on
any server instance count one after another.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from app.device_proof import normalize_code
from district import audit, db
from district.errors import Conflict, DistrictError
from district.phones.tables import ActivationAttempt, ActivationCode
from district.registry import people
from district.tables import FamilyMember, Member

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VALID_DAYS = 7
DAY = 86_400
MAX_FAILURES = 5  # wrong codes per member number per WINDOW
ADDRESS_FAILURES = 200  # wrong codes per client address per WINDOW, over all member numbers
WINDOW = 15 * 60
KEPT = 7 * DAY  # failed attempts (and idle attempt locks) are forgotten after this


class WrongCode(DistrictError):
    """An unknown member number or a wrong code: one message, so neither is revealed."""

    status = 403
    code = "wrong_code"


class CodeUsed(DistrictError):
    status = 409
    code = "code_used"


class CodeExpired(DistrictError):
    status = 410
    code = "code_expired"


class CodeCancelled(CodeExpired):
    code = "code_cancelled"


class RateLimited(DistrictError):
    """Too many wrong codes (`zh`/`en` say whose); `retry_after` is in seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, zh: str = "激活码错误次数过多",
                 en: str = "too many wrong activation codes") -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"{zh}，请 {minutes} 分钟后再试", f"{en}: try again in {minutes} min")
        self.retry_after = retry_after


def new_code() -> str:
    """A fresh random code, grouped for reading aloud: `K7QM-3XPA`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize(code: str) -> str:
    """What the member typed, without spaces or dashes, in capitals."""
    return normalize_code(code)


def code_hash(code: str) -> bytes:
    return hashlib.sha256(normalize(code).encode("ascii")).digest()


def _person(session: Session, member_no: str, family_no: int | None) -> tuple[
        Member, FamilyMember | None]:
    member = people.member_by_no(session, member_no, lock=True)
    if member.status != people.ACTIVE:
        raise Conflict(f"会员 {member_no} 状态为 {member.status}，不能激活",
                       f"member {member_no} is {member.status}: no activation code")
    family = people.family_number(session, member, family_no) if family_no else None
    if family is not None and family.status != people.ACTIVE:
        raise Conflict("这位家属尚未批准或已撤回，不能发激活码",
                       f"family member {family_no} of {member_no} is not approved")
    return member, family


def _cancel_older(session: Session, member: Member, family: FamilyMember | None,
                  now: int) -> int:
    """Cancel the person's unused codes; returns how many."""
    person = ActivationCode.family_id == family.id if family else ActivationCode.family_id.is_(None)
    done = session.execute(update(ActivationCode).where(
        ActivationCode.member_id == member.id, person, ActivationCode.used_at.is_(None),
        ActivationCode.cancelled_at.is_(None), ActivationCode.expires_at > now)
        .values(cancelled_at=now))
    return int(getattr(done, "rowcount", 0) or 0)


def create_activation_code(session: Session, member_no: str, family_no: int | None, actor: str,
                           now: int, days: int = VALID_DAYS) -> str:
    """A one-time code for the member, or for their approved family member `family_no`; the
    person's older unused codes stop working (the member row is locked first, so two codes made
    at once still leave one).

    Returns the code in clear (shown once: printed, or read out to the member); audited.
    """
    member, family = _person(session, member_no, family_no)
    cancelled = _cancel_older(session, member, family, now)
    code = new_code()
    session.add(ActivationCode(member_id=member.id, family_id=family.id if family else None,
                               code_hash=code_hash(code), created_at=now,
                               expires_at=now + days * DAY, used_at=None, created_by=actor,
                               cancelled_at=None))
    audit.record(session, actor, "activation.code", member_no,
                 {"family_no": family_no, "expires_at": now + days * DAY,
                  "cancelled": cancelled}, now)
    return code


def _failures(session: Session, since: int, where: ColumnElement[bool]) -> list[int]:
    return list(session.scalars(select(ActivationAttempt.at).where(
        ActivationAttempt.at > since, where).order_by(ActivationAttempt.at)))


def _retry_after(failures: list[int], limit: int, now: int) -> int:
    return failures[-limit] + WINDOW - now


def hold_attempts(session: Session, member_no: str, client: str, now: int) -> None:
    """Lock the member number's and the address's attempt rows for this transaction, then
    RateLimited when the member number had MAX_FAILURES wrong codes lately (the message names
    it) or the address ADDRESS_FAILURES."""
    db.lock_attempts(session, [f"member:{member_no[:32]}", f"address:{client[:64]}"], now)
    mine = _failures(session, now - WINDOW, ActivationAttempt.member_no == member_no[:32])
    if len(mine) >= MAX_FAILURES:
        raise RateLimited(_retry_after(mine, MAX_FAILURES, now),
                          f"会员号 {member_no} 的激活码错误次数过多",
                          f"too many wrong activation codes for member number {member_no}")
    address = _failures(session, now - WINDOW, ActivationAttempt.client == client[:64])
    if len(address) >= ADDRESS_FAILURES:
        raise RateLimited(_retry_after(address, ADDRESS_FAILURES, now),
                          "这个网络地址输错激活码的次数过多",
                          "too many wrong activation codes from this network address")


@dataclass(frozen=True)
class Enrollment:
    """A device's enrollment request (a window's, or a cadre's phone's): the one-time code, its
    public key and signature over it, the device's name and the client's address."""

    code: str
    public_key: bytes
    signature: bytes
    name: str
    client: str


def hold_address_attempts(session: Session, client: str, mark: str, now: int) -> None:
    """Lock the address's attempt row, then RateLimited after MAX_FAILURES wrong enrollment
    codes of one kind (`mark`, in the attempts' member_no) from it lately; a member's wrong
    activation codes do not count here."""
    db.lock_attempts(session, [f"address:{client[:64]}"], now)
    failures = list(session.scalars(select(ActivationAttempt.at).where(
        ActivationAttempt.client == client[:64], ActivationAttempt.member_no == mark,
        ActivationAttempt.at > now - WINDOW).order_by(ActivationAttempt.at)))
    if len(failures) >= MAX_FAILURES:
        raise RateLimited(failures[-MAX_FAILURES] + WINDOW - now,
                          "登记码错误次数过多", "too many wrong enrollment codes")


def record_failure(session: Session, member_no: str, client: str, now: int) -> None:
    session.add(ActivationAttempt(member_no=member_no[:32], client=client[:64], at=now))
    session.execute(delete(ActivationAttempt).where(ActivationAttempt.at < now - KEPT))
    db.prune_attempt_locks(session, now - KEPT)


def wrong_code(member_no: str) -> WrongCode:
    return WrongCode(f"会员号 {member_no} 的激活码不对（或没有这个会员号）",
                     f"wrong activation code for member number {member_no} (or no such member)")


def redeem(session: Session, member: Member, code: str, now: int) -> ActivationCode:
    """Use the member's code once (the caller holds the member's row lock): WrongCode,
    CodeUsed, CodeCancelled or CodeExpired otherwise."""
    row = session.scalars(select(ActivationCode).where(
        ActivationCode.member_id == member.id, ActivationCode.code_hash == code_hash(code))
        .order_by(ActivationCode.id.desc()).limit(1)).first()
    if row is None:
        raise wrong_code(member.member_no)
    if row.used_at is not None:
        raise CodeUsed("这个激活码已经用过了，请向工会索取新的激活码",
                       "this activation code has been used: ask your union for a new one")
    if row.cancelled_at is not None:
        raise CodeCancelled("这个激活码已作废（工会又发了新的激活码），请用最新的激活码",
                            "this activation code was replaced by a newer one: use the newest")
    if row.expires_at <= now:
        raise CodeExpired("这个激活码已过期，请向工会索取新的激活码",
                          "this activation code has expired: ask your union for a new one")
    taken = session.execute(update(ActivationCode).where(
        ActivationCode.id == row.id, ActivationCode.used_at.is_(None)).values(used_at=now))
    if getattr(taken, "rowcount", 0) != 1:
        raise CodeUsed("这个激活码刚刚被使用", "this activation code was just used")
    return row
