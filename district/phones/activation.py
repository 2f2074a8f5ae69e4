"""One-time activation codes (SPEC §2 Member) and their rate-limited redemption.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown grouped as
`K7QM-3XPA`; only its SHA-256 is stored. It belongs to a member, or to one of their approved
family members, expires (7 days by default) and works once. Failed guesses are counted in the
database per member number and per client address, so every server instance shares the count.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from district import audit
from district.errors import Conflict, DistrictError
from district.phones.tables import ActivationAttempt, ActivationCode
from district.registry import people
from district.tables import Member

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VALID_DAYS = 7
DAY = 86_400
MAX_FAILURES = 5
WINDOW = 15 * 60


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


class RateLimited(DistrictError):
    """Too many wrong codes; `retry_after` is in seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"激活码错误次数过多，请 {minutes} 分钟后再试",
                         f"too many wrong activation codes: try again in {minutes} min")
        self.retry_after = retry_after


def new_code() -> str:
    """A fresh random code, grouped for reading aloud: `K7QM-3XPA`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize(code: str) -> str:
    """What the member typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def code_hash(code: str) -> bytes:
    return hashlib.sha256(normalize(code).encode("ascii")).digest()


def create_activation_code(session: Session, member_no: str, family_no: int | None, actor: str,
                           now: int, days: int = VALID_DAYS) -> str:
    """A one-time code for the member, or for their approved family member `family_no`.

    Returns the code in clear (shown once: printed, or read out to the member); audited.
    """
    member = people.member_by_no(session, member_no)
    if member.status != people.ACTIVE:
        raise Conflict(f"会员 {member_no} 状态为 {member.status}，不能激活",
                       f"member {member_no} is {member.status}: no activation code")
    family = people.family_number(session, member, family_no) if family_no else None
    if family is not None and family.status != people.ACTIVE:
        raise Conflict("这位家属尚未批准或已撤回，不能发激活码",
                       f"family member {family_no} of {member_no} is not approved")
    code = new_code()
    session.add(ActivationCode(member_id=member.id, family_id=family.id if family else None,
                               code_hash=code_hash(code), created_at=now,
                               expires_at=now + days * DAY, used_at=None, created_by=actor))
    audit.record(session, actor, "activation.code", member_no,
                 {"family_no": family_no, "expires_at": now + days * DAY}, now)
    return code


def _failures_since(session: Session, column: InstrumentedAttribute[str], value: str,
                    since: int) -> list[int]:
    return list(session.scalars(select(ActivationAttempt.at).where(
        column == value, ActivationAttempt.at > since).order_by(ActivationAttempt.at)))


def check_rate(session: Session, member_no: str, client: str, now: int) -> None:
    """RateLimited when the member number or the client made MAX_FAILURES wrong guesses lately."""
    for column, value in ((ActivationAttempt.member_no, member_no[:32]),
                          (ActivationAttempt.client, client[:64])):
        failures = _failures_since(session, column, value, now - WINDOW)
        if len(failures) >= MAX_FAILURES:
            raise RateLimited(failures[-MAX_FAILURES] + WINDOW - now)


def record_failure(session: Session, member_no: str, client: str, now: int) -> None:
    session.add(ActivationAttempt(member_no=member_no[:32], client=client[:64], at=now))
    session.execute(delete(ActivationAttempt).where(ActivationAttempt.at < now - 7 * DAY))


def redeem(session: Session, member_no: str, code: str, now: int) -> ActivationCode:
    """Use the member's code once: WrongCode, CodeUsed or CodeExpired otherwise."""
    wrong = WrongCode("会员号或激活码不对", "wrong member number or activation code")
    member = session.scalars(select(Member).where(Member.member_no == member_no)).first()
    if member is None:
        raise wrong
    row = session.scalars(select(ActivationCode).where(
        ActivationCode.member_id == member.id, ActivationCode.code_hash == code_hash(code))
        .order_by(ActivationCode.id.desc()).limit(1)).first()
    if row is None:
        raise wrong
    if row.used_at is not None:
        raise CodeUsed("这个激活码已经用过了，请向工会索取新的激活码",
                       "this activation code has been used: ask your union for a new one")
    if row.expires_at <= now:
        raise CodeExpired("这个激活码已过期，请向工会索取新的激活码",
                          "this activation code has expired: ask your union for a new one")
    taken = session.execute(update(ActivationCode).where(
        ActivationCode.id == row.id, ActivationCode.used_at.is_(None)).values(used_at=now))
    if getattr(taken, "rowcount", 0) != 1:
        raise CodeUsed("这个激活码刚刚被使用", "this activation code was just used")
    return row
