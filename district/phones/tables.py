"""The device tables: one-time activation codes, devices (member phones and spot windows),
window enrollment codes and failed code attempts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, ForeignKey, Index, LargeBinary, String, and_
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from district.tables import Base


class ActivationCode(Base):
    """A one-time code for a member (or one of their family); only its SHA-256 is stored.
    `cancelled_at` is set when a newer code was made for the same person."""

    __tablename__ = "activation_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family_members.id"))
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[int | None] = mapped_column(BigInteger)


class Device(Base):
    """A phone activated for a member ("member") or one of their family ("family"), a
    scenic spot's window ("window": `spot_id` set, no member), or a cadre's phone enrolled for
    the "五个一" ("cadre": `cadre_id` set, no member — the same phone's member card is a device
    of its own).

    `token_hash` is the SHA-256 of the bearer token; the token itself is never stored.
    `seen_at` is a window's or a cadre phone's last sync (members' phones leave it empty).
    Among the devices that work (`revoked_at` empty), a public key belongs to one device, and a
    member or a family member has one phone (the unique partial indexes below).
    """

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family_members.id"))
    spot_id: Mapped[str | None] = mapped_column(ForeignKey("spots.id"), index=True)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    seen_at: Mapped[int | None] = mapped_column(BigInteger)


class WindowCode(Base):
    """A one-time code that enrolls a window device for a spot; only its SHA-256 is stored."""

    __tablename__ = "window_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    spot_id: Mapped[str] = mapped_column(ForeignKey("spots.id"))
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(64))


class ActivationAttempt(Base):
    """A failed activation (wrong code or unknown member), counted for the rate limit.

    Kept in the database so that several server instances share one count.
    """

    __tablename__ = "activation_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[int] = mapped_column(BigInteger)


Index("ix_activation_attempts_member_no_at", ActivationAttempt.member_no, ActivationAttempt.at)
Index("ix_activation_attempts_client_at", ActivationAttempt.client, ActivationAttempt.at)


_ACTIVE = Device.revoked_at.is_(None)


def _active_unique(name: str, column: InstrumentedAttribute[Any],
                   *role: ColumnElement[bool]) -> Index:
    where = and_(_ACTIVE, *role)
    return Index(name, column, unique=True, postgresql_where=where, sqlite_where=where)


_active_unique("uq_devices_active_public_key", Device.public_key)
_active_unique("uq_devices_active_member", Device.member_id, Device.role == "member")
_active_unique("uq_devices_active_family", Device.family_id, Device.role == "family")
_active_unique("uq_devices_active_cadre", Device.cadre_id, Device.role == "cadre")
