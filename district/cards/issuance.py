"""Issuing, replacing and revoking cards (SPEC §4): serials per town, never reused.

Every card is signed by its town's current issuer key; every revocation re-signs the status
list. The status list covers every town's whole serial range, so issuing never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from app.card import CardClaims
from app.card import issue_card as sign_card
from app.models import CardKind
from district import audit
from district.cards import lists
from district.cards.keyring import YEAR, KeyRing
from district.errors import Conflict, NotFound
from district.feed import publish
from district.registry import people
from district.tables import Card, FamilyMember, Member, SignedList, SigningKey, Town, Union

CARDS = cast(Table, Card.__table__)
VALID, REVOKED = "valid", "revoked"


def allocate_serials(session: Session, town_id: str, count: int) -> range:
    """`count` consecutive serials from the town's range; the counter row is updated atomically."""
    after = session.execute(
        update(Town).where(Town.id == town_id, Town.next_serial + count - 1 <= Town.serial_hi)
        .values(next_serial=Town.next_serial + count).returning(Town.next_serial)).scalar()
    if after is None:
        town = session.get(Town, town_id)
        if town is None:
            raise NotFound(f"没有这个镇：{town_id}", f"no such town: {town_id}")
        raise Conflict(f"{town.name}的卡号段已用完", f"the serial range of {town_id} is used up")
    return range(int(after) - count, int(after))


def _base_claims(member: Member, union: Union, key: SigningKey, now: int, years: int,
                 serial: int = 0) -> CardClaims:
    """The member's own card; titles (蓝领之星, 劳动模范) belong to the member alone."""
    return CardClaims(serial=serial, kind=CardKind.MEMBER, name=member.name,
                      member_no=member.member_no, union=union.name, id_last4=member.id_last4,
                      issuer_id=member.town_id,
                      iat=now, exp=min(now + years * YEAR, key.not_after),
                      titles=member.title_list)


def check_active(member: Member, family: FamilyMember | None) -> None:
    if member.status != people.ACTIVE:
        raise Conflict(f"会员 {member.member_no} 状态为 {member.status}，不能发卡",
                       f"member {member.member_no} is {member.status}: no card can be issued")
    if family is not None and (family.member_id != member.id or family.status != people.ACTIVE):
        raise Conflict("这位家属不属于该会员或已撤回", "that family member is not this member's")


def member_card(session: Session, member: Member) -> Card:
    """The member's newest valid own card (the primary of family cards)."""
    card = session.scalars(select(Card).where(
        Card.member_id == member.id, Card.kind == int(CardKind.MEMBER), Card.status == VALID)
        .order_by(Card.serial.desc()).limit(1)).first()
    if card is None:
        raise Conflict(f"会员 {member.member_no} 本人还没有有效的卡，请先为本人发卡",
                       f"member {member.member_no} has no valid card: issue the member's first")
    return card


def claims_for(session: Session, key: SigningKey, member: Member, family: FamilyMember | None,
               now: int, years: int) -> CardClaims:
    """What a card issued now for the member (or one of their family) certifies (serial 0)."""
    claims = _base_claims(member, people.union_of(session, member), key, now, years)
    if family is not None:  # the family member's card: their name, none of the member's titles
        claims = replace(claims, kind=CardKind.FAMILY, name=family.name, id_last4=family.id_last4,
                         relation=family.relation, titles=(),
                         primary_serial=member_card(session, member).serial)
    return claims


def issue_card(session: Session, keys: KeyRing, member: Member, *, actor: str, now: int,
               holder_key: bytes | None = None, family: FamilyMember | None = None,
               years: int = 3) -> Card:
    """One card for the member (or one of their family), bound to `holder_key` if given."""
    check_active(member, family)
    key, pair = keys.issuer(session, member.town_id)
    claims = claims_for(session, key, member, family, now, years)
    serial = allocate_serials(session, member.town_id, 1)[0]
    claims = replace(claims, serial=serial, holder_key=holder_key)
    card = Card(**_row(claims, sign_card(claims, pair), member, family, key))
    session.add(card)
    session.flush()
    publish.card_issued(session, card)
    audit.record(session, actor, "card.issue", str(serial),
                 {"member_no": member.member_no, "kind": claims.kind.name.lower(),
                  "static": holder_key is None, "kid": key.kid.hex()}, now)
    return card


def _row(claims: CardClaims, cose: bytes, member: Member, family: FamilyMember | None,
         key: SigningKey) -> dict[str, Any]:
    return {"serial": claims.serial, "member_id": member.id,
            "family_id": family.id if family else None, "kind": int(claims.kind),
            "primary_serial": claims.primary_serial, "town_id": member.town_id,
            "issuer_kid": key.kid, "holder_key": claims.holder_key, "issued_at": claims.iat,
            "exp": claims.exp, "status": VALID, "cose": cose}


def _town_batch(session: Session, keys: KeyRing, members: Sequence[Member],
                unions: dict[int, Union], now: int, years: int) -> list[dict[str, Any]]:
    key, pair = keys.issuer(session, members[0].town_id)
    serials = allocate_serials(session, members[0].town_id, len(members))
    rows = []
    for member, serial in zip(members, serials, strict=True):
        claims = _base_claims(member, unions[member.union_id], key, now, years, serial)
        rows.append(_row(claims, sign_card(claims, pair), member, None, key))
    return rows


