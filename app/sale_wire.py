"""A window's sale as it travels to the district: sync entity "sale", schema 1, op "upsert",
record id = the sale id (32 hex). The window builds it with `WireSale.of`; the district reads
it with `WireSale.parse`, which refuses anything malformed. Fields::

    {"serial": 100001, "kind": "member" | "family", "spot_id": "mudu", "ticket_id": "mudu-4",
     "list_fen": 7800, "paid_fen": 3978, "at": <unix s, window clock>, "day": china_day(at),
     "presentation_id": "<hex>" | null, "override": false, "hash": "<hex>", "prev_hash": "<hex>",
     "seq": 7}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.chinatime import china_day
from app.models import Sale
from app.sales import KIND_NAMES
from app.text_rules import INT32_MAX, INT64_MAX, has_control_characters, in_int64

SALE_ENTITY = "sale"
KINDS = tuple(KIND_NAMES.values())
SALE_ID = re.compile(r"[0-9a-f]{32}")
HEX = re.compile(r"[0-9a-fA-F]{1,128}")


@dataclass(frozen=True)
class WireSale:
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
    seq: int | None = None

    @classmethod
    def of(cls, sale: Sale) -> WireSale:
        return cls(sale.id, sale.serial, KIND_NAMES[sale.kind], sale.spot_id, sale.ticket_id,
                   sale.list_fen, sale.paid_fen, sale.at, sale.day, sale.presentation_id,
                   sale.override, sale.hash, sale.prev_hash, sale.seq)

    def fields(self) -> dict[str, Any]:
        """What the district gets (everything but the sale id, which is the record id)."""
        return {"serial": self.serial, "kind": self.kind, "spot_id": self.spot_id,
                "ticket_id": self.ticket_id, "list_fen": self.list_fen,
                "paid_fen": self.paid_fen, "at": self.at, "day": self.day,
                "presentation_id": self.presentation_id, "override": self.override,
                "hash": self.hash, "prev_hash": self.prev_hash, "seq": self.seq}

    @classmethod
    def parse(cls, record_id: str, fields: dict[str, Any]) -> WireSale | None:
        """The sale, or None when a field is missing or malformed."""
        try:
            return _sale(record_id, fields)
        except _Malformed:
            return None


def sale_fields(sale: Sale) -> dict[str, Any]:
    """A window's sale as the district gets it."""
    return WireSale.of(sale).fields()


class _Malformed(ValueError):
    """A field is missing or malformed."""


def _int(fields: dict[str, Any], name: str, highest: int = INT64_MAX) -> int:
    value = fields.get(name)
    if not isinstance(value, int) or not in_int64(value) or value > highest:
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
    if (not isinstance(value, str) or not 0 < len(value.strip()) <= 32
            or has_control_characters(value)):
        raise _Malformed(name)
    return value.strip()


def _seq(fields: dict[str, Any]) -> int | None:
    value = fields.get("seq")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sale(record_id: str, fields: dict[str, Any]) -> WireSale:
    serial, at, day = (_int(fields, n) for n in ("serial", "at", "day"))
    list_fen, paid_fen = (_int(fields, n, INT32_MAX) for n in ("list_fen", "paid_fen"))
    kind, override = fields.get("kind"), fields.get("override", False)
    if (paid_fen > list_fen or day != china_day(at) or kind not in KINDS
            or not isinstance(override, bool) or not SALE_ID.fullmatch(record_id)):
        raise _Malformed("sale")
    return WireSale(record_id, serial, str(kind), _text(fields, "spot_id"),
                    _text(fields, "ticket_id"), list_fen, paid_fen, at, day,
                    _hex(fields, "presentation_id", optional=True), override,
                    str(_hex(fields, "hash", optional=False)),
                    _hex(fields, "prev_hash", optional=True), _seq(fields))
