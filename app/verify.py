"""Offline verification of a scanned QR text (SPEC §4 order, §5 usage rules).

`Verifier.verify` never raises: every failure is a `Verdict` with one distinct `Reason`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import cbor2

from app.card import CardClaims, card_digest, decode_claims, decode_presentation, slot_of
from app.chinatime import china_day
from app.cose import CoseError, Sign1, decode_sign1, loads_exact
from app.keys import PublicKeyCache
from app.models import CardKind
from app.person import person_of
from app.qrtext import QrTextError, decode_qr_text
from app.trust import Issuer, Status, StatusList, TrustList

SLOT_TOLERANCE = 4
CLOCK_SKEW_SECONDS = 5 * 60  # how far a window's clock may be behind the district's
FRESH_SECONDS = 24 * 3600
STALE_SECONDS = 7 * 24 * 3600


class Reason(enum.Enum):
    OK = "ok"
    NOT_UNIONPASS = "not_unionpass"
    BAD_BASE45 = "bad_base45"
    BAD_CBOR = "bad_cbor"
    BAD_STRUCTURE = "bad_structure"
    UNKNOWN_ISSUER = "unknown_issuer"
    BAD_SIGNATURE = "bad_signature"
    ISSUER_NOT_VALID = "issuer_not_valid"
    SERIAL_OUT_OF_RANGE = "serial_out_of_range"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    EXP_BEYOND_ISSUER = "exp_beyond_issuer"
    NOT_IN_STATUS_LIST = "not_in_status_list"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    PRESENTATION_MISSING = "presentation_missing"
    BAD_PRESENTATION = "bad_presentation"
    DIGEST_MISMATCH = "digest_mismatch"
    STALE_PRESENTATION = "stale_presentation"
    PRIMARY_NOT_VALID = "primary_not_valid"
    NO_LISTS = "no_lists"
    CLOCK_BEHIND_LISTS = "clock_behind_lists"
    LISTS_TOO_OLD = "lists_too_old"
    ALREADY_USED_TODAY = "already_used_today"
    PRESENTATION_USED = "presentation_used"


class Freshness(enum.Enum):
    FRESH = "fresh"
    AGING = "aging"
    STALE = "stale"


@dataclass(frozen=True)
class Verdict:
    reason: Reason
    claims: CardClaims | None = None
    static: bool = False
    freshness: Freshness = Freshness.FRESH
    presentation_id: bytes | None = None

    @property
    def valid(self) -> bool:
        return self.reason is Reason.OK

    @property
    def kind(self) -> CardKind | None:
        return self.claims.kind if self.claims else None

    @property
    def serial(self) -> int | None:
        return self.claims.serial if self.claims else None

    @property
    def name(self) -> str:
        return self.claims.name if self.claims else ""

    @property
    def check_id(self) -> bool:
        """A printed static card, or aging lists: the clerk compares the ID's last 4."""
        return self.valid and (self.static or self.freshness is not Freshness.FRESH)


class UsageLedger(Protocol):
    """The window's own record of discounted sales, for the usage rules of SPEC §5: what a
    person (`app.person`) bought at a spot on a day, whichever of their cards was shown."""

    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int: ...
    def presentation_used(self, presentation_id: bytes) -> bool: ...


