"""The member's wallet: the cards on this phone and the QR text that proves holding them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.card import SLOT_SECONDS, CardClaims, decode_claims, phone_qr_payload, present
from app.chinatime import china_date
from app.cose import CoseError, decode_sign1
from app.keys import KeyPair
from app.models import CardKind, HeldCard
from app.ports import CardRepository, Clock, DeviceKeyStore
from app.qrtext import encode_qr_text
from app.verify import CLOCK_SKEW_SECONDS


class CardNotOnDevice(LookupError):
    """The card asked for is not held on this phone."""

    def __init__(self, serial: int) -> None:
        super().__init__(f"本机没有这张卡 / this card is not on this phone: {serial}")


class CardNotForThisDevice(ValueError):
    """A card bound to another phone's key cannot be shown from this one."""

    def __init__(self) -> None:
        super().__init__("这张卡绑定在另一部手机上 / this card is bound to another phone")


@dataclass(frozen=True)
class CardView:
    """What the card screen shows."""

    serial: int
    kind: CardKind
    name: str
    union: str
    member_no_masked: str
    valid_from: dt.date
    valid_until: dt.date
    titles: tuple[str, ...]
    relation: str | None
    issuer_id: str
    is_valid_now: bool


def mask_member_no(member_no: str) -> str:
    """Keep the first 3 and last 2 characters: "WZ2014000123" → "WZ2*******23"."""
    if len(member_no) <= 5:
        return member_no[:1] + "*" * (len(member_no) - 1)
    return member_no[:3] + "*" * (len(member_no) - 5) + member_no[-2:]


def _day(unix_seconds: int) -> dt.date:
    return china_date(unix_seconds)


def card_view(claims: CardClaims, now: float) -> CardView:
    """What the card screen shows of `claims`. Titles belong to the person: a family card shows
    none (the district once copied the member's titles into family cards, and they still
    circulate)."""
    titles = claims.titles if claims.kind is CardKind.MEMBER else ()
    return CardView(
        serial=claims.serial, kind=claims.kind, name=claims.name, union=claims.union,
        member_no_masked=mask_member_no(claims.member_no), valid_from=_day(claims.iat),
        valid_until=_day(claims.exp), titles=titles, relation=claims.relation,
        issuer_id=claims.issuer_id,
        is_valid_now=claims.iat - CLOCK_SKEW_SECONDS <= now <= claims.exp,  # a phone a bit slow
    )


def read_claims(cose: bytes) -> CardClaims:
    """The claims of a card held on the device (its signature was checked when it arrived)."""
    return decode_claims(decode_sign1(cose).payload)


class Wallet:
    def __init__(self, keys: DeviceKeyStore, cards: CardRepository, clock: Clock) -> None:
        self._keys, self._cards, self._clock = keys, cards, clock
        self._key: KeyPair | None = None

    def device_key(self) -> KeyPair:
        """This phone's key pair, made on first use and never sent anywhere."""
        if self._key is None:
            raw = self._keys.load()
            if raw is None:
                raw = KeyPair.generate().private_raw
                self._keys.save(raw)
            self._key = KeyPair.from_private(raw)
        return self._key

    def replace_device_key(self, key: KeyPair) -> None:
        """A new key pair for this phone (it was activated for another person): cards bound
        to the old key can no longer be shown from here."""
        self._keys.save(key.private_raw)
        self._key = key

    def device_public_key(self) -> bytes:
        return self.device_key().public_raw

    def add_card(self, cose: bytes) -> CardView:
        """Keep a card the district issued to this phone; refuse one bound to another key."""
        try:
            claims = read_claims(cose)
        except CoseError as exc:
            raise ValueError("卡片数据损坏 / the card data is damaged") from exc
        if claims.holder_key != self.device_public_key():
            raise CardNotForThisDevice()
        self._cards.put(HeldCard(claims.serial, cose, int(self._clock())))
        return card_view(claims, self._clock())

    def _views(self) -> list[CardView]:
        now = self._clock()
        views = [card_view(read_claims(c.cose), now) for c in self._cards.all()]
        return sorted(views, key=lambda v: (v.kind, v.serial))

    def member_card(self) -> CardView | None:
        return next((v for v in self._views() if v.kind is CardKind.MEMBER), None)

    def family_cards(self) -> list[CardView]:
        return [v for v in self._views() if v.kind is CardKind.FAMILY]

    def card(self, serial: int) -> CardView | None:
        held = self._cards.get(serial)
        return card_view(read_claims(held.cose), self._clock()) if held else None

    def qr_text(self, serial: int) -> str:
        """A fresh "UP1:" text for this 30 s slot: the card plus a presentation signed here."""
        held = self._cards.get(serial)
        if held is None:
            raise CardNotOnDevice(serial)
        presentation = present(held.cose, self.device_key(), self._clock())
        return encode_qr_text(phone_qr_payload(held.cose, presentation))

    def seconds_to_refresh(self) -> int:
        return SLOT_SECONDS - int(self._clock()) % SLOT_SECONDS
