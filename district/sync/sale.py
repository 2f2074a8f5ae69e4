"""The sync handler of entity "sale": a window's sale (`app.sale_wire`), kept once by its sale
id as a redemption (`district.windows.sales`), flagged when it breaks a usage rule; a
supervisor's override goes to the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import WireChange
from app.sale_wire import WireSale
from district import audit
from district.phones import devices
from district.phones.tables import Device
from district.sync.handler import APPLIED, CONFLICT, DUPLICATE, Outcome, Pusher, rejected
from district.tables import Card
from district.windows import sales
from district.windows.tables import Redemption


def lock_cards(session: Session, changes: Sequence[WireChange]) -> None:
    """Lock, in serial order and before any sale runs, every card of each member whose card a
    batch of sales names: the usage rule counts a person, whichever of their cards (phone,
    printed, a replaced one) was shown, so the pushes of one person's two cards meet here."""
    serials = sorted({s.serial for s in (WireSale.parse(c.record_id, c.fields) for c in changes)
                      if s is not None})
    if serials:
        members = select(Card.member_id).where(Card.serial.in_(serials))
        session.execute(select(Card.serial).where(Card.member_id.in_(members))
                        .order_by(Card.serial).with_for_update())


def _refused(pusher: Pusher, change: WireChange) -> Outcome | None:
    if pusher.role != devices.WINDOW or pusher.spot_id is None:
        return rejected("forbidden", "只有景区窗口设备可以上报售票",
                        "only a window device reports sales")
    if change.op != "upsert":
        return rejected("unsupported_op", "售票记录不能删除", "a sale cannot be deleted")
    return None


def apply_sale(session: Session, pusher: Pusher, change: WireChange) -> Outcome:
    """Keep a window's sale once (by its sale id), flagged when it breaks a usage rule."""
    refused = _refused(pusher, change)
    sale = WireSale.parse(change.record_id, change.fields)
    if refused is not None or sale is None:
        return refused or rejected("invalid_fields", "售票记录的内容不完整或格式不对",
                                   "a sale's fields are missing or malformed")
    if sale.spot_id != pusher.spot_id:
        return rejected("wrong_spot", "这台窗口设备只能上报本景点的售票",
                        f"this window sells for {pusher.spot_id}, not {sale.spot_id}")
    before = session.scalars(select(Redemption).where(Redemption.sale_id == sale.sale_id)).first()
    if before is not None:
        same = before.device_id == pusher.device_id
        return Outcome(DUPLICATE if same else CONFLICT, server_copy=sales.copy_of(before),
                       reason=None if same else "sale_id_taken")
    card = session.scalars(select(Card).where(Card.serial == sale.serial).with_for_update()
                           ).first()
    device = session.get_one(Device, pusher.device_id)
    window = sales.Window(device.id, device.created_at, pusher.daily_limit)
    row = sales.store(session, sale, card, window, pusher.now)
    if sale.override:
        _audit_override(session, pusher, sale, change.fields)
    return Outcome(APPLIED, server_copy=sales.copy_of(row))


def _audit_override(session: Session, pusher: Pusher, sale: WireSale,
                    fields: dict[str, Any]) -> None:
    """A sale on stale lists let through by a supervisor: who and why, in the audit log."""
    who, why = fields.get("override_by"), fields.get("override_reason")
    audit.record(session, f"device:{pusher.device_id}", "sale.override", sale.sale_id,
                 {"supervisor": str(who or "")[:64], "reason": str(why or "")[:200],
                  "spot": sale.spot_id, "card": sale.serial, "at": sale.at}, pusher.now)
