"""Domain records ↔ stored documents. The stored field names live here and nowhere else.

Bytes are stored as base64 text; enums as their values; money as integer fen.
"""

from __future__ import annotations

import base64
from typing import Any

from app.models import (
    CardKind,
    Change,
    FamilyMember,
    FamilyState,
    HeldCard,
    ParkedChange,
    Pinned,
    Redemption,
    Rounding,
    Settings,
    Spot,
    SyncMark,
    Ticket,
)

Doc = dict[str, Any]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _opt_b64(data: bytes | None) -> str | None:
    return None if data is None else b64(data)


def _opt_unb64(text: str | None) -> bytes | None:
    return None if text is None else unb64(text)


def card_to_doc(card: HeldCard) -> Doc:
    return {"serial": card.serial, "cose_b64": b64(card.cose), "received_at": card.received_at}


def card_from_doc(doc: Doc) -> HeldCard:
    return HeldCard(doc["serial"], unb64(doc["cose_b64"]), doc["received_at"])


def spot_to_doc(spot: Spot) -> Doc:
    return {
        "key": f"spot:{spot.id}",
        "type": "spot",
        "id": spot.id,
        "name": spot.name,
        "name_en": spot.name_en,
        "company": spot.company,
        "town": spot.town,
    }


def spot_from_doc(doc: Doc) -> Spot:
    return Spot(doc["id"], doc["name"], doc["name_en"], doc["company"], doc["town"])


def ticket_to_doc(ticket: Ticket) -> Doc:
    return {
        "key": f"ticket:{ticket.id}",
        "type": "ticket",
        "id": ticket.id,
        "name": ticket.name,
        "name_en": ticket.name_en,
        "spot_ids": list(ticket.spot_ids),
        "list_fen": ticket.list_fen,
        "member_bp": ticket.member_bp,
        "family_bp": ticket.family_bp,
        "group_bp": ticket.group_bp,
        "rounding_fen": int(ticket.rounding),
    }


def ticket_from_doc(doc: Doc) -> Ticket:
    return Ticket(
        id=doc["id"],
        name=doc["name"],
        name_en=doc["name_en"],
        spot_ids=tuple(doc["spot_ids"]),
        list_fen=doc["list_fen"],
        member_bp=doc["member_bp"],
        family_bp=doc["family_bp"],
        group_bp=doc["group_bp"],
        rounding=Rounding(doc["rounding_fen"]),
    )


def redemption_to_doc(r: Redemption) -> Doc:
    return {
        "id": r.id,
        "serial": r.serial,
        "spot_id": r.spot_id,
        "ticket_id": r.ticket_id,
        "ticket_name": r.ticket_name,
        "kind": int(r.kind),
        "list_fen": r.list_fen,
        "charged_fen": r.charged_fen,
        "at": r.at,
    }


def redemption_from_doc(doc: Doc) -> Redemption:
    return Redemption(
        id=doc["id"],
        serial=doc["serial"],
        spot_id=doc["spot_id"],
        ticket_id=doc["ticket_id"],
        ticket_name=doc["ticket_name"],
        kind=CardKind(doc["kind"]),
        list_fen=doc["list_fen"],
        charged_fen=doc["charged_fen"],
        at=doc["at"],
    )


def pinned_to_doc(pinned: Pinned) -> Doc:
    return {
        "name": "pinned",
        "root_public_key_b64": b64(pinned.root_public_key),
        "trust_list_b64": _opt_b64(pinned.trust_list),
        "status_list_b64": _opt_b64(pinned.status_list),
    }


def pinned_from_doc(doc: Doc) -> Pinned:
    return Pinned(
        root_public_key=unb64(doc["root_public_key_b64"]),
        trust_list=_opt_unb64(doc["trust_list_b64"]),
        status_list=_opt_unb64(doc["status_list_b64"]),
    )


def settings_to_doc(settings: Settings) -> Doc:
    return {
        "name": "settings",
        "language": settings.language,
        "server_url": settings.server_url,
        "extra": dict(settings.extra),
        "elder_mode": settings.elder_mode,
    }


def settings_from_doc(doc: Doc) -> Settings:
    """Settings saved before 长辈模式 existed have no "elder_mode": off."""
    return Settings(doc["language"], doc["server_url"], dict(doc["extra"]),
                    bool(doc.get("elder_mode", False)))


def device_key_to_doc(private_raw: bytes) -> Doc:
    return {"name": "device", "private_b64": b64(private_raw)}


def device_key_from_doc(doc: Doc) -> bytes:
    return unb64(doc["private_b64"])


def family_member_to_doc(m: FamilyMember) -> Doc:
    return {"number": m.number, "name": m.name, "relation": m.relation, "state": m.state.value,
            "serial": m.serial}


def family_member_from_doc(doc: Doc) -> FamilyMember:
    return FamilyMember(doc["number"], doc["name"], doc["relation"], FamilyState(doc["state"]),
                        doc["serial"])


def change_to_doc(slot: int, change: Change, parked: ParkedChange | None = None) -> Doc:
    """An outbox entry: `slot` stays while a re-numbered change replaces the one it held."""
    return {"slot": slot, "change_id": change.change_id, "seq": change.seq,
            "entity": change.entity, "record_id": change.record_id, "op": change.op,
            "base_version": change.base_version, "schema": change.schema,
            "fields": dict(change.fields), "made_at": change.made_at,
            "parked": None if parked is None else {
                "reason": parked.reason, "message": parked.message,
                "message_en": parked.message_en}}


def change_from_doc(doc: Doc) -> Change:
    return Change(doc["change_id"], doc["seq"], doc["entity"], doc["record_id"], doc["op"],
                  doc["base_version"], doc["schema"], dict(doc["fields"]), doc["made_at"])


def parked_from_doc(doc: Doc) -> ParkedChange:
    why = doc["parked"]
    return ParkedChange(change_from_doc(doc), why["reason"], why["message"], why["message_en"])


def sent_to_doc(slot: int, change: Change, at: int) -> Doc:
    """An acknowledged change kept to be sent again after a restore of the district."""
    return {**change_to_doc(slot, change), "sent_at": at}


def sync_mark_to_doc(mark: SyncMark) -> Doc:
    return {"name": "cursor", "cursor": mark.cursor, "synced_at": mark.synced_at,
            "generation": mark.generation, "stale": sorted([e, r] for e, r in mark.stale)}


def sync_mark_from_doc(doc: Doc) -> SyncMark:
    return SyncMark(doc["cursor"], doc["synced_at"], doc["generation"],
                    frozenset((str(e), str(r)) for e, r in doc["stale"]))
