"""The console's tables: district staff, their sign-in sessions and sign-in attempts."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base, Member


class Staff(Base):
    """A district staff account: `district_admin`, or `town_clerk` limited to `town_id`.

    `password_hash` is "scrypt$n$r$p$salt$hash" (salt and hash in hex): the KDF's parameters
    travel with each hash, so they can be raised for new passwords without breaking old ones.
    """

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    town_id: Mapped[str | None] = mapped_column(ForeignKey("towns.id"))
    active: Mapped[bool]
    created_at: Mapped[int] = mapped_column(BigInteger)


class StaffSession(Base):
    """A signed-in browser: only the SHA-256 of its random token is stored."""

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    ended_at: Mapped[int | None] = mapped_column(BigInteger)


class LoginAttempt(Base):
    """Every sign-in attempt, counted for the rate limit by user name and by address."""

    __tablename__ = "staff_login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[int] = mapped_column(BigInteger)
    ok: Mapped[bool]


Index("ix_staff_login_attempts_username_at", LoginAttempt.username, LoginAttempt.at)
Index("ix_staff_login_attempts_ip_at", LoginAttempt.ip, LoginAttempt.at)
# Member search by name prefix is a range over this index (see district/console/queries.py).
Index("ix_members_name", Member.name)
