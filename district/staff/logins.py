"""Sign-in sessions of district staff: a random token in a signed cookie, stored hashed.

The cookie is `token.signature` (HMAC-SHA256 with a key derived from the unlocked key vault,
stored nowhere), so a forged cookie is refused before the database is asked; the table holds only
SHA-256(token), so a copy of the database can neither be replayed as a cookie nor sign a new one.
Each session has its own CSRF token for forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit
from district.cards.keyring import KeyRing
from district.staff.tables import Staff, StaffSession
from district.tables import Meta

SESSION_SECONDS = 8 * 3600  # one working day
COOKIE_PURPOSE = b"unionpass console session cookies v1"
STORED_COOKIE_KEY = "console_cookie_key"  # where older versions kept the key in clear


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, and the CSRF token their forms must carry."""

    staff: Staff
    csrf: str
    session_id: int


def cookie_key(keys: KeyRing) -> bytes:
    """The HMAC key of session cookies: the same in every server instance of the district."""
    return keys.vault.derive(COOKIE_PURPOSE)


def forget_stored_key(session: Session) -> None:
    """Delete the clear-text cookie key an older version kept in the database (its cookies,
    signed with it, stop working: staff sign in once more)."""
    meta = session.get(Meta, STORED_COOKIE_KEY)
    if meta is not None:
        session.delete(meta)


def _signature(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, key: bytes, staff: Staff, now: int) -> str:
    """A new session for `staff`; returns the cookie value, signed with `key` (`cookie_key`)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_digest(token), staff_id=staff.id,
                             csrf=secrets.token_urlsafe(32), created_at=now,
                             expires_at=now + SESSION_SECONDS))
    return f"{token}.{_signature(key, token)}"


def _token(key: bytes, cookie: str | None) -> str | None:
    """The token of a cookie whose signature holds, else None."""
    if not cookie or cookie.count(".") != 1:
        return None
    token, signature = cookie.split(".")
    good = _signature(key, token)
    return token if hmac.compare_digest(good.encode(), signature.encode()) else None


def signed_in(session: Session, key: bytes, cookie: str | None, now: int) -> SignedIn | None:
    """The live session of this cookie (unexpired, not signed out, account active)."""
    token = _token(key, cookie)
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
