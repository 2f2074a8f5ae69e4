"""A cadre's phone at the district (SPEC §10): one-time enrollment codes and the enrollment that
turns one into a device of role "cadre".

A code looks like a window's (`K7QM-3XPA`): only its SHA-256 is stored, it expires and works
once, and a new code for a cadre cancels their older unused ones (the cadre's row is locked
first, so two codes made at once still leave one). The phone signs the enrollment with a key it
makes for it (`app.device_proof.cadre_signed`); a key that any other working device holds, or
that a member's phone or another cadre's phone ever held, is refused. A cadre has one working
phone: enrolling a new one revokes the previous one (the unique partial index on working cadre
devices decides between two enrollments at once). A cadre who left cannot enroll. Wrong guesses
are counted per client address as for windows (under `ATTEMPT_MARK`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.device_proof import cadre_signed
from district import audit, db
from district.cadres.tables import CadreCode
from district.cards import lists
from district.errors import Conflict, DistrictError, NotFound
from district.phones import activation, devices
from district.phones.activation import (
    Enrollment as Enrollment,  # the request both APIs make
)
from district.phones.tables import Device
from district.tables import Cadre

CADRE = devices.CADRE
VALID_DAYS = 7
ATTEMPT_MARK = "(cadre)"  # in activation_attempts.member_no: a cadre enrollment's failure


@dataclass(frozen=True)
class IssuedCode:
    """A new code, shown once, and the older unused codes it stopped (created, expires)."""

    code: str
    cadre_no: str
    cadre_name: str
    expires_at: int
    cancelled: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class CadreGrant:
    """What an enrolled phone gets (`app.cadre_wire`: the answer of `ENROLL_PATH`)."""

    device_id: str
    device_token: str
    cadre_no: str
    cadre_name: str
    root_public_key: bytes
    trust_list: bytes
    status_list: bytes
    server_time: int


def cadre_by_no(session: Session, cadre_no: str, lock: bool = False) -> Cadre:
    query = select(Cadre).where(Cadre.cadre_no == cadre_no.strip()).execution_options(
        populate_existing=True)
    cadre = session.scalars(query.with_for_update() if lock else query).first()
    if cadre is None:
        raise NotFound(f"没有这位干部：{cadre_no}", f"no such cadre: {cadre_no}")
    return cadre


def _still_serving(cadre: Cadre) -> None:
    if cadre.left_at is not None:
        raise Conflict(f"干部 {cadre.name}（{cadre.cadre_no}）已离开，不能登记手机",
                       f"cadre {cadre.cadre_no} has left: no phone can be enrolled")


def _cancel_older(session: Session, cadre: Cadre, now: int) -> tuple[tuple[int, int], ...]:
    """Cancel the cadre's unused codes that still work; returns their (created, expires)."""
    live = and_(CadreCode.cadre_id == cadre.id, CadreCode.used_at.is_(None),
                CadreCode.cancelled_at.is_(None), CadreCode.expires_at > now)
    older = session.execute(select(CadreCode.created_at, CadreCode.expires_at).where(live)
                            .order_by(CadreCode.id)).all()
    session.execute(update(CadreCode).where(live).values(cancelled_at=now))
    return tuple((int(c), int(e)) for c, e in older)


def create_cadre_code(session: Session, cadre_no: str, actor: str, now: int,
                      days: int = VALID_DAYS) -> IssuedCode:
    """A one-time code that enrolls the cadre's phone; returned in clear once; audited."""
    cadre = cadre_by_no(session, cadre_no, lock=True)
    _still_serving(cadre)
    cancelled = _cancel_older(session, cadre, now)
    code = activation.new_code()
    expires = now + days * activation.DAY
    session.add(CadreCode(cadre_id=cadre.id, code_hash=activation.code_hash(code),
                          created_at=now, expires_at=expires, used_at=None, cancelled_at=None,
                          created_by=actor))
    audit.record(session, actor, "cadre.code", cadre.cadre_no,
                 {"name": cadre.name, "expires_at": expires, "cancelled": len(cancelled)}, now)
    return IssuedCode(code, cadre.cadre_no, cadre.name, expires, cancelled)


def _code_row(session: Session, code: str) -> CadreCode | None:
    return session.scalars(select(CadreCode).where(
        CadreCode.code_hash == activation.code_hash(code)).order_by(CadreCode.id.desc())
        .limit(1).execution_options(populate_existing=True)).first()


