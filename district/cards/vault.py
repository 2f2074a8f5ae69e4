"""Private keys at rest: scrypt turns the passphrase into a key, AES-GCM seals each private key.

The passphrase comes from `passphrase.py`. Private keys never leave this process; other secrets
(the console's cookie key) are derived from the vault's key, so the database holds none in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from district.errors import KeyLocked

MAGIC = b"UPK1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
NONCE = 12


def derive_key(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode("utf-8"))


@dataclass(frozen=True, repr=False)
class Vault:
    """Seals and opens private keys with a key derived once from the passphrase."""

    key: bytes
    _aead: AESGCM = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_aead", AESGCM(self.key))

    @classmethod
    def unlock(cls, passphrase: str, salt: bytes) -> Vault:
        return cls(derive_key(passphrase, salt))

    def seal(self, secret: bytes, label: bytes) -> bytes:
        """`label` (the public key) is bound as associated data: a sealed blob cannot be moved."""
        nonce = secrets.token_bytes(NONCE)
        return MAGIC + nonce + self._aead.encrypt(nonce, secret, label)

    def open(self, sealed: bytes, label: bytes) -> bytes:
        if not sealed.startswith(MAGIC):
            raise KeyLocked("私钥格式无法识别", "a sealed private key has an unknown format")
        nonce, body = sealed[len(MAGIC):len(MAGIC) + NONCE], sealed[len(MAGIC) + NONCE:]
        try:
            return self._aead.decrypt(nonce, body, label)
        except InvalidTag as exc:
            raise KeyLocked("密钥口令错误，无法打开私钥",
                            "wrong key passphrase: the private keys cannot be opened") from exc

    def derive(self, purpose: bytes) -> bytes:
        """A 32-byte key for `purpose` (HKDF-SHA256 of the vault's key): the same in every
        server instance that unlocks the same district, and nowhere on disk."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(self.key)

    def __repr__(self) -> str:
        return "Vault(<locked>)"


def new_salt() -> bytes:
    return secrets.token_bytes(16)
