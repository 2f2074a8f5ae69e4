"""Activating a phone (SPEC §2 Member): a code and the phone's public key give a bound card.

The phone signs the request with the key (`app.device_proof`), so a key copied from someone
else's QR code is refused. Activating on a second phone is 补办: the first phone's card is
revoked (the status list is re-signed) and its token stops working; family cards shown from the
member's old phone move to the new one. A family member's code gives a family card bound to
that family member's phone.

One transaction takes, in this order, the member number's and the address's attempt rows (rate
limit), the member's row, then everything else: attempts at once count one after another, and
two codes of one person redeemed at once leave one working phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.device_proof import activation_signed
from app.models import CardKind
from district import audit, db
from district.cards import issuance, lists
from district.cards.keyring import KeyRing
from district.errors import Conflict, DistrictError
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
    signature: bytes
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
    """Check the phone's signature and the rate limit, redeem the code and bind the cards, in
    one transaction; a wrong code is counted (and committed) before WrongCode is raised."""
    if not activation_signed(ask.member_no, ask.code, ask.public_key, ask.signature):
        raise devices.InvalidSignature()
    outcome = db.retried(lambda: _attempt(sessions, keys, ask, now, years))
    if isinstance(outcome, DistrictError):
        raise outcome
    return outcome


def _attempt(sessions: sessionmaker[Session], keys: KeyRing, ask: Request, now: int,
             years: int) -> Activation | activation.WrongCode:
    with sessions.begin() as session:
        activation.hold_attempts(session, ask.member_no, ask.client, now)
        try:
            return _activate(session, keys, ask, now, years)
        except activation.WrongCode as wrong:  # raised before anything was written
            activation.record_failure(session, ask.member_no, ask.client, now)
            return wrong


def _activate(session: Session, keys: KeyRing, ask: Request, now: int, years: int) -> Activation:
    member = people.find_member(session, ask.member_no, lock=True)
    if member is None:
        raise activation.wrong_code(ask.member_no)
    row = activation.redeem(session, member, ask.code, now)
    family = session.get(FamilyMember, row.family_id) if row.family_id else None
    if family is not None and family.status != people.ACTIVE:
        raise Conflict("这位家属已撤回，激活码不能再用", "that family member has been withdrawn")
    devices.check_key_free(session, ask.public_key, member, family)
    devices.retire(session, member, family, now)
    device, token = devices.enroll(session, member, family, ask.public_key, ask.device_name, now)
    card = _bind(session, keys, member, family, ask.public_key, now, years)
    if family is None:
        _bind_family(session, keys, member, ask.public_key, now, years)
        sync_family_states(session, member)
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
