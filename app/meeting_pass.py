"""The study meeting's check-in pass (SPEC §10, normative): what the meeting room's screen shows
and a cadre's phone scans.

The QR text is `"UPM1:"` + base45 of a COSE_Sign1 by the district root key over the CBOR map
`{1: meeting id, 2: slot, 3: short code}`, slot = floor(unix seconds / 30). The phone checks it
offline with the root key it pinned at enrollment (`verify_pass`: signature, and the slot within
±4 of its clock) and keeps the text in its check-in record; the district opens it again on sync
(`open_pass`) and checks the slot against the meeting's time. The 6-character short code beneath
the QR changes with the slot: HMAC of the meeting's secret `code_key` over its id and the slot,
in an alphabet without look-alikes (`short_code`).

Nothing here raises on what was scanned: a text that is not a pass is a `PassRefused` with the
reason in words.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import cbor2
from base45 import b45encode

from app.card import SLOT_SECONDS, slot_of
from app.cose import CBOR_MAPS, CoseError, decode_map, decode_sign1, sign1
from app.keys import KeyPair, verify_signature
from app.qrtext import b45decode, from_input_method

PREFIX = "UPM1:"
SLOT_TOLERANCE = 4  # slots either side of the phone's clock
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6
MEETING, SLOT, CODE = 1, 2, 3
NOT_A_PASS, FORGED, NOT_CURRENT = "not_a_meeting_code", "forged", "not_current"


@dataclass(frozen=True)
class MeetingPass:
    """A pass the root key signed: which meeting, which 30-second slot, its short code."""

    meeting_id: int
    slot: int
    code: str

    @property
    def at(self) -> int:
        """The first second of the pass's slot."""
        return self.slot * SLOT_SECONDS


@dataclass(frozen=True)
class PassRefused:
    """Why a scanned text is not a pass to check in with, in Chinese and English."""

    reason: str
    zh: str
    en: str


def short_code(code_key: bytes, meeting_id: int, slot: int) -> str:
    """The 6 characters shown beneath the QR during `slot` (the same on every server)."""
    mac = hmac.new(code_key, f"{meeting_id}|{slot}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def normalize_short_code(typed: str) -> str:
    """What a cadre typed, in capitals, without spaces or dashes."""
    return "".join(ch for ch in from_input_method(typed).upper() if ch.isascii() and ch.isalnum())


def issue_pass(meeting_id: int, slot: int, code: str, root: KeyPair) -> str:
    """The QR text of one slot's pass, signed by the district root key."""
    payload = cbor2.dumps({MEETING: meeting_id, SLOT: slot, CODE: code})
    signed = sign1(payload, root, with_kid=False)
    encoded: bytes = b45encode(signed)
    return PREFIX + encoded.decode("ascii")


_NOT_A_PASS = PassRefused(NOT_A_PASS, "这不是学习例会的签到码", "this is not a study meeting's "
                          "check-in code")
_FORGED = PassRefused(FORGED, "签到码不是区总工会签发的（可能是伪造的）",
                      "this check-in code was not signed by the district (forged?)")


def open_pass(text: str, root_public_key: bytes) -> MeetingPass | PassRefused:
    """The pass in `text` if the root key signed it, whenever that was; else why not."""
    if not isinstance(text, str):
        return _NOT_A_PASS
    cleaned = from_input_method(text).strip()
    if not cleaned.startswith(PREFIX):
        return _NOT_A_PASS
    try:
        signed = decode_sign1(b45decode(cleaned[len(PREFIX):]))
    except (ValueError, CoseError):
        return _NOT_A_PASS
    if not verify_signature(root_public_key, signed.signature, signed.to_be_signed()):
        return _FORGED
    try:
        claims = decode_map(signed.payload)
    except CoseError:
        return _NOT_A_PASS
    return _claims(claims) or _NOT_A_PASS


def _claims(claims: object) -> MeetingPass | None:
    if not isinstance(claims, CBOR_MAPS) or set(claims) != {MEETING, SLOT, CODE}:
        return None
    meeting, slot, code = claims[MEETING], claims[SLOT], claims[CODE]
    if type(meeting) is not int or type(slot) is not int or type(code) is not str:
        return None
    if meeting < 1 or slot < 0 or len(code) != CODE_LENGTH:
        return None
    return MeetingPass(meeting, slot, code)


def verify_pass(text: str, root_public_key: bytes, now: float) -> MeetingPass | PassRefused:
    """Offline, on the phone: the pass if the root key signed it and its slot is within ±4 of
    `now`'s (a QR photographed and passed around is stale in two minutes)."""
    opened = open_pass(text, root_public_key)
    if isinstance(opened, PassRefused):
        return opened
    if abs(opened.slot - slot_of(now)) > SLOT_TOLERANCE:
        return PassRefused(NOT_CURRENT,
                           "签到码已过期或不是现在的：请扫描会场屏幕上正在显示的二维码",
                           "this check-in code is not current: scan the one the meeting "
                           "room's screen shows now")
    return opened
