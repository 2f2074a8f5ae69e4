"""Scenic-spot window devices (SPEC §2 Window staff): one-time enrollment codes, enrollment
with a bearer token, the console's list, and revoking a lost tablet.

A window belongs to one spot and to no member. Its code looks like an activation code
(`K7QM-3XPA`, only the SHA-256 stored, expiring, single use); the device signs the enrollment
with its key (`app.device_proof`), and a key bound to any other device is refused. Wrong guesses
are counted per client address in the activation attempts table (under the marker
`ATTEMPT_MARK`), so a guesser is locked out after `activation.MAX_FAILURES` within
`activation.WINDOW` seconds; the address's attempt row is locked first, so guesses at once count
one after another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.device_proof import window_signed
from app.window_enroll import WindowGrant  # the wire shape both ends share
from district import audit, db
from district.cards import lists
from district.errors import DistrictError, NotFound
from district.feed import publish
from district.phones import activation, devices
from district.phones.activation import (
    Enrollment as Enrollment,  # the request both APIs make
)
from district.phones.tables import Device, WindowCode
from district.tables import Spot, Town

WINDOW = devices.WINDOW
VALID_DAYS = 7
ATTEMPT_MARK = "(window)"  # in activation_attempts.member_no: a window enrollment's failure


@dataclass(frozen=True)
class WindowRow:
    """A window device as the console lists it."""

    device_id: str
    spot_id: str
    spot_name: str
    name: str
    enrolled_at: int
    seen_at: int | None
    revoked_at: int | None


def get_spot(session: Session, spot_id: str) -> Spot:
    spot = session.get(Spot, spot_id)
    if spot is None:
        raise NotFound(f"没有这个景点：{spot_id}", f"no such scenic spot: {spot_id}")
    return spot


def create_window_code(session: Session, spot_id: str, actor: str, now: int,
                       days: int = VALID_DAYS) -> str:
    """A one-time code that enrolls one window device for the spot; returned in clear once."""
    get_spot(session, spot_id)
    code = activation.new_code()
    session.add(WindowCode(spot_id=spot_id, code_hash=activation.code_hash(code), created_at=now,
                           expires_at=now + days * activation.DAY, used_at=None,
                           created_by=actor))
    audit.record(session, actor, "window.code", spot_id,
                 {"expires_at": now + days * activation.DAY}, now)
    return code


def _check_key_free(session: Session, public_key: bytes) -> None:
    """KeyInUse when a working device, or any person's device, holds the key."""
    taken = select(Device.id).where(Device.public_key == public_key, or_(
        Device.revoked_at.is_(None), Device.role != WINDOW))
    if session.scalars(taken.limit(1)).first() is not None:
        raise devices.KeyInUse()


def _redeem(session: Session, code: str, now: int) -> WindowCode:
    row = session.scalars(select(WindowCode).where(
        WindowCode.code_hash == activation.code_hash(code))
        .order_by(WindowCode.id.desc()).limit(1)).first()
    if row is None:
        raise activation.WrongCode("登记码不对", "wrong window enrollment code")
    if row.used_at is not None:
        raise activation.CodeUsed("这个登记码已经用过了，请向区总工会索取新的登记码",
                                  "this enrollment code has been used: ask for a new one")
    if row.expires_at <= now:
        raise activation.CodeExpired("这个登记码已过期，请向区总工会索取新的登记码",
                                     "this enrollment code has expired: ask for a new one")
    taken = session.execute(update(WindowCode).where(
        WindowCode.id == row.id, WindowCode.used_at.is_(None)).values(used_at=now))
    if getattr(taken, "rowcount", 0) != 1:
        raise activation.CodeUsed("这个登记码刚刚被使用", "this enrollment code was just used")
    return row


