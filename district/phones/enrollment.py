"""Activating a phone (SPEC §2 Member): a code and the phone's public key give a bound card.

Activating on a second phone is 补办: the first phone's card is revoked (the status list is
re-signed) and its token stops working; family cards shown from the member's old phone move
to the new one. A family member's code gives a family card bound to that family member's phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import CardKind
from district import audit
from district.cards import issuance, lists
from district.cards.keyring import KeyRing
from district.errors import Conflict
from district.feed import publish
from district.phones import activation, devices
from district.phones.family import states as family_states
from district.registry import people
from district.tables import Card, FamilyMember, Member


@dataclass(frozen=True)
class Request:
    member_no: str
    code: str
    public_key: bytes
    device_name: str
    client: str


@dataclass(frozen=True)
class Activation:
    device_id: str
    device_token: str
    role: str
    card: bytes
    family_cards: list[bytes]
    root_public_key: bytes
    trust_list: bytes
    status_list: bytes


def activate(sessions: sessionmaker[Session], keys: KeyRing, ask: Request, now: int,
             years: int = 3) -> Activation:
    """Check the rate limit, redeem the code and bind the cards; a wrong code is counted."""
    with sessions.begin() as session:
        activation.check_rate(session, ask.member_no, ask.client, now)
    try:
        with sessions.begin() as session:
            return _activate(session, keys, ask, now, years)
    except activation.WrongCode:
        with sessions.begin() as session:
            activation.record_failure(session, ask.member_no, ask.client, now)
        raise


def _activate(session: Session, keys: KeyRing, ask: Request, now: int, years: int) -> Activation:
    row = activation.redeem(session, ask.member_no, ask.code, now)
    member = session.get_one(Member, row.member_id)
    family = session.get(FamilyMember, row.family_id) if row.family_id else None
    if family is not None and family.status != people.ACTIVE:
        raise Conflict("这位家属已撤回，激活码不能再用", "that family member has been withdrawn")
    devices.retire(session, member, family, now)
    card = _bind(session, keys, member, family, ask.public_key, now, years)
    if family is None:
        _bind_family(session, keys, member, ask.public_key, now, years)
        sync_family_states(session, member)
    device, token = devices.enroll(session, member, family, ask.public_key, ask.device_name, now)
    audit.record(session, f"device:{device.id}", "device.activate", member.member_no,
                 {"device_id": device.id, "role": device.role, "card": card.serial,
                  "client": ask.client}, now)
    _own, family_cards = devices.cards_on(session, device)
    return Activation(device.id, token, device.role, card.cose, [c.cose for c in family_cards],
                      lists.root_public(session), lists.current(session, lists.TRUST).data,
                      lists.current(session, lists.STATUS).data)


def sync_family_states(session: Session, member: Member) -> None:
    """Every family member's state as it is now, for the member's newly activated phone (those
    added by an import or the console were never logged; the log keeps the newest of each)."""
    for s in family_states(session, member):
        publish.family_entry(session, member, s.number, s.name, s.relation, s.state,
                             s.card_serial)


def _phone_cards(session: Session, member: Member, family: FamilyMember | None) -> list[Card]:
    """The person's valid cards bound to some phone (printed static cards are left alone)."""
    query = select(Card).where(Card.member_id == member.id, Card.status == issuance.VALID,
                               Card.holder_key.is_not(None))
    query = query.where(Card.family_id == family.id) if family else query.where(
        Card.kind == int(CardKind.MEMBER))
    return list(session.scalars(query.order_by(Card.serial)))


def _bind(session: Session, keys: KeyRing, member: Member, family: FamilyMember | None,
          public_key: bytes, now: int, years: int) -> Card:
    """Replace the person's phone card with one bound to the new key, or issue the first."""
    actor = f"member:{member.member_no}"
    previous = _phone_cards(session, member, family)
    for stale in previous[:-1]:
        issuance.revoke(session, keys, stale.serial, "replaced", actor, now)
    if previous:
        return issuance.replace_card(session, keys, previous[-1].serial, public_key, actor, now)
    return issuance.issue_card(session, keys, member, actor=actor, now=now,
                               holder_key=public_key, family=family, years=years)


def _bind_family(session: Session, keys: KeyRing, member: Member, public_key: bytes, now: int,
                 years: int) -> None:
    """Approved family members without a phone card get one shown from the member's phone."""
    for family in people.family_of(session, member):
        if not _phone_cards(session, member, family):
            issuance.issue_card(session, keys, member, actor=f"member:{member.member_no}",
                                now=now, holder_key=public_key, family=family, years=years)
