"""A window's sale at the district: kept as a redemption (source "window:<device id>") and
logged for the card holder's phones (their savings page). The wire shape is `app.sale_wire`;
the sync handler that calls this is `district.sync.sale`.

Never lost: a serial the district does not know is stored with the flag "unknown_card".
Flagged, not refused: the card used at two windows of one spot on one day ("two_windows"), or
more than the daily limit at one spot ("over_limit"). The card's row is locked while checking,
so two windows' concurrent pushes of one card see each other. A sale with "override": true also
carries "override_by" and "override_reason" (the supervisor who let it through on stale lists,
and why): they go to the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sale_wire import WireSale
from district.feed import publish
from district.tables import Card
from district.windows.tables import Redemption

TWO_WINDOWS, OVER_LIMIT, UNKNOWN_CARD = "two_windows", "over_limit", "unknown_card"


def _flag(session: Session, sale: WireSale, card: Card | None, device_id: str,
          daily_limit: int) -> str | None:
    if card is None:
        return UNKNOWN_CARD
    earlier = list(session.scalars(select(Redemption).where(
        Redemption.card_serial == sale.serial, Redemption.spot_id == sale.spot_id,
        Redemption.day == sale.day)))
    if any(r.device_id is not None and r.device_id != device_id for r in earlier):
        return TWO_WINDOWS
    return OVER_LIMIT if len(earlier) + 1 > daily_limit else None


def store(session: Session, sale: WireSale, card: Card | None, device_id: str, daily_limit: int,
          now: int) -> Redemption:
    """Keep the sale as a redemption of its card (a serial the district does not know too)."""
    flag = _flag(session, sale, card, device_id, daily_limit)
    source = f"window:{device_id}"
    if card is not None:
        row = publish.record_redemption(session, card, sale.spot_id, sale.ticket_id,
                                        sale.list_fen, sale.paid_fen, sale.at, source)
    else:
        row = Redemption(member_id=None, family_id=None, card_serial=sale.serial,
                         spot_id=sale.spot_id, ticket_id=sale.ticket_id, list_fen=sale.list_fen,
                         paid_fen=sale.paid_fen, at=sale.at, source=source)
        session.add(row)
    row.sale_id, row.device_id, row.day, row.kind = (sale.sale_id, device_id, sale.day,
                                                     sale.kind)
    row.override, row.presentation_id, row.flag = sale.override, sale.presentation_id, flag
    row.sale_hash, row.prev_hash, row.received_at = sale.hash, sale.prev_hash, now
    session.flush()
    return row


def copy_of(row: Redemption) -> dict[str, Any]:
    return {"sale_id": row.sale_id, "redemption_id": row.id,
            "card_known": row.member_id is not None, "flag": row.flag}
