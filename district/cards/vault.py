"""Private keys at rest: scrypt turns the passphrase into a key, AES-GCM seals each private key.

The passphrase comes from UNIONPASS_KEY_PASSPHRASE, or from `key-passphrase` in the data
directory (generated at `init`, mode 0600). Private keys never leave this process.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from district.errors import KeyLocked
from district.settings import PASSPHRASE_ENV, Settings

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

    def __repr__(self) -> str:
        return "Vault(<locked>)"


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def read_passphrase(settings: Settings) -> str:
    """The passphrase from the settings (environment) or the data directory's file."""
    if settings.passphrase:
        return settings.passphrase
    path = settings.passphrase_file
    if not path.exists():
        raise KeyLocked(
            "未设置密钥口令：请设置 UNIONPASS_KEY_PASSPHRASE 或先运行 init",
            f"no key passphrase: set {PASSPHRASE_ENV} or run init to create {path}")
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise KeyLocked("密钥口令文件为空", f"the key passphrase file is empty: {path}")
    return text


def ensure_passphrase(settings: Settings) -> str:
    """At `init`: the configured passphrase, or a new random one written with mode 0600."""
    if settings.passphrase or settings.passphrase_file.exists():
        return read_passphrase(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    passphrase = secrets.token_urlsafe(32)
    fd = os.open(settings.passphrase_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(passphrase + "\n")
    return passphrase
