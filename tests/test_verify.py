"""Every failure of SPEC §4 has its own reason, produced from real signed cards."""

from __future__ import annotations

from collections.abc import Callable

import cbor2
import pytest

from app.card import present
from app.chinatime import china_day
from app.keys import KeyPair
from app.models import CardKind
from app.person import person_of
from app.qrtext import encode_qr_text
from app.trust import Status
from app.verify import Freshness, Reason, Verifier
from tests.fakes import DAY, NOW, YEAR
from tests.kit import Kit, phone_text, static_text


@pytest.fixture
def kit() -> Kit:
    return Kit()


@pytest.fixture
def phone() -> KeyPair:
    return KeyPair.generate()


def test_a_members_phone_card_is_valid_with_name_and_kind(kit: Kit, phone: KeyPair) -> None:
    verdict = kit.verifier().verify(phone_text(kit.card(kit.claims(holder=phone)), phone), NOW)
    assert verdict.valid and verdict.reason is Reason.OK
    assert (verdict.kind, verdict.serial, verdict.name) == (CardKind.MEMBER, 100_001, "陈建国")
    assert not verdict.check_id


def test_a_family_card_is_valid_as_family(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(100_002, CardKind.FAMILY, phone, name="王喆"))
    verdict = kit.verifier().verify(phone_text(card, phone), NOW)
    assert verdict.valid and verdict.kind is CardKind.FAMILY and verdict.name == "王喆"


def test_a_printed_static_card_is_valid_but_asks_to_check_id(kit: Kit) -> None:
    verdict = kit.verifier().verify(static_text(kit.card(kit.claims())), NOW)
    assert verdict.valid and verdict.static and verdict.check_id


def test_a_card_typed_through_a_chinese_input_method_is_still_valid(
        kit: Kit, phone: KeyPair) -> None:
    """A window PC's Chinese input method turns the scanner gun's `:` and `%` into `：` and
    `％` (and letters, digits and space into their full-width forms)."""
    text = phone_text(kit.card(kit.claims(holder=phone)), phone)
    assert "%" in text or " " in text or "$" in text  # the symbols an input method changes
    typed = text.replace(":", "：").replace("%", "％").replace(" ", "\u3000")
    assert kit.verifier().verify(typed, NOW).valid
    every_key = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)
    verdict = kit.verifier().verify(every_key, NOW)
    assert verdict.valid and verdict.name == "陈建国"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("hello", Reason.NOT_UNIONPASS),
        ("", Reason.NOT_UNIONPASS),
        ("UP1:a", Reason.BAD_BASE45),
        ("UP1:ABCD", Reason.BAD_BASE45),
        (encode_qr_text(b"\xff\xff"), Reason.BAD_CBOR),
        (encode_qr_text(cbor2.dumps([1, 2, 3])), Reason.BAD_STRUCTURE),
        (encode_qr_text(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"", b""]))), Reason.BAD_STRUCTURE),
    ],
)
def test_text_that_is_not_a_card_gets_its_reason(kit: Kit, text: str, reason: Reason) -> None:
    assert kit.verifier().verify(text, NOW).reason is reason


def test_a_card_from_an_issuer_outside_the_district_is_refused(kit: Kit, phone: KeyPair) -> None:
    stranger = Kit()
    card = stranger.card(stranger.claims(holder=phone))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.UNKNOWN_ISSUER


def test_a_tampered_card_has_an_invalid_signature(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    tampered = card.replace("陈建国".encode(), "陈建军".encode())
    assert tampered != card
    assert kit.verifier().verify(phone_text(tampered, phone), NOW).reason is Reason.BAD_SIGNATURE


def test_an_issuer_signing_outside_its_serial_range_is_refused(kit: Kit, phone: KeyPair) -> None:
    kit.add_town("WZ-DS", 200_000, 299_999)
    card = kit.card(kit.claims(150_000, holder=phone, issuer_id="WZ-DS"), town="WZ-DS")
    verdict = kit.verifier().verify(phone_text(card, phone), NOW)
    assert verdict.reason is Reason.SERIAL_OUT_OF_RANGE


def test_a_card_issued_after_the_issuer_key_expired_is_refused(kit: Kit, phone: KeyPair) -> None:
    kit.towns["WZ-MD"].not_after = NOW - DAY
    card = kit.card(kit.claims(holder=phone, exp=NOW - 2 * DAY))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.ISSUER_NOT_VALID


def test_a_card_outlasting_its_issuer_is_refused(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone, exp=NOW + 10 * YEAR))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.EXP_BEYOND_ISSUER


