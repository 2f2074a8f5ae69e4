"""Proof that a device holds the private half of the key it asks the district to bind.

Activating a phone and enrolling a window or a cadre's phone send the device's Ed25519 public
key with a signature, made by that key, over one of these byte strings; the district refuses a
key the request cannot sign for (a key copied from someone else's QR code). Each string names
its purpose and binds the one-time code, so a signature made for one code and purpose is useless
for any other:

    activation  b"UnionPass activate v1\\n" + member_no + b"\\n" + code + b"\\n" + public key
    window      b"UnionPass window enroll v1\\n" + code + b"\\n" + public key
    cadre       b"UnionPass cadre enroll v1\\n" + code + b"\\n" + public key

`member_no` is UTF-8 as sent (without surrounding spaces), `code` is the code in capitals
without spaces or dashes (`normalize_code`), the public key its raw 32 bytes.
"""

from __future__ import annotations

from app.cadre_wire import ENROLL_CONTEXT as CADRE_ENROLL
from app.keys import KeyPair, verify_signature

ACTIVATE = b"UnionPass activate v1\n"
WINDOW_ENROLL = b"UnionPass window enroll v1\n"


def normalize_code(code: str) -> str:
    """What was typed, without spaces or dashes, in capitals (`k7qm-3xpa` → `K7QM3XPA`)."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def activation_message(member_no: str, code: str, public_key: bytes) -> bytes:
    return (ACTIVATE + member_no.strip().encode() + b"\n" + normalize_code(code).encode()
            + b"\n" + public_key)


def window_message(code: str, public_key: bytes) -> bytes:
    return WINDOW_ENROLL + normalize_code(code).encode() + b"\n" + public_key


def cadre_message(code: str, public_key: bytes) -> bytes:
    """What a cadre's phone signs to enroll (`app.cadre_wire.ENROLL_CONTEXT`): with a key it
    makes for this enrollment, never its member card's key."""
    return CADRE_ENROLL + normalize_code(code).encode() + b"\n" + public_key


def sign_activation(key: KeyPair, member_no: str, code: str) -> bytes:
    return key.sign(activation_message(member_no, code, key.public_raw))


def sign_window(key: KeyPair, code: str) -> bytes:
    return key.sign(window_message(code, key.public_raw))


def sign_cadre(key: KeyPair, code: str) -> bytes:
    return key.sign(cadre_message(code, key.public_raw))


def activation_signed(member_no: str, code: str, public_key: bytes, signature: bytes) -> bool:
    """True when `signature` is the key's own over this activation; never raises."""
    return verify_signature(public_key, signature,
                            activation_message(member_no, code, public_key))


def window_signed(code: str, public_key: bytes, signature: bytes) -> bool:
    return verify_signature(public_key, signature, window_message(code, public_key))


def cadre_signed(code: str, public_key: bytes, signature: bytes) -> bool:
    """True when `signature` is the key's own over this cadre enrollment; never raises."""
    return verify_signature(public_key, signature, cadre_message(code, public_key))
