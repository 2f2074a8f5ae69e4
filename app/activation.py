"""Activating the card on this phone (SPEC §2 Member) and what can go wrong talking to the district.

The phone makes its own key pair; the district returns a card bound to that key with its root key
and signed lists. Everything that comes back is checked before anything on the phone changes, so
a refusal, a damaged answer or a server that cannot be reached loses nothing already here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from app.device_proof import sign_activation
from app.district_access import DEVICE_ID, MEMBER_NO, TOKEN, access_of, normalize_server_url
from app.district_answers import check_card, damaged, open_lists
from app.district_errors import ActivationRefused
from app.keys import KeyPair
from app.models import (
    ActivationGrant,
    CardKind,
    Pinned,
)
from app.ports import CardRepository, Clock, DistrictClient, SettingsRepository, TrustStore
from app.wallet import CardView, Wallet, read_claims


@dataclass(frozen=True)
class Activated:
    card: CardView
    family: int


def _nothing(other_person: bool) -> None:
    """No one to tell about an activation (a build that does not sync)."""


class Activation:
    """Activate with a member number and one-time code; replaces any card held (a demo card).
    `on_activated(other_person)` runs after: the sync starts over for the new device (and
    parks what another person left unsent)."""

    def __init__(self, client: DistrictClient, wallet: Wallet, cards: CardRepository,
                 trust: TrustStore, settings: SettingsRepository, clock: Clock,
                 device_name: str = "工会通",
                 on_activated: Callable[[bool], None] = _nothing) -> None:
        self._client, self._wallet, self._cards = client, wallet, cards
        self._trust, self._settings, self._clock = trust, settings, clock
        self._device_name, self._on_activated = device_name, on_activated
        self.server_override: str | None = None

    def server_url(self) -> str:
        """The address to offer: `--server`, else the one saved, else the default."""
        saved = self._settings.load().server_url
        return normalize_server_url(self.server_override or saved)

    def is_activated(self) -> bool:
        return access_of(self._settings.load()) is not None

    def activate(self, member_no: str, code: str, server_url: str) -> Activated:
        member_no, code = member_no.strip().upper(), code.strip().replace(" ", "")
        if not member_no or not code:
            raise ActivationRefused("请填写会员号和激活码", "Enter your member number and "
                                    "activation code", "missing")
        url, key = normalize_server_url(server_url), self._key_for(member_no)
        grant = self._client.activate(url, member_no, code, key.public_raw,
                                      sign_activation(key, member_no, code), self._device_name)
        pinned = self._check(grant, key)
        if key != self._wallet.device_key():
            self._wallet.replace_device_key(key)
        self._keep(grant, pinned, url, member_no)
        card = self._wallet.card(read_claims(grant.card).serial)
        assert card is not None
        return Activated(card, len(grant.family_cards))

    def _key_for(self, member_no: str) -> KeyPair:
        """This phone's key; a new one when another person activated the phone before (the
        district never binds one key to two people). It replaces the old key only once the
        district's answer checks out."""
        before = self._settings.load().extra.get(MEMBER_NO)
        if before is not None and before != member_no:
            return KeyPair.generate()
        return self._wallet.device_key()

    def _check(self, grant: ActivationGrant, key: KeyPair) -> Pinned:
        before = self._trust.load()
        if self.is_activated() and before and before.root_public_key != grant.root_public_key:
            raise ActivationRefused(
                "这台服务器不是本机激活时的区总工会服务器，未作任何更改",
                "This server is not the district this phone was activated with; nothing "
                "was changed", "other_root")
        pinned = Pinned(grant.root_public_key, grant.trust_list, grant.status_list)
        verifier, at = open_lists(pinned), float(grant.server_time or self._clock())
        check_card(grant.card, key, verifier, at)  # a family member's own phone: a family card
        for family in grant.family_cards:
            if check_card(family, key, verifier, at) is not CardKind.FAMILY:
                raise damaged("家属卡", "family card")
        return pinned

    def _keep(self, grant: ActivationGrant, pinned: Pinned, url: str, member_no: str) -> None:
        """Store the new cards first, then the lists and token; then drop cards held before."""
        old = {held.serial for held in self._cards.all()}
        new = {self._wallet.add_card(cose).serial for cose in (grant.card, *grant.family_cards)}
        self._trust.save(pinned)
        settings = self._settings.load()
        before = settings.extra.get(MEMBER_NO)
        extra = {**settings.extra, TOKEN: grant.device_token, DEVICE_ID: grant.device_id,
                 MEMBER_NO: member_no}
        self._settings.save(dataclasses.replace(settings, server_url=url, extra=extra))
        for serial in old - new:
            self._cards.remove(serial)
        self._on_activated(before is not None and before != member_no)
