"""QR text: "UP1:" + base45 (RFC 9285) of the COSE or CBOR bytes (SPEC §4).

Encoding uses the `base45` package. Decoding is on the window's hot path, where that
package's per-character loop costs as much as an Ed25519 verification; `b45decode` here
works on character pairs and is tested against the package on arbitrary input.

A scanner gun types the code as key presses. On a window PC with a Chinese input method
switched on, those keys arrive as full-width characters (`UP1：…％…`, a full-width space) or
as Chinese punctuation (`。` for `.`, `￥` for `$`): `from_input_method` turns them back
before decoding, so such a scan reads as the card it is.
"""

from __future__ import annotations

import base45

PREFIX = "UP1:"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_TABLE = bytes(ALPHABET.index(chr(c)) if chr(c) in ALPHABET else 0xFF for c in range(256))

# Full-width forms U+FF01–FF5E are ASCII 0x21–0x7E shifted by 0xFEE0; U+3000 is the
# full-width space. A Chinese input method's own punctuation for the base45 alphabet's
# symbols: 。 for `.`, ￥ (or ¥) for `$`, 、 for `/` (the key some input methods map to it).
_IME = {**{0xFF01 + i: 0x21 + i for i in range(0x5E)}, 0x3000: 0x20, ord("。"): ord("."),
        ord("￥"): ord("$"), ord("¥"): ord("$"), ord("、"): ord("/")}


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
    head = _triples(digits[0:full:3], digits[1:full:3], digits[2:full:3])
    if full == len(digits):
        return head
    tail = digits[full] + digits[full + 1] * 45
    if tail > 0xFF:
        raise ValueError("invalid base45 value")
    return head + bytes([tail])


def _triples(low: bytes, mid: bytes, high: bytes) -> bytes:
    """low + 45·mid + 2025·high for every position at once, as 2-byte big-endian values.

    Each digit goes into its own 4-byte lane of one big integer, so the arithmetic runs in C;
    a lane's sum stays below 2**17 and never carries into the next.
    """
    n = len(low)
    lanes = [bytearray(4 * n) for _ in range(3)]
    for lane, digits in zip(lanes, (low, mid, high), strict=True):
        lane[3::4] = digits
    total = sum(int.from_bytes(lane, "big") * w for lane, w in zip(lanes, (1, 45, 2025),
                                                                    strict=True))
    packed = total.to_bytes(4 * n, "big")
    if packed[0::4].count(0) != n or packed[1::4].count(0) != n:
        raise ValueError("invalid base45 value")
    out = bytearray(2 * n)
    out[0::2], out[1::2] = packed[2::4], packed[3::4]
    return bytes(out)


def from_input_method(text: str) -> str:
    """The text a scanner gun meant, from what a Chinese input method made of its keys:
    full-width letters, digits, symbols and space to ASCII, and 。￥、 to `.`, `$`, `/`."""
    return text if text.isascii() else text.translate(_IME)


def decode_qr_text(text: str) -> bytes:
    """Bytes inside a QR text (typed through a Chinese input method or not); raises
    QrTextError("prefix" | "base45")."""
    cleaned = from_input_method(text).strip()
    if not cleaned.startswith(PREFIX):
        raise QrTextError("prefix")
    try:
        return b45decode(cleaned[len(PREFIX) :])
    except ValueError as exc:
        raise QrTextError("base45") from exc
