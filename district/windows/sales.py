"""A window's sale at the district: kept as a redemption (source "window:<device id>") and
logged for the card holder's phones (their savings page). The wire shape is `app.sale_wire`;
the sync handler that calls this is `district.sync.sale`.

Never lost: a serial the district does not know is stored with the flag "unknown_card"; a sale
that cannot be what the window says (a ticket the spot does not sell, a card of another kind, a
price that is not the ticket's, a time before the window was enrolled or ahead of the district's
clock) is kept for review with its reason and never counted as savings.
Flagged, not refused: a person (`app.person`: the member, or one family member — whichever of
their cards, phone or printed, was shown) served at two windows of one spot on one day
("two_windows"), or more than the daily limit at one spot ("over_limit"). Every card of the
member is locked while checking (`district.sync.sale.lock_cards`), so two windows' concurrent
pushes of one person's cards see each other. A sale with "override": true also
carries "override_by" and "override_reason" (the supervisor who let it through on stale lists,
and why): they go to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from app.models import CardKind, Rounding
from app.person import person_key
from app.prices import apply_rate
from app.sale_wire import WireSale
from district.feed import publish
from district.registry import people
from district.tables import Card, FamilyMember, Member, Ticket
from district.windows.tables import Redemption

TWO_WINDOWS, OVER_LIMIT, UNKNOWN_CARD = "two_windows", "over_limit", "unknown_card"
WRONG_TICKET, WRONG_KIND, WRONG_PRICE, WRONG_TIME = (
    "wrong_ticket", "wrong_kind", "wrong_price", "wrong_time")
IMPLAUSIBLE = (WRONG_TICKET, WRONG_KIND, WRONG_PRICE, WRONG_TIME)  # kept for review, not savings
CLOCK_TOLERANCE = 10 * 60  # how far a window's clock may run ahead of the district's


@dataclass(frozen=True)
class Window:
    """The window that reports the sale: its device, when it was enrolled, the spot's limit."""

    device_id: str
    enrolled_at: int
    daily_limit: int


def _price_for(ticket: Ticket, kind: str) -> int:
    rate = ticket.member_bp if kind == "member" else ticket.family_bp
    return apply_rate(ticket.list_fen, rate, Rounding(ticket.rounding))


def implausible(session: Session, sale: WireSale, card: Card | None, window: Window,
                now: int) -> str | None:
    """Why the sale cannot be what the window says — a ticket the spot does not sell, a family
    card at the member's deeper discount, a price that is not the ticket's for that kind, a time
    before the window was enrolled or ahead of the district's clock — or None when plausible."""
    ticket = session.get(Ticket, sale.ticket_id)
    if ticket is None or sale.spot_id not in ticket.spot_ids.split(";"):
        return WRONG_TICKET
    if card is not None and CardKind(card.kind) is CardKind.FAMILY and sale.kind == "member":
        return WRONG_KIND  # a family card sold at the member's deeper discount
    if (sale.list_fen, sale.paid_fen) != (ticket.list_fen, _price_for(ticket, sale.kind)):
        return WRONG_PRICE
    if not window.enrolled_at - CLOCK_TOLERANCE <= sale.at <= now + CLOCK_TOLERANCE:
        return WRONG_TIME
    return None


def _flag(session: Session, sale: WireSale, card: Card | None, device_id: str,
          daily_limit: int) -> str | None:
    if card is None:
        return UNKNOWN_CARD
    earlier = list(session.scalars(select(Redemption).where(
        _of_person(session, card), Redemption.spot_id == sale.spot_id,
        Redemption.day == sale.day)))
    if any(r.device_id is not None and r.device_id != device_id for r in earlier):
        return TWO_WINDOWS
    return OVER_LIMIT if len(earlier) + 1 > daily_limit else None


def _of_person(session: Session, card: Card) -> ColumnElement[bool]:
    """The redemptions of the card's person, with any of their cards: the member's own, or those
    of the member's family members with the same name and ID digits (as the window keys them)."""
    if card.family_id is None:
        return and_(Redemption.member_id == card.member_id, Redemption.family_id.is_(None))
    member = session.get_one(Member, card.member_id)
    family = session.get_one(FamilyMember, card.family_id)
    key = _family_key(member, family)
    same = [f.id for f in people.all_family(session, member) if _family_key(member, f) == key]
    return and_(Redemption.member_id == card.member_id, Redemption.family_id.in_(same))


def _family_key(member: Member, family: FamilyMember) -> str:
    return person_key(member.member_no, CardKind.FAMILY, family.name, family.id_last4)


def store(session: Session, sale: WireSale, card: Card | None, window: Window,
          now: int) -> Redemption:
    """Keep the sale as a redemption of its card (a serial the district does not know too). An
    implausible sale is kept for review only: it never reaches the member's savings."""
    wrong = implausible(session, sale, card, window, now)
    flag = wrong or _flag(session, sale, card, window.device_id, window.daily_limit)
    source = f"window:{window.device_id}"
    if card is not None and wrong is None:
        row = publish.record_redemption(session, card, sale.spot_id, sale.ticket_id,
                                        sale.list_fen, sale.paid_fen, sale.at, source)
    else:
        row = Redemption(member_id=card.member_id if card else None,
                         family_id=card.family_id if card else None, card_serial=sale.serial,
                         spot_id=sale.spot_id, ticket_id=sale.ticket_id, list_fen=sale.list_fen,
                         paid_fen=sale.paid_fen, at=sale.at, source=source)
        session.add(row)
    row.sale_id, row.device_id, row.day, row.kind = (sale.sale_id, window.device_id, sale.day,
                                                     sale.kind)
    row.override, row.presentation_id, row.flag = sale.override, sale.presentation_id, flag
    row.sale_hash, row.prev_hash, row.received_at = sale.hash, sale.prev_hash, now
    session.flush()
    return row


def copy_of(row: Redemption) -> dict[str, Any]:
    """What the window is told: its sale was received. Nothing about the card (a window must not
    learn which serials exist) nor how the district judged the sale (the console shows that)."""
    return {"sale_id": row.sale_id, "received": True}
