"""Family cards (家属) as the member asks for them from the phone: request, approve, withdraw.

A request is pending until the district approves it (or at once, when automatic approval is on).
On approval the family card is issued bound to the member's phone key, so it appears on the
member's phone; a family member can also activate their own phone with an activation code.
Family members are numbered 1, 2, … per member in the order they were asked for
(`people.all_family`); a number never changes its person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit
from district.cards import issuance, lists
from district.cards.keyring import KeyRing
from district.errors import Conflict
from district.feed import publish
from district.phones import devices
from district.phones.tables import Device
from district.registry import people
from district.tables import Card, FamilyMember, Member

STATES = {people.PENDING: "pending", people.ACTIVE: "approved",
          people.WITHDRAWN: "withdrawn"}


@dataclass(frozen=True)
class FamilyState:
    """One family member as the member's phone and the console show it."""

    number: int
    name: str
    relation: str
    state: str
    card_serial: int | None


def number_of(session: Session, member: Member, family: FamilyMember) -> int:
    return [f.id for f in people.all_family(session, member)].index(family.id) + 1


def states(session: Session, member: Member) -> list[FamilyState]:
    """Every family member of the member with its state: pending, approved or withdrawn."""
    result = []
    for number, family in enumerate(people.all_family(session, member), 1):
        card = _valid_cards(session, family)
        result.append(FamilyState(number, family.name, family.relation,
                                  STATES.get(family.status, family.status),
                                  card[-1].serial if card else None))
    return result


def request_family(session: Session, keys: KeyRing, member_no: str, name: str, relation: str,
                   id_last4: str, *, actor: str, now: int, limit: int = 4,
                   auto_approve: bool = False) -> FamilyState:
    """The member asks for a family card; pending until approved (or approved at once). The
    member's row is locked first (from the API and from sync alike), so requests at once count
    one after another and never pass `limit`."""
    member = people.member_by_no(session, member_no, lock=True)
    family = people.add_family(session, member, name, relation, id_last4, now, limit,
                               status=people.PENDING)
    number = number_of(session, member, family)
    publish.family_changed(session, member, family, STATES[people.PENDING], None)
    audit.record(session, actor, "family.request", member_no,
                 {"family_no": number, "name": family.name, "relation": family.relation}, now)
    if auto_approve:
        approve_family(session, keys, member_no, number, "auto-approval", now)
    return states(session, member)[number - 1]


def approve_family(session: Session, keys: KeyRing, member_no: str, family_no: int, actor: str,
                   now: int) -> Card | None:
    """Approve a pending family request (console). The family card is issued bound to the
    member's phone when the member has activated one (else it comes with the activation)."""
    member = people.member_by_no(session, member_no)
    family = people.family_number(session, member, family_no)
    if family.status != people.PENDING:
        state = STATES.get(family.status, family.status)
        raise Conflict(f"这位家属的申请不在待批准状态（{_zh(state)}）",
                       f"family member {family_no} of {member_no} is {state}, not pending")
    family.status = people.ACTIVE
    audit.record(session, actor, "family.approve", member_no,
                 {"family_no": family_no, "name": family.name}, now)
    key = devices.member_phone_key(session, member)
    card = None if key is None else issuance.issue_card(
        session, keys, member, actor=actor, now=now, holder_key=key, family=family)
    publish.family_changed(session, member, family, STATES[people.ACTIVE],
                           card.serial if card else None)
    return card


def withdraw_family(session: Session, keys: KeyRing, member_no: str, family_no: int, actor: str,
                    now: int) -> list[int]:
    """Withdraw a family member (the member from the phone, or the console): their cards are
    revoked (one re-signed status list) and their own phone's token stops working."""
    member = people.member_by_no(session, member_no)
    family = people.family_number(session, member, family_no)
    if family.status == people.WITHDRAWN:
        raise Conflict("这位家属已经撤回", f"family member {family_no} is already withdrawn")
    family.status = people.WITHDRAWN
    cards = _valid_cards(session, family)
    for card in cards:
        card.status, card.revoked_at, card.revoke_reason = issuance.REVOKED, now, "withdrawn"
        publish.card_gone(session, card, "withdrawn")
        audit.record(session, actor, "card.revoke", str(card.serial), {"reason": "withdrawn"}, now)
    for device in session.scalars(select(Device).where(Device.family_id == family.id,
                                                       Device.revoked_at.is_(None))):
        device.revoked_at = now
    publish.family_changed(session, member, family, STATES[people.WITHDRAWN], None)
    audit.record(session, actor, "family.withdraw", member_no,
                 {"family_no": family_no, "cards": [c.serial for c in cards]}, now)
    session.flush()
    if cards:
        lists.sign_status(session, keys, now)
    return [c.serial for c in cards]


def _valid_cards(session: Session, family: FamilyMember) -> list[Card]:
    return list(session.scalars(select(Card).where(
        Card.family_id == family.id, Card.status == issuance.VALID).order_by(Card.serial)))


def _zh(state: str) -> str:
    return {"pending": "待批准", "approved": "已批准", "withdrawn": "已撤回"}.get(state, state)
