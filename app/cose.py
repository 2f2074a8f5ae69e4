"""COSE_Sign1 (RFC 9052) with EdDSA, just as much as SPEC §4 needs."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from app.keys import KeyPair

ALG = 1
KID = 4
EDDSA = -8
SIGN1_TAG = 18

DECODE_ERRORS = (
    cbor2.CBORDecodeError,
    ValueError,
    TypeError,
    OverflowError,
    RecursionError,
    MemoryError,
    KeyError,
    IndexError,
    cbor2.CBOREncodeError,  # loads_exact encodes what it decoded (a cycle cannot be)
)


# What cbor2 decodes a CBOR map to: checking these concrete types is ~10× cheaper than the
# Mapping ABC, and the verifier checks a dozen maps per scan.
CBOR_MAPS = (dict, cbor2.frozendict)


class CoseError(ValueError):
    """Bytes that are not a well-formed COSE_Sign1 of ours. `args[0]` names the reason."""


@dataclass(frozen=True)
class Sign1:
    """A decoded, not yet verified COSE_Sign1."""

    protected_raw: bytes
    protected: Mapping[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def kid(self) -> bytes | None:
        kid = self.protected.get(KID)
        return kid if isinstance(kid, bytes) else None

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected_raw, self.payload)

    def signed_id(self) -> bytes:
        """First 16 bytes of SHA-256 of the Sig_structure and the signature: what the signer
        made, whatever the framing around it (which the signature does not cover)."""
        return hashlib.sha256(self.to_be_signed() + self.signature).digest()[:16]


def sig_structure(protected_raw: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected_raw, b"", payload])


def sign1(payload: bytes, key: KeyPair, *, with_kid: bool = True) -> bytes:
    """Sign `payload`; protected header {1: -8, 4: kid} (kid omitted for presentations)."""
    header: dict[int, Any] = {ALG: EDDSA}
    if with_kid:
        header[KID] = key.kid
    protected_raw = cbor2.dumps(header)
    signature = key.sign(sig_structure(protected_raw, payload))
    return cbor2.dumps(cbor2.CBORTag(SIGN1_TAG, [protected_raw, {}, payload, signature]))


def loads_exact(data: bytes) -> Any:
    """The one CBOR item `data` holds, only if `data` is exactly how we write that item
    (shortest heads, definite lengths, nothing after it); else CoseError("cbor"). Whoever holds
    signed bytes must not be able to re-shape them into other bytes that still pass."""
    try:
        item = cbor2.loads(data)
        again = cbor2.dumps(item)
    except DECODE_ERRORS as exc:
        raise CoseError("cbor") from exc
    if again != data:
        raise CoseError("cbor")
    return item


def decode_sign1(data: bytes) -> Sign1:
    """Parse COSE_Sign1 bytes; raises CoseError("cbor" | "structure")."""
    return sign1_from_item(loads_exact(data))


def sign1_from_item(item: object) -> Sign1:
    """Check an already-decoded CBOR item is a tagged COSE_Sign1 with EdDSA."""
    if not isinstance(item, cbor2.CBORTag) or item.tag != SIGN1_TAG:
        raise CoseError("structure")
    parts = item.value
    if not isinstance(parts, (list, tuple)) or len(parts) != 4:
        raise CoseError("structure")
    protected_raw, unprotected, payload, signature = parts
    if not (type(protected_raw) is bytes and type(payload) is bytes and type(signature) is bytes):
        raise CoseError("structure")
    if not isinstance(unprotected, CBOR_MAPS) or unprotected or len(signature) != 64:
        raise CoseError("structure")  # the unprotected header is `{}` (SPEC §4)
    protected = _protected_header(protected_raw)
    if protected.get(ALG) != EDDSA:
        raise CoseError("structure")
    return Sign1(protected_raw, protected, payload, signature)


_HEADERS: dict[bytes, Mapping[Any, Any]] = {}


def _protected_header(raw: bytes) -> Mapping[Any, Any]:
    """Decoded protected headers, remembered: a window sees one per issuer key plus {1: -8}."""
    header = _HEADERS.get(raw)
    if header is None:
        try:
            header = decode_map(raw)
        except CoseError as exc:
            raise CoseError("structure") from exc
        if len(_HEADERS) < 256 and len(raw) <= 64:
            _HEADERS[raw] = header
    return header


def decode_map(data: bytes) -> Mapping[Any, Any]:
    """CBOR bytes that must hold a map; raises CoseError("cbor" | "structure")."""
    value = loads_exact(data)
    if not isinstance(value, CBOR_MAPS):
        raise CoseError("structure")
    return value
