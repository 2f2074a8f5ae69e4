"""The study meeting's check-in pass (SPEC §10): a pass the root key signed verifies offline
within ±4 slots, and nothing else ever does — forged, tampered, stale, another key's, a card's
QR or random text — each refused with a reason in words, never an exception."""

from __future__ import annotations

import cbor2
from base45 import b45encode
from hypothesis import given
from hypothesis import strategies as st

from app.card import slot_of
from app.cose import sign1
from app.keys import KeyPair
from app.meeting_pass import (
    CODE_ALPHABET,
    FORGED,
    NOT_A_PASS,
    NOT_CURRENT,
    PREFIX,
    MeetingPass,
    PassRefused,
    issue_pass,
    normalize_short_code,
    open_pass,
    short_code,
    verify_pass,
)
from app.qrtext import decode_qr_text
from tests.fakes import NOW

ROOT = KeyPair.generate()
SLOT = slot_of(NOW)
KEY = bytes(range(32))


def _pass(meeting_id: int = 7, slot: int = SLOT, key: KeyPair = ROOT) -> str:
    return issue_pass(meeting_id, slot, short_code(KEY, meeting_id, slot), key)


def _refusal(result: MeetingPass | PassRefused) -> str:
    assert isinstance(result, PassRefused), result
    assert result.zh and result.en
    return result.reason


def test_a_signed_pass_verifies_within_four_slots_of_the_phones_clock() -> None:
    text = _pass()
    assert text.startswith(PREFIX)
    for drift in (-4, 0, 4):
        assert verify_pass(text, ROOT.public_raw, NOW + 30 * drift) == MeetingPass(
            7, SLOT, short_code(KEY, 7, SLOT))
    for drift in (-5, 5, 1000):
        assert _refusal(verify_pass(text, ROOT.public_raw, NOW + 30 * drift)) == NOT_CURRENT


def test_a_pass_signed_by_another_key_is_forged() -> None:
    assert _refusal(verify_pass(_pass(key=KeyPair.generate()), ROOT.public_raw, NOW)) == FORGED


def test_what_is_not_a_meeting_pass_says_so() -> None:
    card_like = "UP1:" + _pass()[len(PREFIX):]
    other_map = PREFIX + b45encode(sign1(cbor2.dumps({1: "x"}), ROOT, with_kid=False)).decode()
    for text in ("", "hello", card_like, other_map, PREFIX, PREFIX + "%%%%", "UPM1:AB"):
        assert _refusal(verify_pass(text, ROOT.public_raw, NOW)) == NOT_A_PASS


def test_a_pass_typed_through_a_chinese_input_method_still_verifies() -> None:
    text = _pass()
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert isinstance(verify_pass(wide, ROOT.public_raw, NOW), MeetingPass)


def test_open_pass_checks_the_signature_but_not_the_time() -> None:
    old = _pass(slot=SLOT - 10_000)
    assert open_pass(old, ROOT.public_raw) == MeetingPass(7, SLOT - 10_000,
                                                          short_code(KEY, 7, SLOT - 10_000))


def test_short_codes_are_six_unambiguous_characters_changing_with_slot_and_key() -> None:
    codes = {short_code(KEY, 7, slot) for slot in range(SLOT, SLOT + 50)}
    assert len(codes) == 50
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set(CODE_ALPHABET) & set("01OIL")
    assert short_code(KEY, 7, SLOT) != short_code(bytes(32), 7, SLOT)
    assert short_code(KEY, 7, SLOT) != short_code(KEY, 8, SLOT)


def test_a_typed_code_is_read_as_meant() -> None:
    assert normalize_short_code(" ab3-d9k ") == "AB3D9K"
    assert normalize_short_code("ＡＢ３Ｄ９Ｋ") == "AB3D9K"


@given(st.data())
def test_no_tampered_byte_of_a_pass_ever_verifies(data: st.DataObject) -> None:
    signed = bytearray(decode_qr_text("UP1:" + _pass()[len(PREFIX):]))
    index = data.draw(st.integers(0, len(signed) - 1))
    signed[index] ^= data.draw(st.integers(1, 255))
    text = PREFIX + b45encode(bytes(signed)).decode()
    assert isinstance(verify_pass(text, ROOT.public_raw, NOW), PassRefused)


@given(st.binary(max_size=300))
def test_random_bytes_never_verify(raw: bytes) -> None:
    assert isinstance(verify_pass(PREFIX + b45encode(raw).decode(), ROOT.public_raw, NOW),
                      PassRefused)


@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    assert isinstance(verify_pass(text, ROOT.public_raw, NOW), PassRefused)


@given(st.integers(1, 2**31 - 1), st.integers(0, 2**40))
def test_every_signed_pass_opens_as_it_was_made(meeting_id: int, slot: int) -> None:
    text = issue_pass(meeting_id, slot, short_code(KEY, meeting_id, slot), ROOT)
    assert open_pass(text, ROOT.public_raw) == MeetingPass(meeting_id, slot,
                                                           short_code(KEY, meeting_id, slot))