def _redeem(session: Session, code: str, now: int) -> tuple[CadreCode, Cadre]:
    """Use the code once. The cadre's row is locked before the code's is written, in the order
    a new code for the cadre takes them (so the two wait for each other, never deadlock); the
    code is read again under that lock."""
    found = _code_row(session, code)
    if found is None:
        raise activation.WrongCode("登记码不对", "wrong cadre enrollment code")
    cadre = session.scalars(select(Cadre).where(Cadre.id == found.cadre_id)
                            .with_for_update().execution_options(populate_existing=True)).one()
    row = _code_row(session, code)
    assert row is not None  # codes are never deleted
    if row.used_at is not None:
        raise activation.CodeUsed("这个登记码已经用过了，请向区总工会索取新的登记码",
                                  "this enrollment code has been used: ask for a new one")
    if row.cancelled_at is not None:
        raise activation.CodeCancelled("这个登记码已作废（又发了新的登记码），请用最新的登记码",
                                       "this enrollment code was replaced by a newer one")
    if row.expires_at <= now:
        raise activation.CodeExpired("这个登记码已过期，请向区总工会索取新的登记码",
                                     "this enrollment code has expired: ask for a new one")
    taken = session.execute(update(CadreCode).where(
        CadreCode.id == row.id, CadreCode.used_at.is_(None)).values(used_at=now))
    if getattr(taken, "rowcount", 0) != 1:
        raise activation.CodeUsed("这个登记码刚刚被使用", "this enrollment code was just used")
    return row, cadre


def _check_key_free(session: Session, public_key: bytes, cadre: Cadre) -> None:
    """KeyInUse when a working device holds the key, or any phone not this cadre's ever did
    (a member card's key, another cadre's)."""
    taken = select(Device.id).where(Device.public_key == public_key, or_(
        Device.revoked_at.is_(None), Device.role != CADRE,
        Device.cadre_id.is_distinct_from(cadre.id)))
    if session.scalars(taken.limit(1)).first() is not None:
        raise devices.KeyInUse()


def _retire(session: Session, cadre: Cadre, now: int) -> list[str]:
    """The cadre's previous working phones stop working (a new phone replaces them)."""
    working = list(session.scalars(select(Device).where(
        Device.cadre_id == cadre.id, Device.role == CADRE, Device.revoked_at.is_(None))))
    for device in working:
        device.revoked_at = now
    session.flush()
    return [d.id for d in working]


def _enroll(session: Session, ask: Enrollment, now: int) -> CadreGrant:
    _row, cadre = _redeem(session, ask.code, now)
    _still_serving(cadre)
    _check_key_free(session, ask.public_key, cadre)
    replaced = _retire(session, cadre, now)
    token = secrets.token_urlsafe(32)
    device = Device(id=secrets.token_hex(16), member_id=None, family_id=None, spot_id=None,
                    cadre_id=cadre.id, role=CADRE, name=ask.name.strip()[:64] or cadre.name,
                    token_hash=devices.token_hash(token), public_key=ask.public_key,
                    created_at=now, revoked_at=None, seen_at=None)
    devices.add_device(session, device)
    audit.record(session, f"device:{device.id}", "cadre.enroll", cadre.cadre_no,
                 {"name": cadre.name, "device_id": device.id, "replaced": ",".join(replaced),
                  "client": ask.client}, now)
    return CadreGrant(device.id, token, cadre.cadre_no, cadre.name, lists.root_public(session),
                      lists.current(session, lists.TRUST).data,
                      lists.current(session, lists.STATUS).data, now)


def enroll(sessions: sessionmaker[Session], ask: Enrollment, now: int) -> CadreGrant:
    """Check the signature and the rate limit, redeem the code and make the cadre's phone, in
    one transaction; a wrong code is counted (and committed) before WrongCode is raised."""
    if not cadre_signed(ask.code, ask.public_key, ask.signature):
        raise devices.InvalidSignature()
    outcome = db.retried(lambda: _attempt(sessions, ask, now))
    if isinstance(outcome, DistrictError):
        raise outcome
    return outcome


def _attempt(sessions: sessionmaker[Session], ask: Enrollment,
             now: int) -> CadreGrant | activation.WrongCode:
    with sessions.begin() as session:
        activation.hold_address_attempts(session, ask.client, ATTEMPT_MARK, now)
        try:
            return _enroll(session, ask, now)
        except activation.WrongCode as wrong:  # raised before anything was written
            activation.record_failure(session, ATTEMPT_MARK, ask.client, now)
            return wrong
