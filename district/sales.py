"""A window's sale, pushed by sync as entity "sale" (schema 1, op "upsert") from window devices.

record id = the window's sale id (32 hex); fields::

    {"serial": 100001, "kind": "member" | "family", "spot_id": "mudu", "ticket_id": "mudu-4",
     "list_fen": 7800, "paid_fen": 3978, "at": <unix s, window clock>, "day": (at+28800)//86400,
     "presentation_id": "<hex>" | null, "override": false, "hash": "<hex>", "prev_hash": "<hex>"}

A sale with "override": true also carries "override_by" and "override_reason" (the supervisor
who let it through on stale lists, and why): they go to the audit log.

It is kept as a redemption (source "window:<device id>") and logged for the card holder's
phones (their savings page). Never lost: a serial the district does not know is stored with the
flag "unknown_card". Flagged, not refused: the card used at two windows of one spot on one day
("two_windows"), or more than the daily limit at one spot ("over_limit"). The card's row is
locked while checking, so two windows' concurrent pushes of one card see each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit, devices, sync_feed
from district.sync_push import APPLIED, CONFLICT, DUPLICATE, Change, Outcome, Pusher, rejected
from district.sync_tables import Redemption
from district.tables import Card

DAY, CHINA_OFFSET = 86_400, 8 * 3600
KINDS = ("member", "family")
SALE_ID = re.compile(r"[0-9a-f]{32}")
HEX = re.compile(r"[0-9a-fA-F]{1,128}")
TWO_WINDOWS, OVER_LIMIT, UNKNOWN_CARD = "two_windows", "over_limit", "unknown_card"


def business_day(at: int) -> int:
    """The China business day number of a moment (days since 1970-01-01, UTC+8)."""
    return (at + CHINA_OFFSET) // DAY


@dataclass(frozen=True)
class Sale:
    sale_id: str
    serial: int
    kind: str
    spot_id: str
    ticket_id: str
    list_fen: int
    paid_fen: int
    at: int
    day: int
    presentation_id: str | None
    override: bool
    hash: str
    prev_hash: str | None


class _Malformed(ValueError):
    """A field is missing or malformed."""


def _int(fields: dict[str, Any], name: str) -> int:
    value = fields.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Malformed(name)
    return value


def _hex(fields: dict[str, Any], name: str, optional: bool) -> str | None:
    value = fields.get(name)
    if optional and value in (None, ""):
        return None
    if not isinstance(value, str) or not HEX.fullmatch(value):
        raise _Malformed(name)
    return value.lower()


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not 0 < len(value.strip()) <= 32:
        raise _Malformed(name)
    return value.strip()


def _sale(record_id: str, fields: dict[str, Any]) -> Sale:
    serial, list_fen, paid_fen, at, day = (_int(fields, n) for n in (
        "serial", "list_fen", "paid_fen", "at", "day"))
    kind, override = fields.get("kind"), fields.get("override", False)
    if (paid_fen > list_fen or day != business_day(at) or kind not in KINDS
            or not isinstance(override, bool) or not SALE_ID.fullmatch(record_id)):
        raise _Malformed("sale")
    return Sale(record_id, serial, str(kind), _text(fields, "spot_id"),
                _text(fields, "ticket_id"), list_fen, paid_fen, at, day,
                _hex(fields, "presentation_id", optional=True), override,
                str(_hex(fields, "hash", optional=False)),
                _hex(fields, "prev_hash", optional=True))


def parse(record_id: str, fields: dict[str, Any]) -> Sale | None:
    """The sale, or None when a field is missing or malformed."""
    try:
        return _sale(record_id, fields)
    except _Malformed:
        return None


def _flag(session: Session, sale: Sale, card: Card | None, pusher: Pusher) -> str | None:
    if card is None:
        return UNKNOWN_CARD
    earlier = list(session.scalars(select(Redemption).where(
        Redemption.card_serial == sale.serial, Redemption.spot_id == sale.spot_id,
        Redemption.day == sale.day)))
    if any(r.device_id is not None and r.device_id != pusher.device_id for r in earlier):
        return TWO_WINDOWS
    return OVER_LIMIT if len(earlier) + 1 > pusher.daily_limit else None


def _store(session: Session, sale: Sale, card: Card | None, pusher: Pusher) -> Redemption:
    flag = _flag(session, sale, card, pusher)
    source = f"window:{pusher.device_id}"
    if card is not None:
        row = sync_feed.record_redemption(session, card, sale.spot_id, sale.ticket_id,
                                          sale.list_fen, sale.paid_fen, sale.at, source)
    else:
        row = Redemption(member_id=None, family_id=None, card_serial=sale.serial,
                         spot_id=sale.spot_id, ticket_id=sale.ticket_id, list_fen=sale.list_fen,
                         paid_fen=sale.paid_fen, at=sale.at, source=source)
        session.add(row)
    row.sale_id, row.device_id, row.day, row.kind = (sale.sale_id, pusher.device_id, sale.day,
                                                     sale.kind)
    row.override, row.presentation_id, row.flag = sale.override, sale.presentation_id, flag
    row.sale_hash, row.prev_hash, row.received_at = sale.hash, sale.prev_hash, pusher.now
    session.flush()
    return row


def copy_of(row: Redemption) -> dict[str, Any]:
    return {"sale_id": row.sale_id, "redemption_id": row.id,
            "card_known": row.member_id is not None, "flag": row.flag}


def _refused(pusher: Pusher, change: Change) -> Outcome | None:
    if pusher.role != devices.WINDOW or pusher.spot_id is None:
        return rejected("forbidden", "只有景区窗口设备可以上报售票",
                        "only a window device reports sales")
    if change.op != "upsert":
        return rejected("unsupported_op", "售票记录不能删除", "a sale cannot be deleted")
    return None


def apply_sale(session: Session, pusher: Pusher, change: Change) -> Outcome:
    """Keep a window's sale once (by its sale id), flagged when it breaks a usage rule."""
    refused = _refused(pusher, change)
    sale = parse(change.record_id, change.fields)
    if refused is not None or sale is None:
        return refused or rejected("invalid_fields", "售票记录的内容不完整或格式不对",
                                   "a sale's fields are missing or malformed")
    if sale.spot_id != pusher.spot_id:
        return rejected("wrong_spot", "这台窗口设备只能上报本景点的售票",
                        f"this window sells for {pusher.spot_id}, not {sale.spot_id}")
    before = session.scalars(select(Redemption).where(Redemption.sale_id == sale.sale_id)).first()
    if before is not None:
        same = before.device_id == pusher.device_id
        return Outcome(DUPLICATE if same else CONFLICT, server_copy=copy_of(before),
                       reason=None if same else "sale_id_taken")
    card = session.scalars(select(Card).where(Card.serial == sale.serial).with_for_update()
                           ).first()
    row = _store(session, sale, card, pusher)
    if sale.override:
        _audit_override(session, pusher, sale, change.fields)
    return Outcome(APPLIED, server_copy=copy_of(row))


def _audit_override(session: Session, pusher: Pusher, sale: Sale,
                    fields: dict[str, Any]) -> None:
    """A sale on stale lists let through by a supervisor: who and why, in the audit log."""
    who, why = fields.get("override_by"), fields.get("override_reason")
    audit.record(session, f"device:{pusher.device_id}", "sale.override", sale.sale_id,
                 {"supervisor": str(who or "")[:64], "reason": str(why or "")[:200],
                  "spot": sale.spot_id, "card": sale.serial, "at": sale.at}, pusher.now)
