"""What a member's phone does with each entry pulled from the district (`app.sync.Applier`).

- "card": kept only if bound to this phone's key and it passes a window's checks against the
  pinned lists (a family card bound to the family member's own phone is not for this one);
  a tombstone removes it.
- "spot", "ticket": merged into the catalogue by id; a tombstone removes one.
- "redemption": a discounted purchase for the savings page (same id → replaced).
- "family": the family member's state, kept by number (the family page shows it).
- "rule": a spot's usage rule for its windows (`daily_limit`: discounted tickets per card per
  spot per day), kept in the settings;
- "list": a newly signed trust or status list; pinned if the pinned root signed it and it is
  newer than the one held (so cards from a rotated issuer key check out, revocations show).
Every entry may arrive twice (a crash before the cursor was saved): each step is idempotent.
After the district is restored from a backup, `held` names the cards, family states,
purchases, spots and tickets kept here, and `forget` drops those the restored district does not
send again (lists and rules are only ever replaced).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.district_answers import check_card, open_lists
from app.district_errors import ActivationRefused
from app.models import (
    CardKind,
    Change,
    FamilyMember,
    FamilyState,
    HeldCard,
    Pulled,
    RecordKey,
    Redemption,
    Rounding,
    Spot,
    Ticket,
)
from app.ports import (
    CardRepository,
    CatalogRepository,
    Clock,
    FamilyStates,
    RedemptionRepository,
    SettingsRepository,
    TrustStore,
)
from app.trust import ListError, open_status_list, open_trust_list
from app.verify import Verifier
from app.wallet import Wallet, read_claims

TOMBSTONE = "tombstone"
DAILY_LIMIT = "daily_limit"  # the settings key of the window's usage rule


def spot_of(f: Mapping[str, Any]) -> Spot:
    return Spot(str(f["id"]), str(f["name"]), str(f["name_en"]), str(f["company"]),
                str(f.get("town") or ""))


def ticket_of(f: Mapping[str, Any]) -> Ticket:
    return Ticket(str(f["id"]), str(f["name"]), str(f["name_en"]),
                  tuple(str(s) for s in f["spot_ids"]), int(f["list_fen"]),
                  int(f["member_bp"]), int(f["family_bp"]), int(f["group_bp"]),
                  Rounding(int(f["rounding"])))


def family_of(f: Mapping[str, Any]) -> FamilyMember:
    serial = f.get("card_serial")
    return FamilyMember(int(f["number"]), str(f["name"]), str(f["relation"]),
                        FamilyState(f["state"]), None if serial is None else int(serial))


def _checked_at(cose: bytes, verifier: Verifier) -> float:
    """When a pulled card is checked: just after it was issued and the pinned lists were signed
    — not the phone's own clock, which may be a day or a year off (the window's clock decides
    validity at the window). Old lists are no reason to refuse what the district just sent."""
    verifier.stale_override = True
    lists = [x.issued_at for x in (verifier.trust, verifier.status) if x is not None]
    return float(max([read_claims(cose).iat, *lists])) + 1


class PhoneApplier:
    def __init__(self, wallet: Wallet, cards: CardRepository, catalog: CatalogRepository,
                 redemptions: RedemptionRepository, trust: TrustStore, family: FamilyStates,
                 clock: Clock, settings: SettingsRepository | None = None) -> None:
        self._wallet, self._cards, self._catalog = wallet, cards, catalog
        self._redemptions, self._trust, self._family = redemptions, trust, family
        self._clock, self._settings = clock, settings
        self.refused: list[str] = []  # card serials that did not check out, for the log

    def apply(self, pulled: Pulled) -> None:
        fields = pulled.fields or {}
        if pulled.entity == "card":
            self._card(pulled.record_id, pulled.op, fields)
        elif pulled.entity in ("spot", "ticket"):
            self._catalogue(pulled.entity, pulled.record_id, pulled.op, fields)
        elif pulled.entity == "redemption" and pulled.op != TOMBSTONE:
            self._redemptions.add(self._redemption(pulled.record_id, fields))
        elif pulled.entity == "family" and pulled.op != TOMBSTONE:
            self._family.put(family_of(fields))
        elif pulled.entity == "list" and pulled.op != TOMBSTONE:
            self._list(fields)
        elif pulled.entity == "rule" and pulled.op != TOMBSTONE:
            self._rule(fields)

    def reapply(self, change: Change) -> None:
        """The phone pushes only family requests, which no pulled entity overwrites: the
        district's answer to them arrives as "family" entries and is taken as it is."""

    def held(self) -> set[RecordKey]:
        return ({("card", str(c.serial)) for c in self._cards.all()}
                | {("family", str(m.number)) for m in self._family.all()}
                | {("redemption", r.id) for r in self._redemptions.all()}
                | {("spot", s.id) for s in self._catalog.spots()}
                | {("ticket", t.id) for t in self._catalog.tickets()})

    def forget(self, key: RecordKey) -> None:
        entity, record_id = key
        if entity == "card" and record_id.isdigit():
            self._cards.remove(int(record_id))
        elif entity == "family" and record_id.isdigit():
            self._family.remove(int(record_id))
        elif entity == "redemption":
            self._redemptions.remove(record_id)
        elif entity in ("spot", "ticket"):
            self._catalogue(entity, record_id, TOMBSTONE, {})

    def _card(self, record_id: str, op: str, fields: Mapping[str, Any]) -> None:
        if op == TOMBSTONE:
            self._cards.remove(int(record_id))
            return
        data = self._mine(fields)
        if data is None:
            return
        pinned = self._trust.load()
        try:
            if pinned is None:
                raise ValueError("no pinned lists to check the card by")
            verifier = open_lists(pinned)
            check_card(data, self._wallet.device_key(), verifier, _checked_at(data, verifier))
        except (ActivationRefused, ValueError):
            self.refused.append(record_id)
            return
        self._cards.put(HeldCard(int(record_id), data, int(self._clock())))

    def _rule(self, fields: Mapping[str, Any]) -> None:
        limit = fields.get("daily_limit")
        if self._settings is None or not isinstance(limit, int) or limit < 1:
            return
        settings = self._settings.load()
        extra = {**settings.extra, DAILY_LIMIT: str(limit)}
        self._settings.save(replace(settings, extra=extra))

    def _list(self, fields: Mapping[str, Any]) -> None:
        """A newer trust or status list signed by the pinned root replaces the pinned one; an
        older one, or one the root did not sign, changes nothing."""
        pinned, kind = self._trust.load(), fields.get("kind")
        if pinned is None or kind not in ("trust", "status"):
            return
        opener = open_trust_list if kind == "trust" else open_status_list
        current = pinned.trust_list if kind == "trust" else pinned.status_list
        try:
            data = base64.b64decode(str(fields.get("data", "")), validate=True)
            version = opener(data, pinned.root_public_key).version
            held = opener(current, pinned.root_public_key).version if current else -1
        except (binascii.Error, ListError):
            self.refused.append(f"list:{kind}")
            return
        if version > held:
            changed = {"trust_list": data} if kind == "trust" else {"status_list": data}
            self._trust.save(replace(pinned, **changed))

    def _mine(self, fields: Mapping[str, Any]) -> bytes | None:
        """The card's bytes if it is bound to this phone's key (not a printed card, not a
        family member's own phone's card)."""
        cose = fields.get("cose")
        if not isinstance(cose, str) or fields.get("printed"):
            return None
        try:
            data = base64.b64decode(cose, validate=True)
            holder = read_claims(data).holder_key
        except (binascii.Error, ValueError):
            return None
        return data if holder == self._wallet.device_public_key() else None

    def _catalogue(self, entity: str, record_id: str, op: str, f: Mapping[str, Any]) -> None:
        spots = {s.id: s for s in self._catalog.spots()}
        tickets = {t.id: t for t in self._catalog.tickets()}
        chosen: dict[str, Any] = spots if entity == "spot" else tickets
        if op == TOMBSTONE:
            chosen.pop(record_id, None)
        else:
            chosen[record_id] = spot_of(f) if entity == "spot" else ticket_of(f)
        self._catalog.replace(list(spots.values()), list(tickets.values()))

    def _redemption(self, record_id: str, f: Mapping[str, Any]) -> Redemption:
        serial, ticket_id = int(f["card_serial"]), str(f["ticket_id"])
        names = {t.id: t.name for t in self._catalog.tickets()}
        held = self._cards.get(serial)
        kind = read_claims(held.cose).kind if held else CardKind.MEMBER
        return Redemption(record_id, serial, str(f["spot_id"]), ticket_id,
                          names.get(ticket_id, ticket_id), kind, int(f["list_fen"]),
                          int(f["paid_fen"]), int(f["at"]))

