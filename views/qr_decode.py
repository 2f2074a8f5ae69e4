"""QR codes in a camera picture (SPEC §3): the JPEG that `flet-camera`'s `take_picture()` returns,
decoded to the texts of the codes it shows.

Two decoders, whichever the platform has: zxing-cpp (robust; on a window PC, not on Flet's list of
phone wheels) and OpenCV's `cv2.QRCodeDetector` (opencv-python is on that list, so a phone build
decodes with it). Both are optional imports: a build with neither has no camera decoding, and
says so (`available()` is empty).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.meeting_pass import PREFIX as MEETING_PREFIX
from app.qrtext import PREFIX

Read = Callable[[bytes], list[str]]


@dataclass(frozen=True)
class QrDecoder:
    """One way to read QR codes out of encoded image bytes (JPEG, PNG)."""

    name: str
    read: Read


def zxing_decoder() -> QrDecoder | None:
    """zxing-cpp over the picture (decoded by Pillow, else OpenCV); None if it is not installed."""
    try:
        import zxingcpp
    except ImportError:
        return None

    def read(data: bytes) -> list[str]:
        image = _pillow_image(data)
        if image is None:
            image = _opencv_image(data)
        if image is None:
            return []
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found = zxingcpp.read_barcodes(image, formats=qr_only)
        return [str(code.text) for code in found if code.valid and code.text]

    return QrDecoder("zxing-cpp", read)


def opencv_decoder() -> QrDecoder | None:
    """OpenCV's QR detectors (one code per picture); None if opencv-python is not installed."""
    try:
        import cv2
    except ImportError:
        return None

    def read(data: bytes) -> list[str]:
        image = _opencv_image(data)
        if image is None:
            return []
        # The ArUco-based detector reads dense codes (a phone card is version 14) that the
        # classic one misses; the classic one reads some small ones the other misses; a
        # sharpened copy helps both with an out-of-focus picture.
        sharpened = cv2.addWeighted(image, 2.0, cv2.GaussianBlur(image, (0, 0), 2.0), -1.0, 0)
        for picture in (image, sharpened):
            for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
                text, _, _ = detector.detectAndDecode(picture)
                if text:
                    return [str(text)]
        return []

    return QrDecoder("opencv", read)


def available() -> list[QrDecoder]:
    """The decoders this platform has, best first: zxing-cpp, then OpenCV."""
    return [d for d in (zxing_decoder(), opencv_decoder()) if d is not None]


def decode(data: bytes, decoders: Sequence[QrDecoder] | None = None) -> list[str]:
    """The texts of the QR codes in the picture, from the first decoder that finds any."""
    for decoder in available() if decoders is None else decoders:
        found = decoder.read(data)
        if found:
            return found
    return []


def card_text(data: bytes, decoders: Sequence[QrDecoder] | None = None) -> str | None:
    """The first member-card QR text (`UP1:…`) in the picture, or None."""
    return prefixed_text(PREFIX, data, decoders)


def meeting_text(data: bytes, decoders: Sequence[QrDecoder] | None = None) -> str | None:
    """The first study meeting pass (`UPM1:…`, `app.meeting_pass`) in the picture, or None."""
    return prefixed_text(MEETING_PREFIX, data, decoders)


def prefixed_text(prefix: str, data: bytes,
                  decoders: Sequence[QrDecoder] | None = None) -> str | None:
    """The first QR text in the picture that starts with `prefix`, or None."""
    for decoder in available() if decoders is None else decoders:
        for text in decoder.read(data):
            if text.startswith(prefix):
                return text
    return None


def _pillow_image(data: bytes) -> Any | None:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        return None
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return image.convert("L")


def _opencv_image(data: bytes) -> Any | None:
    """A grayscale array, or None when OpenCV is missing or the bytes are no image."""
    try:
        import cv2
        import numpy as np
    except ImportError:
        return None
    if not data:
        return None
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return image if image is not None and image.size else None
