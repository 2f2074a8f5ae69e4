"""QR text: "UP1:" + base45 (RFC 9285) of the COSE or CBOR bytes (SPEC §4).

Encoding uses the `base45` package. Decoding is on the window's hot path, where that
package's per-character loop costs as much as an Ed25519 verification; `b45decode` here
works on character pairs and is tested against the package on arbitrary input.
"""

from __future__ import annotations

import struct

import base45

PREFIX = "UP1:"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_TABLE = bytes(ALPHABET.index(chr(c)) if chr(c) in ALPHABET else 0xFF for c in range(256))

class QrTextError(ValueError):
    """The text is not a UnionPass QR text. `args[0]` is "prefix" or "base45"."""


def encode_qr_text(data: bytes) -> str:
    encoded: bytes = base45.b45encode(data)
    return PREFIX + encoded.decode("ascii")


def b45decode(text: str) -> bytes:
    """RFC 9285 decoding; raises ValueError on a bad character, length or value."""
    digits = text.encode("ascii").translate(_TABLE)
    if 0xFF in digits or len(digits) % 3 == 1:
        raise ValueError("invalid base45 character or length")
    full = len(digits) - len(digits) % 3
    values = [a + b * 45 + c * 2025 for a, b, c in
              zip(digits[0:full:3], digits[1:full:3], digits[2:full:3], strict=True)]
    tail = [digits[full] + digits[full + 1] * 45] if full < len(digits) else []
    if (values and max(values) > 0xFFFF) or (tail and tail[0] > 0xFF):
        raise ValueError("invalid base45 value")
    return struct.pack(f">{len(values)}H", *values) + bytes(tail)


def decode_qr_text(text: str) -> bytes:
    """Bytes inside a QR text; raises QrTextError("prefix" | "base45")."""
    cleaned = text.strip()
    if not cleaned.startswith(PREFIX):
        raise QrTextError("prefix")
    try:
        return b45decode(cleaned[len(PREFIX) :])
    except ValueError as exc:
        raise QrTextError("base45") from exc
