"""Member devices: enrollment with a bearer token, authentication, and a lost phone's revocation.

A device belongs to one person: the member (role "member") or one of their family ("family"),
to a scenic spot's window ("window", see `district.windows.window_devices`), or to a cadre
("cadre", `district.cadres.enrollment`: it stops working when revoked or when the cadre leaves).
Only the SHA-256 of its token is stored; a token only ever reaches its own member's data (a
window's and a cadre's phone's: none). A public key is bound to one person only, and to one
working device (unique partial indexes in the database, `district.phones.tables`).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import CardKind
from district import audit
from district.cards import issuance, lists
from district.cards.keyring import KeyRing
from district.errors import Conflict, DistrictError, Forbidden, NotFound
from district.feed import publish
from district.phones.tables import Device
from district.tables import Cadre, Card, FamilyMember, Member

MEMBER, FAMILY, WINDOW, CADRE = "member", "family", "window", "cadre"


class Unauthorized(DistrictError):
    """No token, an unknown token, or the token of a device that was replaced or revoked."""

    status = 401
    code = "unauthorized"


class KeyInUse(Conflict):
    """The device key is bound to another device or another person (copied, not owned)."""

    code = "key_in_use"

    def __init__(self) -> None:
        super().__init__("这台设备的密钥已绑定在另一台设备或另一个人名下，不能用它激活",
                         "this device key is bound to another device or person: it cannot be "
                         "activated with it")


class InvalidSignature(Forbidden):
    """The request's signature was not made by the key it asks to bind (`app.device_proof`)."""

    code = "invalid_signature"

    def __init__(self) -> None:
        super().__init__("设备的签名与它的公钥不符，未激活",
                         "the signature was not made by this public key: nothing was bound")


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def active_devices(session: Session, member: Member, family: FamilyMember | None) -> list[Device]:
    """The person's devices whose tokens still work (normally at most one)."""
    query = select(Device).where(Device.member_id == member.id, Device.revoked_at.is_(None))
    query = query.where(Device.family_id == family.id if family else Device.family_id.is_(None))
    return list(session.scalars(query.order_by(Device.created_at)))


def retire(session: Session, member: Member, family: FamilyMember | None, now: int) -> None:
    """A new phone for the person: the tokens of their previous phones stop working."""
    for device in active_devices(session, member, family):
        device.revoked_at = now
    session.flush()


def check_key_free(session: Session, public_key: bytes, member: Member,
                   family: FamilyMember | None) -> None:
    """KeyInUse when any device of someone else (another member, another family member, a
    window) was ever bound to the key. The person's own working phone is retired first; two
    people racing for one key meet on the unique index instead (see `add_device`)."""
    others = select(Device.id).where(Device.public_key == public_key, or_(
        Device.member_id.is_distinct_from(member.id),
        Device.family_id.is_distinct_from(family.id if family else None)))
    if session.scalars(others.limit(1)).first() is not None:
        raise KeyInUse()


def add_device(session: Session, device: Device) -> None:
    """Insert the device; KeyInUse when a working device already holds its key, Conflict when
    the person got another working phone meanwhile (the database's unique indexes decide, also
    between two requests at once)."""
    session.add(device)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if "public_key" in str(exc.orig):
            raise KeyInUse() from exc
        raise Conflict("刚刚有另一部手机为同一人激活，请稍后重试",
                       "another phone was just activated for this person: try again") from exc


def enroll(session: Session, member: Member, family: FamilyMember | None, public_key: bytes,
           name: str, now: int) -> tuple[Device, str]:
    """A new device for the person; returns it with its bearer token (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    device = Device(id=secrets.token_hex(16), member_id=member.id,
                    family_id=family.id if family else None, role=FAMILY if family else MEMBER,
                    name=name.strip()[:64] or "phone", token_hash=token_hash(token),
                    public_key=public_key, created_at=now, revoked_at=None)
    add_device(session, device)
    return device, token


def authenticate(session: Session, authorization: str | None) -> Device:
    """The device of an `Authorization: Bearer <token>` header, or Unauthorized."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("请先激活会员卡", "a device token is required (Authorization: Bearer)")
    device = session.scalars(select(Device).where(
        Device.token_hash == token_hash(token.strip()))).first()
    if device is not None and device.role == WINDOW and device.revoked_at is not None:
        raise Unauthorized("这台窗口设备已被注销，请向区总工会索取登记码重新登记",
                           "this window device was revoked: enroll it again with a new code")
    if device is not None and device.role == CADRE and (
            device.revoked_at is not None or _cadre_left(session, device)):
        raise Unauthorized("这部手机的“五个一”登记已失效（换了手机、被停用或干部已离开），"
                           "如需继续使用请向区总工会索取新的登记码",
                           "this cadre phone's enrollment no longer works (replaced, revoked or "
                           "the cadre has left): ask the district for a new enrollment code")
    if device is None or device.revoked_at is not None:
        raise Unauthorized("此手机的会员卡已失效，请重新激活",
                           "this device token is not valid (replaced or revoked): activate again")
    return device


def _cadre_left(session: Session, device: Device) -> bool:
    cadre = session.get(Cadre, device.cadre_id) if device.cadre_id is not None else None
    return cadre is None or cadre.left_at is not None


def member_phone_key(session: Session, member: Member) -> bytes | None:
    """The public key of the member's own current phone, if the member has activated one."""
    devices = active_devices(session, member, None)
    return devices[-1].public_key if devices else None


def cards_on(session: Session, device: Device) -> tuple[Card | None, list[Card]]:
    """The valid cards bound to the device's key: its person's own card, and family cards
    shown from the member's phone."""
    cards = list(session.scalars(select(Card).where(
        Card.member_id == device.member_id, Card.holder_key == device.public_key,
        Card.status == issuance.VALID).order_by(Card.serial)))
    if device.role == FAMILY:
        own = [c for c in cards if c.family_id == device.family_id]
        return (own[-1] if own else None), []
    members = [c for c in cards if c.kind == int(CardKind.MEMBER)]
    family = [c for c in cards if c.kind == int(CardKind.FAMILY)]
    return (members[-1] if members else None), family


def get_device(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound(f"没有这台设备：{device_id}", f"no device {device_id}")
    return device


def _cards_bound_to(session: Session, device: Device) -> list[Card]:
    """The valid cards this device shows: its person's cards bound to its key (a member's phone
    also shows their family's). Never anyone else's, whatever key they hold."""
    if device.member_id is None:
        return []
    query = select(Card).where(Card.member_id == device.member_id,
                               Card.holder_key == device.public_key,
                               Card.status == issuance.VALID)
    if device.family_id is not None:
        query = query.where(Card.family_id == device.family_id)
    return list(session.scalars(query.order_by(Card.serial)))


def revoke_device(session: Session, keys: KeyRing, device_id: str, reason: str, actor: str,
                  now: int) -> list[int]:
    """A lost phone (console): its token stops working and the valid cards it shows (its
    person's, bound to its key) are revoked, with one re-signed status list. Returns the
    revoked serials."""
    device = get_device(session, device_id)
    device.revoked_at = device.revoked_at or now
    cards = _cards_bound_to(session, device)
    for card in cards:
        card.status, card.revoked_at, card.revoke_reason = issuance.REVOKED, now, reason
        publish.card_gone(session, card, reason)
        audit.record(session, actor, "card.revoke", str(card.serial), {"reason": reason}, now)
    audit.record(session, actor, "device.revoke", device.id,
                 {"reason": reason, "cards": [c.serial for c in cards]}, now)
    session.flush()
    if cards:
        lists.sign_status(session, keys, now)
    return [c.serial for c in cards]
