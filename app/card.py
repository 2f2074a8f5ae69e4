"""The card credential and the phone's presentation (SPEC §4, normative)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from app.cose import CBOR_MAPS, CoseError, Sign1, decode_map, sign1
from app.keys import KeyPair
from app.models import CardKind

ISS, EXP, IAT, CNF = 1, 4, 6, 8
CARD_CLAIM = -70001
SLOT_SECONDS = 30
COSE_KEY_KTY, COSE_KEY_CRV, COSE_KEY_X = 1, -1, -2
OKP, ED25519 = 1, 6


@dataclass(frozen=True)
class CardClaims:
    """What the issuer certifies. `holder_key` is None on printed static cards."""

    serial: int
    kind: CardKind
    name: str
    member_no: str
    union: str
    id_last4: str
    issuer_id: str
    iat: int
    exp: int
    holder_key: bytes | None = None
    primary_serial: int | None = None
    relation: str | None = None
    titles: tuple[str, ...] = ()


def _card_map(c: CardClaims) -> dict[int, Any]:
    card: dict[int, Any] = {1: c.serial, 2: int(c.kind), 3: c.name, 4: c.member_no}
    card.update({5: c.union, 6: c.id_last4})
    if c.kind is CardKind.FAMILY:
        card[7] = c.primary_serial
        card[8] = c.relation or ""
    if c.titles:
        card[9] = list(c.titles)
    return card


def encode_claims(c: CardClaims) -> bytes:
    claims: dict[int, Any] = {ISS: c.issuer_id, IAT: c.iat, EXP: c.exp}
    if c.holder_key is not None:
        claims[CNF] = {1: {COSE_KEY_KTY: OKP, COSE_KEY_CRV: ED25519, COSE_KEY_X: c.holder_key}}
    claims[CARD_CLAIM] = _card_map(c)
    return cbor2.dumps(claims)


def issue_card(claims: CardClaims, issuer: KeyPair) -> bytes:
    """The card's COSE bytes, signed by a town issuer key."""
    return sign1(encode_claims(claims), issuer)


def _text(m: Mapping[Any, Any], key: int) -> str:
    value = m.get(key)
    if not isinstance(value, str):
        raise CoseError("structure")
    return value


def _uint(m: Mapping[Any, Any], key: int) -> int:
    value = m.get(key)
    if type(value) is not int or value < 0:
        raise CoseError("structure")
    return value


def _holder_key(claims: Mapping[Any, Any]) -> bytes | None:
    cnf = claims.get(CNF)
    if cnf is None:
        return None
    key = cnf.get(1) if isinstance(cnf, CBOR_MAPS) else None
    if not isinstance(key, CBOR_MAPS) or key.get(COSE_KEY_KTY) != OKP:
        raise CoseError("structure")
    x = key.get(COSE_KEY_X)
    if key.get(COSE_KEY_CRV) != ED25519 or not isinstance(x, bytes) or len(x) != 32:
        raise CoseError("structure")
    return x


def _titles(card: Mapping[Any, Any]) -> tuple[str, ...]:
    titles = card.get(9, ())
    if not isinstance(titles, (list, tuple)) or not all(isinstance(t, str) for t in titles):
        raise CoseError("structure")
    return tuple(titles)


def decode_claims(payload: bytes) -> CardClaims:
    """Parse a card payload; raises CoseError("cbor" | "structure")."""
    claims = decode_map(payload)
    card = claims.get(CARD_CLAIM)
    if not isinstance(card, CBOR_MAPS):
        raise CoseError("structure")
    kind_value = _uint(card, 2)
    if kind_value not in (0, 1):
        raise CoseError("structure")
    family = kind_value == CardKind.FAMILY
    return CardClaims(
        serial=_uint(card, 1),
        kind=CardKind(kind_value),
        name=_text(card, 3),
        member_no=_text(card, 4),
        union=_text(card, 5),
        id_last4=_text(card, 6),
        issuer_id=_text(claims, ISS),
        iat=_uint(claims, IAT),
        exp=_uint(claims, EXP),
        holder_key=_holder_key(claims),
        primary_serial=_uint(card, 7) if family else None,
        relation=_text(card, 8) if family else None,
        titles=_titles(card),
    )


def card_digest(card_cose: bytes) -> bytes:
    """First 16 bytes of SHA-256 of the card's COSE bytes."""
    return hashlib.sha256(card_cose).digest()[:16]


def slot_of(unix_seconds: float) -> int:
    return int(unix_seconds // SLOT_SECONDS)


def present(card_cose: bytes, device_key: KeyPair, now: float) -> bytes:
    """A presentation for the current 30 s slot, signed by the holder device's key."""
    payload = cbor2.dumps({1: slot_of(now), 2: card_digest(card_cose)})
    return sign1(payload, device_key, with_kid=False)


@dataclass(frozen=True)
class Presentation:
    slot: int
    digest: bytes


def decode_presentation(sign: Sign1) -> Presentation:
    m = decode_map(sign.payload)
    slot, digest = m.get(1), m.get(2)
    if not isinstance(slot, int) or isinstance(slot, bool) or not isinstance(digest, bytes):
        raise CoseError("structure")
    return Presentation(slot, digest)


def phone_qr_payload(card_cose: bytes, presentation_cose: bytes) -> bytes:
    """What a phone card's QR carries: CBOR array [card, presentation]."""
    return cbor2.dumps([card_cose, presentation_cose])
