"""QR images as PNG bytes, fast enough to redraw the card every 30 s (SPEC §9: ≤ 30 ms).

`qrcode` lays out the modules (alphanumeric mode for "UP1:" + base45); the PNG is written
here directly (8-bit grayscale, zlib), which is ~20× faster than pypng's per-pixel packing.
The mask pattern is fixed: any of the eight is valid QR, and choosing the "best" one costs
eight full layouts.
"""

from __future__ import annotations

import struct
import zlib

import qrcode
from qrcode.util import MODE_ALPHA_NUM, QRData

_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_DARK, _LIGHT = b"\x00", b"\xff"
_MASK = 2


def qr_modules(text: str, error_correction: str = "M") -> list[list[bool]]:
    """The module matrix (True = dark), without the quiet zone."""
    qr = qrcode.QRCode(error_correction=_LEVELS[error_correction], border=0, mask_pattern=_MASK)
    qr.add_data(QRData(text.encode("ascii"), mode=MODE_ALPHA_NUM))
    qr.make(fit=True)
    return [[bool(m) for m in row] for row in qr.get_matrix()]


def render_png(text: str, *, error_correction: str = "M", box_size: int = 8,
               border: int = 4) -> bytes:
    """PNG bytes of `text` as a QR code (M on screen, Q on print, SPEC §4)."""
    modules = qr_modules(text, error_correction)
    width = (len(modules) + 2 * border) * box_size
    quiet_row = b"\x00" + _LIGHT * width
    side = _LIGHT * (border * box_size)
    rows = [quiet_row] * (border * box_size)
    for line in modules:
        pixels = b"".join((_DARK if dark else _LIGHT) * box_size for dark in line)
        rows.extend([b"\x00" + side + pixels + side] * box_size)
    rows.extend([quiet_row] * (border * box_size))
    return _png(width, width, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(raw, 6)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
