"""The backup file: a snapshot sealed with AES-GCM under a key that scrypt derives from the
district's key passphrase (as `district.cards.vault` seals private keys).

Layout: the magic line, a JSON header line (scrypt parameters, salt, nonce, and a check value
derived with the key), then the ciphertext. The magic and the header are the AES-GCM associated
data, so nothing in the file can be changed unnoticed; the check value tells a wrong passphrase
apart from a damaged file before anything is decrypted.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from district.cards.vault import SCRYPT_N, SCRYPT_P, SCRYPT_R
from district.errors import Invalid, KeyLocked

MAGIC = b"UNIONPASS-BACKUP 1\n"
SALT, NONCE, KEY, CHECK = 16, 12, 32, 16
MAX_HEADER = 1024
NOT_A_BACKUP = ("这不是工会通的备份文件", "this is not a UnionPass backup file")
DAMAGED = ("备份文件已损坏或被改动，没有恢复任何内容",
           "the backup file is damaged or was altered; nothing was restored")


def seal(payload: bytes, passphrase: str) -> bytes:
    """`payload` encrypted under the passphrase, with a fresh salt and nonce."""
    nonce = secrets.token_bytes(NONCE)
    header: dict[str, Any] = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                              "salt": secrets.token_hex(SALT), "nonce": nonce.hex()}
    key, check = _derive(passphrase, header)
    line = json.dumps({**header, "check": check.hex()}, sort_keys=True).encode("ascii") + b"\n"
    return MAGIC + line + AESGCM(key).encrypt(nonce, payload, MAGIC + line)


def unseal(blob: bytes, passphrase: str) -> bytes:
    """The payload; `KeyLocked` for a wrong passphrase, `Invalid` for any other file."""
    if not blob.startswith(MAGIC):
        raise Invalid(*NOT_A_BACKUP)
    line, _, body = blob[len(MAGIC):].partition(b"\n")
    header = _header(line)
    key, check = _derive(passphrase, header)
    if not secrets.compare_digest(check.hex(), header["check"]):
        raise KeyLocked("密钥口令不对，打不开这份备份（它用备份时区总工会的密钥口令加密）",
                        "wrong key passphrase: the backup is sealed with the passphrase the "
                        "district had when it was made")
    try:
        return AESGCM(key).decrypt(bytes.fromhex(header["nonce"]), body,
                                   MAGIC + line + b"\n")
    except InvalidTag as exc:
        raise Invalid(*DAMAGED) from exc


def _header(line: bytes) -> dict[str, Any]:
    """The header, checked: scrypt's cost within bounds (a hostile file cannot make the restore
    take gigabytes), salt, nonce and check of the right size."""
    try:
        if len(line) > MAX_HEADER:
            raise ValueError("header too long")
        header = json.loads(line.decode("ascii"))
        n, r, p = int(header["n"]), int(header["r"]), int(header["p"])
        sizes = [len(bytes.fromhex(header[k])) for k in ("salt", "nonce", "check")]
        if header["kdf"] != "scrypt" or sizes != [SALT, NONCE, CHECK]:
            raise ValueError("unknown key derivation or sizes")
        if not (2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
            raise ValueError("scrypt parameters out of range")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise Invalid(*DAMAGED) from exc
    return dict(header)


def _derive(passphrase: str, header: dict[str, Any]) -> tuple[bytes, bytes]:
    """The AES key and the check value, both from one scrypt run."""
    kdf = Scrypt(salt=bytes.fromhex(header["salt"]), length=KEY + CHECK, n=int(header["n"]),
                 r=int(header["r"]), p=int(header["p"]))
    derived = kdf.derive(passphrase.encode("utf-8"))
    return derived[:KEY], derived[KEY:]
