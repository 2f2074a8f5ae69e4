"""Printed static cards (no holder key) for members without a smartphone: QR text and PNG.

One valid printed card per person (the member, or one family member). Printing for someone who
holds one prints that same card again while it still says what a new card would (name, union,
ID digits, titles, town, a valid primary) and lasts at least `RENEW_BEFORE` more (or as long as
a new one would); otherwise a new card replaces it. 补办 (`replace_printed`) always makes a new
one. A replaced card is revoked and the status list signed again: its QR is refused as 已注销 at
every window that has synced since. The member's row, then the town's row, are locked before
the person's cards are looked at, so prints at once (two clerks, the CLI, two server instances)
still leave one valid printed card.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app.card import CardClaims, decode_claims
from app.cose import decode_sign1
from app.qrimage import render_png
from app.qrtext import encode_qr_text
from district.cards import issuance, keyring, lists
from district.cards.keyring import KeyRing
from district.errors import Conflict
from district.registry import people
from district.tables import Card, FamilyMember, Member

PRINT_EC = "Q"
RENEW_BEFORE = 30 * 86_400  # a printed card running out sooner is printed anew


@dataclass(frozen=True)
class Printed:
    """The person's printed card; `new` False when it is the card they held, printed again;
    `replaced` the printed cards a new one took over from (now revoked)."""

    card: Card
    new: bool
    replaced: tuple[int, ...] = ()


def static_card(session: Session, keys: KeyRing, member_no: str, family_no: int | None,
                actor: str, now: int, years: int = 3) -> Printed:
    """The printed card of the member, or of their family member number `family_no`."""
    member = people.member_by_no(session, member_no, lock=True)
    family = people.family_number(session, member, family_no) if family_no is not None else None
    return _print(session, keys, member, family, actor, now, years, renew=False)


def replace_printed(session: Session, keys: KeyRing, serial: int, actor: str, now: int,
                    years: int = 3) -> Printed:
    """补办 of a printed card: a new one for its person, and every printed card they held
    (this one too) revoked."""
    card = issuance.get_card(session, serial)
    member = session.get_one(Member, card.member_id)
    people.lock_member(session, member)
    session.refresh(card)  # as it is now that no one else changes the person's cards
    if card.status != issuance.VALID or card.holder_key is not None:
        raise Conflict(f"卡 {serial} 不是有效的纸质卡",
                       f"card {serial} is not a valid printed card")
    family = session.get(FamilyMember, card.family_id) if card.family_id else None
    return _print(session, keys, member, family, actor, now, years, renew=True)


def _print(session: Session, keys: KeyRing, member: Member, family: FamilyMember | None,
           actor: str, now: int, years: int, *, renew: bool) -> Printed:
    issuance.check_active(member, family)
    issuance.lock_town(session, member.town_id)
    held = issuance.printed_cards(session, member, family)
    if held and not renew and _current(session, held[0], member, family, now, years):
        keep, gone = held[0], held[1:]
    else:
        keep, gone = issuance.issue_card(session, keys, member, actor=actor, now=now,
                                         family=family, years=years), held
    for old in gone:
        issuance.retire(session, keys, old, keep, "replaced", actor, now)
    if gone:
        session.flush()
        lists.sign_status(session, keys, now)
    return Printed(keep, keep not in held, tuple(old.serial for old in gone))


def _current(session: Session, card: Card, member: Member, family: FamilyMember | None,
             now: int, years: int) -> bool:
    """Whether the printed card says what a new one would, with a valid primary, and lasts."""
    key = keyring.active_issuer(session, member.town_id)
    fresh = issuance.claims_for(session, key, member, family, now, years)
    held = decode_claims(decode_sign1(card.cose).payload)
    lasting = held.exp - now >= RENEW_BEFORE or held.exp >= fresh.exp
    return _person_part(held) == _person_part(fresh) and lasting and _primary_valid(session, held)


def _primary_valid(session: Session, claims: CardClaims) -> bool:
    if claims.primary_serial is None:
        return True
    primary = session.get(Card, claims.primary_serial)
    return primary is not None and primary.status == issuance.VALID


def _person_part(claims: CardClaims) -> CardClaims:
    return replace(claims, serial=0, iat=0, exp=0, holder_key=None, primary_serial=None)


def payload_text(card: Card) -> str:
    """The QR text of a static card: "UP1:" + base45 of the card's COSE bytes."""
    return encode_qr_text(card.cose)


def png(card: Card, box_size: int = 8) -> bytes:
    """The static card's QR code as PNG, error correction Q (SPEC §4: Q on print)."""
    return render_png(payload_text(card), error_correction=PRINT_EC, box_size=box_size)