class Rejected(Exception):
    def __init__(self, reason: Reason, claims: CardClaims | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.claims = claims


@dataclass
class Verifier:
    """Everything a window needs offline: the opened lists, its spot, its ledger."""

    trust: TrustList | None
    status: StatusList | None
    spot_id: str | None = None
    ledger: UsageLedger | None = None
    daily_limit: int = 1  # discounted tickets per person per spot per day (SPEC §5; by sync)
    stale_override: bool = False
    _issuers: Mapping[bytes, Issuer] = field(init=False, repr=False)
    _keys: PublicKeyCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._issuers = self.trust.by_kid() if self.trust else {}
        self._keys = PublicKeyCache(i.public_key for i in self._issuers.values())

    def verify(self, text: str, now: float) -> Verdict:
        freshness = Freshness.FRESH
        try:
            freshness = self._check_lists(now)
            return self._verify(text, now, freshness)
        except Rejected as rejected:
            return Verdict(rejected.reason, rejected.claims, freshness=freshness)

    def _check_lists(self, now: float) -> Freshness:
        if self.trust is None or self.status is None:
            raise Rejected(Reason.NO_LISTS)
        newest = max(self.trust.issued_at, self.status.issued_at)
        if now + CLOCK_SKEW_SECONDS < newest:
            raise Rejected(Reason.CLOCK_BEHIND_LISTS)
        age = now - min(self.trust.issued_at, self.status.issued_at)
        if age < FRESH_SECONDS:
            return Freshness.FRESH
        return Freshness.AGING if age < STALE_SECONDS else Freshness.STALE

    def _verify(self, text: str, now: float, freshness: Freshness) -> Verdict:
        card_bytes, presentation = _split(*_unwrap(text))
        claims = self._open_card(card_bytes, now)
        pid = None
        if presentation is not None:
            pid = self._check_presentation(card_bytes, presentation, claims, now)
        elif claims.holder_key is not None:
            raise Rejected(Reason.PRESENTATION_MISSING, claims)
        self._check_family(claims)
        if freshness is Freshness.STALE and not self.stale_override:
            raise Rejected(Reason.LISTS_TOO_OLD, claims)
        self._check_usage(claims, pid, now)
        return Verdict(Reason.OK, claims, presentation is None, freshness, pid)

    def _open_card(self, card_bytes: bytes, now: float) -> CardClaims:
        sign = _sign1(card_bytes)
        try:
            claims = decode_claims(sign.payload)
        except CoseError as exc:
            raise Rejected(_cose_reason(exc)) from exc
        issuer = self._issuers.get(sign.kid or b"")
        if issuer is None:
            raise Rejected(Reason.UNKNOWN_ISSUER, claims)
        if not self._keys.verify(issuer.public_key, sign.signature, sign.to_be_signed()):
            raise Rejected(Reason.BAD_SIGNATURE)
        _check_issuer(issuer, claims, now)
        self._check_status(claims.serial, claims)
        return claims

    def _check_status(self, serial: int, claims: CardClaims) -> None:
        assert self.status is not None
        status = self.status.status(serial)
        if status is None:
            raise Rejected(Reason.NOT_IN_STATUS_LIST, claims)
        if status is Status.REVOKED:
            raise Rejected(Reason.REVOKED, claims)
        if status is Status.SUSPENDED:
            raise Rejected(Reason.SUSPENDED, claims)

    def _check_presentation(self, card_bytes: bytes, data: bytes, claims: CardClaims,
                            now: float) -> bytes:
        if claims.holder_key is None:
            raise Rejected(Reason.BAD_STRUCTURE, claims)
        sign = _sign1(data)
        if not self._keys.verify(claims.holder_key, sign.signature, sign.to_be_signed()):
            raise Rejected(Reason.BAD_PRESENTATION, claims)
        try:
            p = decode_presentation(sign)
        except CoseError as exc:
            raise Rejected(_cose_reason(exc), claims) from exc
        if p.digest != card_digest(card_bytes):
            raise Rejected(Reason.DIGEST_MISMATCH, claims)
        if abs(p.slot - slot_of(now)) > SLOT_TOLERANCE:
            raise Rejected(Reason.STALE_PRESENTATION, claims)
        return sign.signed_id()  # the same for every framing of this one signed presentation

    def _check_family(self, claims: CardClaims) -> None:
        if claims.kind is CardKind.FAMILY and claims.primary_serial is not None:
            try:
                self._check_status(claims.primary_serial, claims)
            except Rejected as exc:
                raise Rejected(Reason.PRIMARY_NOT_VALID, claims) from exc

    def _check_usage(self, claims: CardClaims, pid: bytes | None, now: float) -> None:
        if self.ledger is None or self.spot_id is None:
            return
        if pid is not None and self.ledger.presentation_used(pid):
            raise Rejected(Reason.PRESENTATION_USED, claims)
        used = self.ledger.uses_today(person_of(claims), claims.serial, self.spot_id,
                                      china_day(now))
        if used >= self.daily_limit:
            raise Rejected(Reason.ALREADY_USED_TODAY, claims)


def _unwrap(text: str) -> tuple[bytes, object]:
    if not isinstance(text, str):
        raise Rejected(Reason.NOT_UNIONPASS)
    try:
        data = decode_qr_text(text)
    except QrTextError as exc:
        reason = Reason.NOT_UNIONPASS if exc.args[0] == "prefix" else Reason.BAD_BASE45
        raise Rejected(reason) from exc
    try:
        return data, loads_exact(data)
    except CoseError as exc:
        raise Rejected(Reason.BAD_CBOR) from exc


def _split(data: bytes, item: object) -> tuple[bytes, bytes | None]:
    """Static card: the COSE item itself. Phone card: [card bytes, presentation bytes]."""
    if isinstance(item, cbor2.CBORTag):
        return data, None
    if isinstance(item, (list, tuple)) and len(item) == 2:
        card, presentation = item
        if isinstance(card, bytes) and isinstance(presentation, bytes):
            return card, presentation
    raise Rejected(Reason.BAD_STRUCTURE)


def _sign1(data: bytes) -> Sign1:
    try:
        return decode_sign1(data)
    except CoseError as exc:
        raise Rejected(_cose_reason(exc)) from exc


def _cose_reason(exc: CoseError) -> Reason:
    return Reason.BAD_CBOR if exc.args[0] == "cbor" else Reason.BAD_STRUCTURE


def _check_issuer(issuer: Issuer, claims: CardClaims, now: float) -> None:
    if not issuer.not_before <= claims.iat <= issuer.not_after or now > issuer.not_after:
        raise Rejected(Reason.ISSUER_NOT_VALID, claims)
    if not issuer.covers(claims.serial):
        raise Rejected(Reason.SERIAL_OUT_OF_RANGE, claims)
    if claims.exp > issuer.not_after:
        raise Rejected(Reason.EXP_BEYOND_ISSUER, claims)
    if now + CLOCK_SKEW_SECONDS < claims.iat:  # a window a little behind takes a new card
        raise Rejected(Reason.NOT_YET_VALID, claims)
    if now > claims.exp:
        raise Rejected(Reason.EXPIRED, claims)
