"""Ed25519 keys and key ids (SPEC §4). The only module that touches `cryptography`."""

from __future__ import annotations

import hashlib
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
    """Parsed public keys by raw bytes: a window verifies thousands of cards from a few issuers."""

    def __init__(self) -> None:
        self._keys: dict[bytes, Ed25519PublicKey] = {}

    def verify(self, public_raw: bytes, signature: bytes, message: bytes) -> bool:
        """True when `signature` is a valid Ed25519 signature; never raises."""
        try:
            key = self._keys.get(public_raw)
            if key is None:
                key = Ed25519PublicKey.from_public_bytes(public_raw)
                if len(self._keys) < 4096:
                    self._keys[public_raw] = key
            key.verify(signature, message)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


_DEFAULT_CACHE = PublicKeyCache()


def verify_signature(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    return _DEFAULT_CACHE.verify(public_raw, signature, message)