def _enroll(session: Session, ask: Enrollment, now: int, daily_limit: int) -> WindowGrant:
    row = _redeem(session, ask.code, now)
    spot = get_spot(session, row.spot_id)
    _check_key_free(session, ask.public_key)
    token = secrets.token_urlsafe(32)
    device = Device(id=secrets.token_hex(16), member_id=None, family_id=None, spot_id=spot.id,
                    role=WINDOW, name=ask.name.strip()[:64] or spot.name[:64],
                    token_hash=devices.token_hash(token), public_key=ask.public_key,
                    created_at=now, revoked_at=None, seen_at=None)
    devices.add_device(session, device)
    publish.spot_rule(session, spot.id, daily_limit)
    audit.record(session, f"device:{device.id}", "window.enroll", spot.id,
                 {"device_id": device.id, "name": device.name, "client": ask.client}, now)
    return WindowGrant(device.id, token, spot.id, spot.name, lists.root_public(session),
                       lists.current(session, lists.TRUST).data,
                       lists.current(session, lists.STATUS).data, now)


def enroll(sessions: sessionmaker[Session], ask: Enrollment, now: int,
           daily_limit: int = 1) -> WindowGrant:
    """Check the signature and the rate limit, redeem the code and make the window device, in
    one transaction; a wrong code is counted (and committed) before WrongCode is raised."""
    if not window_signed(ask.code, ask.public_key, ask.signature):
        raise devices.InvalidSignature()
    outcome = db.retried(lambda: _attempt(sessions, ask, now, daily_limit))
    if isinstance(outcome, DistrictError):
        raise outcome
    return outcome


def _attempt(sessions: sessionmaker[Session], ask: Enrollment, now: int,
             daily_limit: int) -> WindowGrant | activation.WrongCode:
    with sessions.begin() as session:
        activation.hold_address_attempts(session, ask.client, ATTEMPT_MARK, now)
        try:
            return _enroll(session, ask, now, daily_limit)
        except activation.WrongCode as wrong:  # raised before anything was written
            activation.record_failure(session, ATTEMPT_MARK, ask.client, now)
            return wrong


def spots_in(session: Session, town_id: str | None) -> list[Spot]:
    """The spots a staff member may act on: all, or those in the clerk's town (by its name)."""
    query = select(Spot).order_by(Spot.id)
    if town_id is not None:
        query = query.join(Town, Town.name == Spot.town).where(Town.id == town_id)
    return list(session.scalars(query))


def window_rows(session: Session, town_id: str | None) -> list[WindowRow]:
    """Window devices of the spots in scope, by spot then newest first."""
    spots = {s.id: s for s in spots_in(session, town_id)}
    found = session.scalars(select(Device).where(
        Device.role == WINDOW, Device.spot_id.in_(list(spots)))
        .order_by(Device.spot_id, Device.created_at.desc(), Device.id))
    return [WindowRow(d.id, d.spot_id or "", spots[d.spot_id or ""].name, d.name, d.created_at,
                      d.seen_at, d.revoked_at) for d in found]


def window_in(session: Session, device_id: str, town_id: str | None) -> Device:
    """The window device, if it belongs to a spot in scope (404 otherwise)."""
    device = session.get(Device, device_id)
    spots = {s.id for s in spots_in(session, town_id)}
    if device is None or device.role != WINDOW or device.spot_id not in spots:
        raise NotFound(f"没有这台窗口设备：{device_id}", f"no window device {device_id}")
    return device


def revoke_window(session: Session, device_id: str, town_id: str | None, actor: str,
                  now: int) -> Device:
    """A lost tablet: its token stops working at once (its sales already synced stay)."""
    device = window_in(session, device_id, town_id)
    device.revoked_at = device.revoked_at or now
    audit.record(session, actor, "window.revoke", device.id, {"spot": device.spot_id}, now)
    return device


def publish_rules(session: Session, daily_limit: int) -> int:
    """The usage rule again for every spot that has windows (at start-up); returns how many."""
    spots = {spot for spot in session.scalars(select(Device.spot_id).where(
        Device.role == WINDOW, Device.revoked_at.is_(None))) if spot is not None}
    for spot_id in sorted(spots):
        publish.spot_rule(session, spot_id, daily_limit)
    return len(spots)
