"""Every record a device may push, as one registry `{entity: Handler}` for `district.sync.push`:
`family_request` from a member's phone, `sale` from a scenic spot's window, `cadre_record`
from a cadre's phone. New kinds of records join here."""

from __future__ import annotations

from app.cadre_wire import RECORD
from district.sync import cadre_record, family_request, sale
from district.sync.handler import Handler

HANDLERS: dict[str, Handler] = {"family_request": Handler(1, family_request.family_request),
                                "sale": Handler(1, sale.apply_sale, sale.lock_cards),
                RECORD: Handler(1, cadre_record.cadre_record)}