def test_an_expired_card_is_refused(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone, iat=NOW - YEAR, exp=NOW - DAY))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.EXPIRED


def test_a_card_not_yet_valid_is_refused(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone, iat=NOW + DAY))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.NOT_YET_VALID


def test_a_window_clock_minutes_behind_the_district_takes_a_card_just_issued(
        kit: Kit, phone: KeyPair) -> None:
    just_issued = kit.card(kit.claims(holder=phone, iat=NOW + 2 * 60))
    assert kit.verifier().verify(phone_text(just_issued, phone), NOW).valid
    far_ahead = kit.card(kit.claims(holder=phone, iat=NOW + 10 * 60))
    verdict = kit.verifier().verify(phone_text(far_ahead, phone), NOW)
    assert verdict.reason is Reason.NOT_YET_VALID


@pytest.mark.parametrize(("status", "reason"),
                         [(Status.REVOKED, Reason.REVOKED), (Status.SUSPENDED, Reason.SUSPENDED)])
def test_revoked_and_suspended_cards_are_refused(kit: Kit, phone: KeyPair, status: Status,
                                                 reason: Reason) -> None:
    kit.revoked[100_001] = status
    card = kit.card(kit.claims(holder=phone))
    verdict = kit.verifier().verify(phone_text(card, phone), NOW)
    assert verdict.reason is reason and verdict.name == "陈建国"


def test_a_serial_beyond_the_status_list_is_refused(kit: Kit, phone: KeyPair) -> None:
    kit.towns["WZ-MD"].serial_hi = 500_000
    card = kit.card(kit.claims(300_000, holder=phone))
    assert kit.verifier().verify(phone_text(card, phone), NOW).reason is Reason.NOT_IN_STATUS_LIST


