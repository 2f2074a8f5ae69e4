"""Trust list and status list, signed by the district root key (SPEC §4, normative).

The district root certifies each town issuer's key with a serial range: towns issue cards
themselves instead of queueing for the district's one steel seal.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from app.cose import CoseError, decode_map, decode_sign1, sign1
from app.keys import KeyPair, kid_of, verify_signature

MAX_STATUS_SIZE = 16_000_000


class ListError(ValueError):
    """A trust or status list that is malformed or not signed by the pinned root key."""


@dataclass(frozen=True)
class Issuer:
    """A town issuer key certified by the district root, for serials lo..hi inclusive."""

    issuer_id: str
    name: str
    public_key: bytes
    not_before: int
    not_after: int
    serial_lo: int
    serial_hi: int

    @property
    def kid(self) -> bytes:
        return kid_of(self.public_key)

    def covers(self, serial: int) -> bool:
        return self.serial_lo <= serial <= self.serial_hi


@dataclass(frozen=True)
class TrustList:
    version: int
    issued_at: int
    issuers: tuple[Issuer, ...]

    def by_kid(self) -> dict[bytes, Issuer]:
        return {i.kid: i for i in self.issuers}


def _issuer_map(i: Issuer) -> dict[int, Any]:
    return {1: i.kid, 2: i.issuer_id, 3: i.name, 4: i.public_key, 5: i.not_before,
            6: i.not_after, 7: i.serial_lo, 8: i.serial_hi}


def sign_trust_list(tl: TrustList, root: KeyPair) -> bytes:
    payload = {1: tl.version, 2: tl.issued_at, 3: [_issuer_map(i) for i in tl.issuers]}
    return sign1(cbor2.dumps(payload), root)


def _issuer_from(m: object) -> Issuer:
    if not isinstance(m, Mapping):
        raise ListError("structure")
    try:
        issuer = Issuer(str(m[2]), str(m[3]), bytes(m[4]), int(m[5]), int(m[6]), int(m[7]),
                        int(m[8]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ListError("structure") from exc
    if len(issuer.public_key) != 32 or m.get(1) != issuer.kid:
        raise ListError("structure")
    return issuer


def _open_signed(data: bytes, root_public: bytes) -> Mapping[Any, Any]:
    try:
        sign = decode_sign1(data)
        payload = decode_map(sign.payload)
    except CoseError as exc:
        raise ListError(exc.args[0]) from exc
    if not verify_signature(root_public, sign.signature, sign.to_be_signed()):
        raise ListError("signature")
    return payload


def open_trust_list(data: bytes, root_public: bytes) -> TrustList:
    """Verify and parse; raises ListError."""
    m = _open_signed(data, root_public)
    issuers = m.get(3)
    if not isinstance(issuers, (list, tuple)):
        raise ListError("structure")
    try:
        return TrustList(int(m[1]), int(m[2]), tuple(_issuer_from(i) for i in issuers))
    except (KeyError, TypeError, ValueError) as exc:
        raise ListError("structure") from exc


class Status(enum.IntEnum):
    VALID = 0
    REVOKED = 1
    SUSPENDED = 2


@dataclass(frozen=True)
class StatusList:
    """2-bit entries indexed by serial; serial s at bits 2s..2s+1, LSB first within a byte."""

    version: int
    issued_at: int
    size: int
    bits: bytes

    @classmethod
    def empty(cls, size: int, version: int = 1, issued_at: int = 0) -> StatusList:
        return cls(version, issued_at, size, bytes((size + 3) // 4))

    def status(self, serial: int) -> Status | None:
        """None when the serial is outside the list."""
        if not 0 <= serial < self.size:
            return None
        value = (self.bits[serial // 4] >> (2 * (serial % 4))) & 0b11
        return Status(value) if value in (0, 1, 2) else Status.REVOKED

    def with_statuses(self, changes: Mapping[int, Status], version: int, issued_at: int,
                      size: int | None = None) -> StatusList:
        new_size = max(self.size, size or 0, *(s + 1 for s in changes))
        bits = bytearray(self.bits) + bytes((new_size + 3) // 4 - len(self.bits))
        for serial, status in changes.items():
            shift = 2 * (serial % 4)
            bits[serial // 4] = (bits[serial // 4] & ~(0b11 << shift)) | (int(status) << shift)
        return StatusList(version, issued_at, new_size, bytes(bits))


def sign_status_list(sl: StatusList, root: KeyPair) -> bytes:
    payload = {1: sl.version, 2: sl.issued_at, 3: zlib.compress(sl.bits, 9), 4: sl.size}
    return sign1(cbor2.dumps(payload), root)


def open_status_list(data: bytes, root_public: bytes) -> StatusList:
    """Verify and parse; raises ListError."""
    m = _open_signed(data, root_public)
    try:
        version, issued_at, size = int(m[1]), int(m[2]), int(m[4])
        if not 0 <= size <= MAX_STATUS_SIZE:
            raise ListError("structure")
        bits = _inflate(bytes(m[3]), (size + 3) // 4)
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise ListError("structure") from exc
    if len(bits) != (size + 3) // 4:
        raise ListError("structure")
    return StatusList(version, issued_at, size, bits)



def _inflate(data: bytes, expected: int) -> bytes:
    """Decompress at most `expected` + 1 bytes: a hostile list cannot exhaust memory."""
    return zlib.decompressobj().decompress(data, expected + 1)
