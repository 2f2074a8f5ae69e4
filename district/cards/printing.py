"""Printed static cards (no holder key) for members without a smartphone: QR text and PNG."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.qrimage import render_png
from app.qrtext import encode_qr_text
from district.cards.issuance import issue_card
from district.cards.keyring import KeyRing
from district.registry import people
from district.tables import Card

PRINT_EC = "Q"


def static_card(session: Session, keys: KeyRing, member_no: str, family_no: int | None,
                actor: str, now: int, years: int = 3) -> Card:
    """Issue a printed card for the member, or for their family member number `family_no`."""
    member = people.member_by_no(session, member_no)
    family = people.family_number(session, member, family_no) if family_no is not None else None
    return issue_card(session, keys, member, actor=actor, now=now, family=family, years=years)


def payload_text(card: Card) -> str:
    """The QR text of a static card: "UP1:" + base45 of the card's COSE bytes."""
    return encode_qr_text(card.cose)


def png(card: Card, box_size: int = 8) -> bytes:
    """The static card's QR code as PNG, error correction Q (SPEC §4: Q on print)."""
    return render_png(payload_text(card), error_correction=PRINT_EC, box_size=box_size)
