"""Sign-in sessions of district staff: a random token in a signed cookie, stored hashed.

The cookie is `token.signature` (HMAC-SHA256 with a key kept in `district_meta`), so a forged
cookie is refused before the database is asked; the table holds only SHA-256(token), so a copy of
the database cannot be replayed as a cookie. Each session has its own CSRF token for forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit
from district.staff.tables import Staff, StaffSession
from district.tables import Meta

SESSION_SECONDS = 8 * 3600  # one working day
COOKIE_KEY = "console_cookie_key"


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, and the CSRF token their forms must carry."""

    staff: Staff
    csrf: str
    session_id: int


def cookie_key(session: Session) -> bytes:
    """The HMAC key of session cookies, created on first use."""
    meta = session.get(Meta, COOKIE_KEY)
    if meta is None:
        meta = Meta(key=COOKIE_KEY, value=secrets.token_hex(32))
        session.add(meta)
        session.flush()
    return bytes.fromhex(meta.value)


def _signature(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff: Staff, now: int) -> str:
    """A new session for `staff`; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_digest(token), staff_id=staff.id,
                             csrf=secrets.token_urlsafe(32), created_at=now,
                             expires_at=now + SESSION_SECONDS))
    return f"{token}.{_signature(cookie_key(session), token)}"


def _token(session: Session, cookie: str | None) -> str | None:
    """The token of a cookie whose signature holds, else None."""
    if not cookie or cookie.count(".") != 1:
        return None
    token, signature = cookie.split(".")
    good = _signature(cookie_key(session), token)
    return token if hmac.compare_digest(good.encode(), signature.encode()) else None


def signed_in(session: Session, cookie: str | None, now: int) -> SignedIn | None:
    """The live session of this cookie (unexpired, not signed out, account active)."""
    token = _token(session, cookie)
    if token is None:
        return None
    row = session.execute(select(StaffSession, Staff).join(Staff).where(
        StaffSession.token_hash == _digest(token), StaffSession.expires_at > now,
        StaffSession.ended_at.is_(None), Staff.active.is_(True))).first()
    if row is None:
        return None
    live, staff = row
    return SignedIn(staff, live.csrf, live.id)


def close_session(session: Session, who: SignedIn, now: int) -> None:
    """Sign out: the session ends now and its cookie is worthless from here on."""
    live = session.get_one(StaffSession, who.session_id)
    live.ended_at = now
    audit.record(session, who.staff.username, "staff.sign_out", who.staff.username, {}, now)


def csrf_matches(who: SignedIn, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(who.csrf.encode(), (sent or "").encode())
