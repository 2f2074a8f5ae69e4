"""District staff: accounts with scrypt-hashed passwords, rate-limited and audited sign-in.

A `district_admin` acts on every member; a `town_clerk` only on the members of their town.
A sign-in first locks its user name's and its address's attempt rows (`district.db.
lock_attempts`), then counts the failures, then records its own: sign-ins at once, on any
server instance, count one after another.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from district import audit, db
from district.errors import Conflict, DistrictError, Invalid
from district.registry import towns
from district.staff.tables import LoginAttempt, Staff

DISTRICT_ADMIN, TOWN_CLERK = "district_admin", "town_clerk"
REVIEWER = "reviewer"  # the district's reviewer of the cadres' "五个一" (reads needy workers)
ROLES = (DISTRICT_ADMIN, TOWN_CLERK, REVIEWER)
CADRE_REVIEWERS = (DISTRICT_ADMIN, REVIEWER)  # review records, read needy-worker files
# scrypt cost: 2**14 × 8 × 1 takes ~16 MiB and tens of milliseconds per check.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32
MIN_PASSWORD = 8
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")
LIMIT_WINDOW = 15 * 60  # seconds over which failed attempts are counted
USER_FAILURES, ADDRESS_FAILURES = 5, 20


class SignInRefused(DistrictError):
    status = 401
    code = "sign_in_refused"


class TooManyAttempts(DistrictError):
    status = 429
    code = "too_many_attempts"


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R,
                  p: int = SCRYPT_P) -> str:
    """scrypt with a fresh 16-byte salt; the parameters are stored with the hash."""
    salt = secrets.token_bytes(16) if salt is None else salt
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                         dklen=KEY_BYTES)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Recompute with the stored salt and parameters; compare in constant time."""
    try:
        scheme, n, r, p, salt, _key = stored.split("$")
        again = hash_password(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(again.encode(), stored.encode())


@functools.cache
def _nobody() -> str:
    """Checked against when the user name is unknown, so that costs as much as a wrong one."""
    return hash_password("", b"\0" * 16)


def _check_new(session: Session, username: str, password: str, role: str,
               town_id: str | None) -> None:
    if not USERNAME.fullmatch(username):
        raise Invalid("用户名只能用小写字母、数字和 . _ -，2 到 32 个字符",
                      "a user name is 2–32 lowercase letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符", f"a password has at least "
                      f"{MIN_PASSWORD} characters")
    if role not in ROLES:
        raise Invalid(f"角色只能是 {' 或 '.join(ROLES)}", f"the role is one of {', '.join(ROLES)}")
    if (role == TOWN_CLERK) != (town_id is not None):
        raise Invalid("镇办事员必须指定所属镇，区管理员不指定镇",
                      "a town clerk needs --town; a district admin has none")
    if town_id is not None:
        towns.get_town(session, town_id)
    if session.scalars(select(Staff).where(Staff.username == username)).first() is not None:
        raise Conflict(f"用户名 {username} 已经存在", f"the user name {username} is taken")


def add_staff(session: Session, username: str, password: str, role: str, town_id: str | None,
              actor: str, now: int) -> Staff:
    """A new staff account (the password is stored only as its scrypt hash)."""
    _check_new(session, username, password, role, town_id)
    staff = Staff(username=username, password_hash=hash_password(password), role=role,
                  town_id=town_id, active=True, created_at=now)
    session.add(staff)
    session.flush()
    audit.record(session, actor, "staff.add", username, {"role": role, "town": town_id}, now)
    return staff


def _recent_failures(session: Session, column: InstrumentedAttribute[str], value: str,
                     now: int) -> int:
    count = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.at > now - LIMIT_WINDOW,
        LoginAttempt.ok.is_(False)))
    return int(count or 0)


def _limited(session: Session, username: str, ip: str, now: int) -> bool:
    return (_recent_failures(session, LoginAttempt.username, username, now) >= USER_FAILURES
            or _recent_failures(session, LoginAttempt.ip, ip, now) >= ADDRESS_FAILURES)


def _verified(session: Session, username: str, password: str) -> Staff | None:
    staff = session.scalars(select(Staff).where(Staff.username == username)).first()
    matches = password_matches(password, staff.password_hash if staff else _nobody())
    return staff if staff is not None and staff.active and matches else None


def sign_in(session: Session, username: str, password: str, ip: str,
            now: int) -> Staff | DistrictError:
    """Check a sign-in; the attempt and its audit entry are added either way.

    Returns the error instead of raising it, so the caller commits the record of a failure.
    Call it first in its transaction (it takes the attempt locks).
    """
    username = username.strip().lower()[:64]
    db.lock_attempts(session, [f"staff:{username}", f"staff-address:{ip[:64]}"], now)
    outcome: Staff | DistrictError
    if _limited(session, username, ip, now):
        outcome = TooManyAttempts(f"登录失败次数太多，请 {LIMIT_WINDOW // 60} 分钟后再试",
                                  f"too many failed sign-ins: try again in "
                                  f"{LIMIT_WINDOW // 60} minutes")
    else:
        outcome = _verified(session, username, password) or SignInRefused(
            "用户名或密码不对", "wrong user name or password")
    ok = isinstance(outcome, Staff)
    session.add(LoginAttempt(username=username, ip=ip[:64], at=now, ok=ok))
    audit.record(session, username or "?", "staff.sign_in" if ok else "staff.sign_in_failed",
                 username, {"ip": ip} if ok else {"ip": ip, "reason": type(outcome).__name__},
                 now)
    return outcome
