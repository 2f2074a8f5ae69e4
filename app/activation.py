"""Activating the card on this phone (SPEC §2 Member) and what can go wrong talking to the district.

The phone makes its own key pair; the district returns a card bound to that key with its root key
and signed lists. Everything that comes back is checked before anything on the phone changes, so
a refusal, a damaged answer or a server that cannot be reached loses nothing already here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from app.card import phone_qr_payload, present
from app.keys import KeyPair
from app.models import (
    DEFAULT_SERVER_URL,
    ActivationGrant,
    CardKind,
    DistrictAccess,
    Pinned,
    Settings,
)
from app.ports import CardRepository, Clock, DistrictClient, SettingsRepository, TrustStore
from app.qrtext import encode_qr_text
from app.trust import ListError, open_status_list, open_trust_list
from app.verify import Verifier
from app.wallet import CardView, Wallet, read_claims

TOKEN, DEVICE_ID, MEMBER_NO = "device_token", "device_id", "member_no"


class DistrictError(Exception):
    """Something the member is told in words, in Chinese or English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_zh


class DistrictUnreachable(DistrictError):
    """No answer from the district server (network down, wrong address, or a fault on its side)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "无法连接区总工会服务器，请检查网络后重试；卡片和已保存的内容不会丢失",
            "Cannot reach the district server. Check the network and try again; your card "
            "and everything saved stay on this phone.",
        )
        self.detail = detail


class DistrictRefused(DistrictError):
    """The district answered no, with its reason (a used code, too many tries, …)."""

    def __init__(self, message_zh: str, message_en: str, code: str = "refused") -> None:
        super().__init__(message_zh, message_en)
        self.code = code


class ActivationRefused(DistrictRefused):
    """Activation did not happen: the district said no, or what it sent does not check out."""


class NotActivated(DistrictError):
    def __init__(self) -> None:
        super().__init__("本机还没有激活会员证，请先激活", "Activate your card on this phone first")


def _damaged(what_zh: str, what_en: str) -> ActivationRefused:
    return ActivationRefused(f"区总工会服务器返回的{what_zh}未通过验证，请联系所在工会",
                             f"The {what_en} from the district server did not verify; "
                             "please contact your union", "damaged")


def normalize_server_url(url: str) -> str:
    """`127.0.0.1:8600/` → `http://127.0.0.1:8600`; empty → the default address."""
    url = url.strip().rstrip("/")
    if not url:
        return DEFAULT_SERVER_URL
    return url if "://" in url else f"http://{url}"


def access_of(settings: Settings) -> DistrictAccess | None:
    """Where this phone talks to the district, once it has been activated."""
    token = settings.extra.get(TOKEN)
    return DistrictAccess(settings.server_url, token) if token and settings.server_url else None


def open_lists(pinned: Pinned) -> Verifier:
    """A verifier over lists that must be signed by the pinned root; raises ActivationRefused."""
    if pinned.trust_list is None or pinned.status_list is None:
        raise _damaged("名单", "lists")
    try:
        trust = open_trust_list(pinned.trust_list, pinned.root_public_key)
        status = open_status_list(pinned.status_list, pinned.root_public_key)
    except ListError as exc:
        raise _damaged("名单", "lists") from exc
    return Verifier(trust, status)


def check_card(cose: bytes, key: KeyPair, verifier: Verifier, at: float) -> CardKind:
    """The card is bound to this phone's key and passes a window's checks; returns its kind."""
    try:
        claims = read_claims(cose)
    except ValueError as exc:
        raise _damaged("卡片", "card") from exc
    if claims.holder_key != key.public_raw:
        raise ActivationRefused("区总工会服务器返回的卡片绑定在另一部手机上，未保存",
                                "The card from the district is bound to another phone; "
                                "it was not saved", "wrong_holder")
    qr = encode_qr_text(phone_qr_payload(cose, present(cose, key, at)))
    if not verifier.verify(qr, at).valid:
        raise _damaged("卡片", "card")
    return claims.kind


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
        url, key = normalize_server_url(server_url), self._wallet.device_key()
        grant = self._client.activate(url, member_no, code, key.public_raw, self._device_name)
        pinned = self._check(grant, key)
        self._keep(grant, pinned, url, member_no)
        card = self._wallet.card(read_claims(grant.card).serial)
        assert card is not None
        return Activated(card, len(grant.family_cards))

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
                raise _damaged("家属卡", "family card")
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