def test_a_screenshot_older_than_two_minutes_is_stale(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    assert kit.verifier().verify(phone_text(card, phone, NOW - 90), NOW).valid
    verdict = kit.verifier().verify(phone_text(card, phone, NOW - 300), NOW)
    assert verdict.reason is Reason.STALE_PRESENTATION


def test_a_card_shown_from_another_phone_is_refused(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    thief = KeyPair.generate()
    assert kit.verifier().verify(phone_text(card, thief), NOW).reason is Reason.BAD_PRESENTATION


def test_a_presentation_of_another_card_does_not_match(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    other = kit.card(kit.claims(100_005, holder=phone))
    text = encode_qr_text(cbor2.dumps([card, present(other, phone, NOW)]))
    assert kit.verifier().verify(text, NOW).reason is Reason.DIGEST_MISMATCH


def test_a_phone_card_without_its_presentation_is_refused(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    assert kit.verifier().verify(static_text(card), NOW).reason is Reason.PRESENTATION_MISSING


def test_a_family_card_of_a_revoked_member_is_refused(kit: Kit, phone: KeyPair) -> None:
    kit.revoked[100_001] = Status.REVOKED
    card = kit.card(kit.claims(100_002, CardKind.FAMILY, phone))
    verdict = kit.verifier().verify(phone_text(card, phone), NOW)
    assert verdict.reason is Reason.PRIMARY_NOT_VALID


def test_a_device_clock_behind_the_lists_is_a_reason(kit: Kit, phone: KeyPair) -> None:
    card = kit.card(kit.claims(holder=phone))
    verdict = kit.verifier().verify(phone_text(card, phone, NOW - 7200), NOW - 7200)
    assert verdict.reason is Reason.CLOCK_BEHIND_LISTS


def test_a_window_clock_minutes_behind_lists_just_signed_still_sells(kit: Kit,
                                                                      phone: KeyPair) -> None:
    text = phone_text(kit.card(kit.claims(holder=phone)), phone)
    kit.lists_issued_at = NOW + 2 * 60
    verdict = kit.verifier().verify(text, NOW)
    assert verdict.valid and verdict.freshness is Freshness.FRESH
    kit.lists_issued_at = NOW + 10 * 60
    assert kit.verifier().verify(text, NOW).reason is Reason.CLOCK_BEHIND_LISTS


def test_a_window_without_lists_says_so(kit: Kit, phone: KeyPair) -> None:
    text = phone_text(kit.card(kit.claims(holder=phone)), phone)
    assert Verifier(None, None).verify(text, NOW).reason is Reason.NO_LISTS


def test_lists_a_few_days_old_still_sell_with_an_id_check(kit: Kit, phone: KeyPair) -> None:
    kit.lists_issued_at = NOW - 3 * DAY
    verdict = kit.verifier().verify(phone_text(kit.card(kit.claims(holder=phone)), phone), NOW)
    assert verdict.valid and verdict.freshness is Freshness.AGING and verdict.check_id


def test_lists_older_than_a_week_need_an_override(kit: Kit, phone: KeyPair) -> None:
    kit.lists_issued_at = NOW - 8 * DAY
    text = phone_text(kit.card(kit.claims(holder=phone)), phone)
    assert kit.verifier().verify(text, NOW).reason is Reason.LISTS_TOO_OLD
    overridden = Verifier(kit.trust(), kit.status(), stale_override=True)
    assert overridden.verify(text, NOW).valid


class Ledger:
    def __init__(self) -> None:
        self.sales: set[tuple[str, str, int]] = set()
        self.presentations: set[bytes] = set()

    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int:
        return int((person, spot_id, day) in self.sales)

    def presentation_used(self, presentation_id: bytes) -> bool:
        return presentation_id in self.presentations


def test_one_discount_per_person_per_spot_per_day(kit: Kit, phone: KeyPair) -> None:
    ledger = Ledger()
    verifier = kit.verifier("mudu", ledger)
    claims = kit.claims(holder=phone)
    card = kit.card(claims)
    first = verifier.verify(phone_text(card, phone), NOW)
    assert first.valid and first.presentation_id is not None
    ledger.sales.add((person_of(claims), "mudu", china_day(NOW)))
    assert verifier.verify(phone_text(card, phone, NOW + 60), NOW + 60).reason is (
        Reason.ALREADY_USED_TODAY)
    printed = static_text(kit.card(kit.claims(100_777, member_no=claims.member_no)))  # his
    assert verifier.verify(printed, NOW + 60).reason is Reason.ALREADY_USED_TODAY
    wife = static_text(kit.card(kit.claims(100_002, CardKind.FAMILY, name="王喆",
                                           id_last4="5208")))
    assert verifier.verify(wife, NOW + 60).valid
    assert verifier.verify(phone_text(card, phone, NOW + DAY), NOW + DAY).valid


def test_a_presentation_used_for_a_sale_cannot_buy_again(kit: Kit, phone: KeyPair) -> None:
    ledger = Ledger()
    verifier = kit.verifier("mudu", ledger)
    text = phone_text(kit.card(kit.claims(holder=phone)), phone)
    pid = verifier.verify(text, NOW).presentation_id
    assert pid is not None
    ledger.presentations.add(pid)
    assert verifier.verify(text, NOW).reason is Reason.PRESENTATION_USED


def _reframed(cose: bytes, unprotected: dict[int, object]) -> bytes:
    protected, _, payload, signature = cbor2.loads(cose).value
    return cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))


Reshape = Callable[[bytes, bytes], bytes]
RESHAPINGS: dict[str, tuple[Reshape, Reason]] = {
    "a byte after the code": (lambda c, p: cbor2.dumps([c, p]) + b"\x00", Reason.BAD_CBOR),
    "a byte after the card": (lambda c, p: cbor2.dumps([c + b"\x00", p]), Reason.BAD_CBOR),
    "a byte after the presentation": (lambda c, p: cbor2.dumps([c, p + b"\x00"]),
                                      Reason.BAD_CBOR),
    "a kid in the card's unprotected header": (
        lambda c, p: cbor2.dumps([_reframed(c, {4: b"x"}), p]), Reason.BAD_STRUCTURE),
    "a kid in the presentation's unprotected header": (
        lambda c, p: cbor2.dumps([c, _reframed(p, {4: b"x"})]), Reason.BAD_STRUCTURE),
    "an indefinite-length array": (lambda c, p: b"\x9f" + cbor2.dumps([c, p])[1:] + b"\xff",
                                   Reason.BAD_CBOR),
    "a two-byte array head": (lambda c, p: b"\x98\x02" + cbor2.dumps([c, p])[1:],
                              Reason.BAD_CBOR),
}


@pytest.mark.parametrize("how", RESHAPINGS)
def test_a_code_reshaped_around_its_signatures_is_refused_as_damaged(kit: Kit, phone: KeyPair,
                                                                     how: str) -> None:
    card = kit.card(kit.claims(holder=phone))
    reshape, reason = RESHAPINGS[how]
    code = reshape(card, present(card, phone, NOW))
    assert kit.verifier().verify(encode_qr_text(code), NOW).reason is reason


def test_a_printed_card_with_a_byte_after_it_is_refused_as_damaged(kit: Kit) -> None:
    card = kit.card(kit.claims())
    assert kit.verifier().verify(encode_qr_text(card + b"\x00"), NOW).reason is Reason.BAD_CBOR
