"""What a member's phone must see, as change-log entries (`district.feed.changelog`).

Called where the change happens: cards issued, replaced and revoked (`district.cards.issuance`,
`district.phones.devices`, `district.phones.family`), family requests approved and withdrawn
(`district.phones.family`), the spots and tickets (`district.cli.demo`), and redemptions.
A card goes to its member's scope, and a family card also to its family member's scope (their
own phone); spots and tickets go to the public scope.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CardKind
from district.feed.changelog import (
    PUBLIC,
    TOMBSTONE,
    UPSERT,
    family_scope,
    log_change,
    member_scope,
    spot_scope,
)
from district.registry import people
from district.tables import Card, FamilyMember, Member, Spot, Ticket
from district.windows.tables import Redemption

CARD, FAMILY, SPOT, TICKET, REDEMPTION = "card", "family", "spot", "ticket", "redemption"
RULE = "rule"


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _card_scopes(card: Card) -> list[str]:
    scopes = [member_scope(card.member_id)]
    if card.family_id is not None:
        scopes.append(family_scope(card.family_id))
    return scopes


def card_fields(card: Card) -> dict[str, Any]:
    return {"serial": card.serial, "kind": CardKind(card.kind).name.lower(),
            "exp": card.exp, "issued_at": card.issued_at, "family_id": card.family_id,
            "primary_serial": card.primary_serial, "holder_key": _b64(card.holder_key),
            "printed": card.holder_key is None, "cose": _b64(card.cose)}


def card_issued(session: Session, card: Card) -> None:
    """A new card (first issue, renewal or replacement) for the phones of its person."""
    for scope in _card_scopes(card):
        log_change(session, scope, CARD, str(card.serial), UPSERT, fields=card_fields(card))


def card_gone(session: Session, card: Card, reason: str) -> None:
    """A card revoked (replaced, withdrawn, lost phone): a tombstone with the reason."""
    for scope in _card_scopes(card):
        log_change(session, scope, CARD, str(card.serial), TOMBSTONE, fields={"reason": reason})


def family_changed(session: Session, member: Member, family: FamilyMember, state: str,
                   card_serial: int | None) -> None:
    """A family member's state (pending, approved, withdrawn) for the member's phone."""
    number = [f.id for f in people.all_family(session, member)].index(family.id) + 1
    family_entry(session, member, number, family.name, family.relation, state, card_serial)


def family_entry(session: Session, member: Member, number: int, name: str, relation: str,
                 state: str, card_serial: int | None) -> None:
    """Family member `number`'s state for the member's phone (record id = the number)."""
    log_change(session, member_scope(member.id), FAMILY, str(number), UPSERT,
               fields={"number": number, "name": name, "relation": relation, "state": state,
                       "card_serial": card_serial})


def catalog_published(session: Session) -> int:
    """Every spot and ticket as it is now, for every phone (the public scope)."""
    spots = list(session.scalars(select(Spot).order_by(Spot.id)))
    for spot in spots:
        log_change(session, PUBLIC, SPOT, spot.id, UPSERT, fields={
            "id": spot.id, "name": spot.name, "name_en": spot.name_en, "company": spot.company,
            "town": spot.town})
    tickets = list(session.scalars(select(Ticket).order_by(Ticket.id)))
    for ticket in tickets:
        log_change(session, PUBLIC, TICKET, ticket.id, UPSERT, fields={
            "id": ticket.id, "name": ticket.name, "name_en": ticket.name_en,
            "spot_ids": [s for s in ticket.spot_ids.split(";") if s],
            "list_fen": ticket.list_fen, "member_bp": ticket.member_bp,
            "family_bp": ticket.family_bp, "group_bp": ticket.group_bp,
            "rounding": ticket.rounding})
    return len(spots) + len(tickets)


def record_redemption(session: Session, card: Card, spot_id: str, ticket_id: str,
                      list_fen: int, paid_fen: int, at: int, source: str) -> Redemption:
    """A discounted purchase with `card`: stored, and logged for its person's phones."""
    row = Redemption(member_id=card.member_id, family_id=card.family_id,
                     card_serial=card.serial, spot_id=spot_id, ticket_id=ticket_id,
                     list_fen=list_fen, paid_fen=paid_fen, at=at, source=source)
    session.add(row)
    session.flush()
    fields = {"id": row.id, "card_serial": card.serial, "spot_id": spot_id,
              "ticket_id": ticket_id, "list_fen": list_fen, "paid_fen": paid_fen,
              "saved_fen": list_fen - paid_fen, "at": at}
    for scope in _card_scopes(card):
        log_change(session, scope, REDEMPTION, str(row.id), UPSERT, fields=fields)
    return row


def spot_rule(session: Session, spot_id: str, daily_limit: int) -> None:
    """The usage rule of a spot (SPEC §5) for its windows: discounted tickets per card per spot
    per day. Logged at each window's enrollment and when the server starts (the log keeps only
    the newest, so a changed `UNIONPASS_DAILY_LIMIT` reaches every window by its next sync)."""
    log_change(session, spot_scope(spot_id), RULE, spot_id, UPSERT,
               fields={"spot_id": spot_id, "daily_limit": daily_limit})