def issue_member_cards(session: Session, keys: KeyRing, members: Sequence[Member], *,
                       actor: str, now: int, years: int = 3) -> list[int]:
    """Printed member cards for many members at once (bulk insert); returns the serials. A
    member who already holds a valid printed card keeps it and gets no second one."""
    for member in members:
        check_active(member, None)
    unions = {u.id: u for u in session.scalars(select(Union))}
    by_town: dict[str, list[Member]] = {}
    for member in members:
        by_town.setdefault(member.town_id, []).append(member)
    serials: list[int] = []
    for town_id, everyone in sorted(by_town.items()):
        lock_town(session, town_id)
        holding = _holding_printed(session, town_id)
        group = [m for m in everyone if m.id not in holding]
        if not group:
            continue
        rows = _town_batch(session, keys, group, unions, now, years)
        for start in range(0, len(rows), 5000):
            session.execute(insert(CARDS), rows[start:start + 5000])
        serials.extend(r["serial"] for r in rows)
        audit.record(session, actor, "card.issue_batch", town_id,
                     {"count": len(rows), "first": rows[0]["serial"],
                      "last": rows[-1]["serial"]}, now)
    return serials


def _holding_printed(session: Session, town_id: str) -> set[int]:
    """The members of the town who hold a valid printed card of their own."""
    return set(session.scalars(select(Card.member_id).join(Member, Card.member_id == Member.id)
                               .where(Member.town_id == town_id, Card.family_id.is_(None),
                                      Card.holder_key.is_(None), Card.status == VALID)))


def get_card(session: Session, serial: int) -> Card:
    card = session.get(Card, serial)
    if card is None:
        raise NotFound(f"没有这张卡：{serial}", f"no card with serial {serial}")
    return card


def _mark_revoked(session: Session, card: Card, reason: str, actor: str, now: int) -> None:
    if card.status != VALID:
        raise Conflict(f"卡 {card.serial} 已注销", f"card {card.serial} is already {card.status}")
    card.status, card.revoked_at, card.revoke_reason = REVOKED, now, reason
    publish.card_gone(session, card, reason)
    audit.record(session, actor, "card.revoke", str(card.serial), {"reason": reason}, now)


def revoke(session: Session, keys: KeyRing, serial: int, reason: str, actor: str,
           now: int) -> SignedList:
    """Revoke a card and re-sign the status list; returns the new signed status list."""
    _mark_revoked(session, get_card(session, serial), reason, actor, now)
    session.flush()
    return lists.sign_status(session, keys, now)


def replace_card(session: Session, keys: KeyRing, serial: int, holder_key: bytes | None,
                 actor: str, now: int) -> Card:
    """补办: a new card for the same person; the old one is revoked and points at the new
    (`retire`), and the status list is signed again."""
    old = get_card(session, serial)
    member = session.get_one(Member, old.member_id)
    family = session.get(FamilyMember, old.family_id) if old.family_id else None
    _mark_revoked(session, old, "replaced", actor, now)
    new = issue_card(session, keys, member, actor=actor, now=now, holder_key=holder_key,
                     family=family)
    _hand_over(session, keys, old, new, actor, now)
    session.flush()
    lists.sign_status(session, keys, now)
    return new


def retire(session: Session, keys: KeyRing, old: Card, new: Card, reason: str, actor: str,
           now: int) -> None:
    """`new` takes over from `old`: old is revoked (with `reason`) and points at new. The caller
    signs the status list again.

    When old is a member's own card, the family cards that named it as primary are re-issued;
    those shown from the member's old phone (bound to old's key) move to new's key."""
    _mark_revoked(session, old, reason, actor, now)
    _hand_over(session, keys, old, new, actor, now)


def _hand_over(session: Session, keys: KeyRing, old: Card, new: Card, actor: str,
               now: int) -> None:
    old.replaced_by = new.serial
    if old.family_id is not None:
        return
    member = session.get_one(Member, old.member_id)
    dependants = session.scalars(select(Card).where(Card.primary_serial == old.serial,
                                                    Card.status == VALID)).all()
    for dependant in dependants:
        _mark_revoked(session, dependant, "primary replaced", actor, now)
        again = issue_card(session, keys, member, actor=actor, now=now,
                           holder_key=_follow(dependant.holder_key, old.holder_key,
                                              new.holder_key),
                           family=session.get(FamilyMember, dependant.family_id or 0))
        dependant.replaced_by = again.serial


def printed_cards(session: Session, member: Member, family: FamilyMember | None) -> list[Card]:
    """The person's valid printed (static) cards, newest first."""
    whose = Card.family_id.is_(None) if family is None else Card.family_id == family.id
    return list(session.scalars(select(Card).where(
        Card.member_id == member.id, whose, Card.holder_key.is_(None), Card.status == VALID)
        .order_by(Card.serial.desc())))


def lock_town(session: Session, town_id: str) -> None:
    """Lock the town's row (its serial counter) until the transaction ends: whoever prints
    cards of the town's members takes it before looking at the cards they hold."""
    session.execute(select(Town.id).where(Town.id == town_id).with_for_update())


def _follow(key: bytes | None, old_key: bytes | None, new_key: bytes | None) -> bytes | None:
    """A family card on the member's old phone goes to the new phone; others keep their key."""
    return new_key if key is not None and key == old_key else key
