"""Ed25519 keys and key ids (SPEC §4). The only module that touches `cryptography`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def kid_of(public_raw: bytes) -> bytes:
    """`kid` = first 8 bytes of SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(public_raw).digest()[:8]


@dataclass(frozen=True, repr=False)
class KeyPair:
    """An Ed25519 signing key. `repr` never shows the private half."""

    private_raw: bytes
    public_raw: bytes
    # Parsed once: parsing costs more than signing, and a town issuer signs thousands of cards.
    _key: Ed25519PrivateKey = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", Ed25519PrivateKey.from_private_bytes(self.private_raw))

    @classmethod
    def generate(cls) -> KeyPair:
        return cls.from_private(Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def from_private(cls, private_raw: bytes) -> KeyPair:
        key = Ed25519PrivateKey.from_private_bytes(private_raw)
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(private_raw=private_raw, public_raw=public)

    @property
    def kid(self) -> bytes:
        return kid_of(self.public_raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"KeyPair(kid={self.kid.hex()})"


class PublicKeyCache:
    """Public keys of known signers (the town issuers), parsed once.

    A window verifies thousands of cards from a handful of issuers; each card's holder key is
    new to it, so unknown keys are parsed for the call and not kept.
    """

    def __init__(self, known: Iterable[bytes] = ()) -> None:
        self._keys: dict[bytes, Ed25519PublicKey] = {}
        for raw in known:
            try:
                self._keys[raw] = Ed25519PublicKey.from_public_bytes(raw)
            except ValueError:
                continue

    def verify(self, public_raw: bytes, signature: bytes, message: bytes) -> bool:
        """True when `signature` is a valid Ed25519 signature; never raises."""
        try:
            key = self._keys.get(public_raw) or Ed25519PublicKey.from_public_bytes(public_raw)
            key.verify(signature, message)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


def verify_signature(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    """One Ed25519 verification with a key parsed for the call; never raises."""
    return PublicKeyCache().verify(public_raw, signature, message)
