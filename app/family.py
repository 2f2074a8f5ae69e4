"""Family cards (家属, SPEC §2 Member): ask the district for one, pick up approved cards, withdraw.

A request is kept on the phone (the outbox) before it is sent, so one made with no connection is
not lost: it goes out on the next refresh. Approved cards arrive bound to this phone's key and are
checked against the pinned root before they are kept.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.activation import (
    DistrictRefused,
    DistrictUnreachable,
    NotActivated,
    access_of,
    check_card,
    open_lists,
)
from app.models import (
    CardBundle,
    CardKind,
    DistrictAccess,
    FamilyMember,
    FamilyRequest,
    FamilyState,
    Pinned,
)
from app.ports import (
    CardRepository,
    Clock,
    DistrictClient,
    FamilyOutbox,
    SettingsRepository,
    TrustStore,
)
from app.wallet import Wallet, read_claims

RELATIONS: tuple[str, ...] = ("配偶", "子女", "父亲", "母亲", "其他")
ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")


class InvalidFamilyRequest(DistrictRefused):
    """The form is not filled in the way the district needs it."""


@dataclass(frozen=True)
class Requested:
    """What became of a new request: `sent` False means kept on the phone for the next refresh."""

    request: FamilyRequest
    sent: bool
    member: FamilyMember | None = None


@dataclass(frozen=True)
class Refreshed:
    sent: int
    added: int
    removed: int
    refused: list[DistrictRefused] = field(default_factory=list)


def _validated(name: str, relation: str, id_last4: str) -> tuple[str, str, str]:
    name, id_last4 = name.strip(), id_last4.strip().upper()
    if not name or len(name) > 40:
        raise InvalidFamilyRequest("请填写家属姓名", "Enter the family member's name", "name")
    if relation not in RELATIONS:
        raise InvalidFamilyRequest("请选择与您的关系", "Choose how you are related", "relation")
    if not ID_LAST4.match(id_last4):
        raise InvalidFamilyRequest("身份证后4位应为4位数字（最后一位可为X）",
                                   "The ID's last 4 are 4 digits (the last may be X)", "id_last4")
    return name, relation, id_last4


class FamilyCards:
    def __init__(self, client: DistrictClient, wallet: Wallet, cards: CardRepository,
                 outbox: FamilyOutbox, trust: TrustStore, settings: SettingsRepository,
                 clock: Clock, new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        self._client, self._wallet, self._cards, self._outbox = client, wallet, cards, outbox
        self._trust, self._settings, self._clock, self._new_id = trust, settings, clock, new_id
        self.known: list[FamilyMember] = []

    def _access(self) -> DistrictAccess:
        access = access_of(self._settings.load())
        if access is None:
            raise NotActivated()
        return access

    def pending(self) -> list[FamilyRequest]:
        """Requests not yet confirmed by the district, oldest first."""
        return sorted(self._outbox.pending(), key=lambda r: (r.requested_at, r.id))

    def request(self, name: str, relation: str, id_last4: str) -> Requested:
        """Keep the request, then try to send it; offline it waits for the next refresh."""
        access = self._access()
        name, relation, id_last4 = _validated(name, relation, id_last4)
        request = FamilyRequest(self._new_id(), name, relation, id_last4, int(self._clock()))
        self._outbox.add(request)
        try:
            member = self._send(access, request)
        except DistrictUnreachable:
            return Requested(request, sent=False)
        return Requested(request, sent=True, member=member)

    def _send(self, access: DistrictAccess, request: FamilyRequest) -> FamilyMember:
        """One request to the district; refused ones leave the outbox too (the member is told)."""
        try:
            member = self._client.request_family(access, request)
        except DistrictRefused:
            self._outbox.remove(request.id)
            raise
        self._outbox.remove(request.id)
        self.note(member)
        return member

    def note(self, member: FamilyMember) -> None:
        """A family member's state as the district now has it (an answer, or a sync pull)."""
        self.known = [m for m in self.known if m.number != member.number] + [member]

    def refresh(self) -> Refreshed:
        """Send waiting requests, then fetch the member's cards and family from the district."""
        access = self._access()
        sent, refused = self._send_pending(access)
        bundle = self._client.cards(access)
        added, removed = self._take(bundle)
        self.known = list(self._client.me(access).family)
        return Refreshed(sent, added, removed, refused)

    def _send_pending(self, access: DistrictAccess) -> tuple[int, list[DistrictRefused]]:
        sent, refused = 0, list[DistrictRefused]()
        if not self._outbox.pending():
            return sent, refused
        already = {(m.name, m.relation) for m in self._client.me(access).family
                   if m.state is not FamilyState.WITHDRAWN}
        for request in self.pending():
            if (request.name, request.relation) in already:
                self._outbox.remove(request.id)  # the district got it before the line dropped
                continue
            try:
                self._send(access, request)
                sent += 1
            except DistrictRefused as exc:
                refused.append(exc)
        return sent, refused

    def _take(self, bundle: CardBundle) -> tuple[int, int]:
        """Keep new family cards that check out; drop family cards the district no longer has."""
        pinned = self._fresh_pins(bundle)
        verifier, key, now = open_lists(pinned), self._wallet.device_key(), self._clock()
        held = {c.serial: read_claims(c.cose).kind for c in self._cards.all()}
        incoming = {}
        for cose in bundle.family_cards:
            if check_card(cose, key, verifier, now) is CardKind.FAMILY:
                incoming[read_claims(cose).serial] = cose
        for cose in incoming.values():
            self._wallet.add_card(cose)
        self._trust.save(pinned)
        gone = [s for s, kind in held.items() if kind is CardKind.FAMILY and s not in incoming]
        for serial in gone:
            self._cards.remove(serial)
        return len(set(incoming) - set(held)), len(gone)

    def _fresh_pins(self, bundle: CardBundle) -> Pinned:
        pinned = self._trust.load()
        if pinned is None:
            raise NotActivated()
        return Pinned(pinned.root_public_key, bundle.trust_list or pinned.trust_list,
                      bundle.status_list or pinned.status_list)

    def withdraw(self, member: FamilyMember) -> None:
        """Ask the district to withdraw a family card; its card leaves this phone."""
        self._client.withdraw_family(self._access(), member.number)
        if member.serial is not None:
            self._cards.remove(member.serial)
        self.known = [m for m in self.known if m.number != member.number]
