"""Property tests of the credential codecs (SPEC §4): round trips, tampering, garbage."""

from __future__ import annotations

import base45
import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from app.card import CardClaims, decode_claims, encode_claims, phone_qr_payload, present
from app.cose import decode_sign1
from app.keys import KeyPair
from app.models import CardKind
from app.qrtext import b45decode, decode_qr_text, encode_qr_text
from app.trust import (
    Issuer,
    Status,
    StatusList,
    TrustList,
    open_status_list,
    open_trust_list,
    sign_status_list,
    sign_trust_list,
)
from app.verify import Reason
from tests.fakes import NOW
from tests.kit import Kit, phone_text

KIT = Kit()
PHONE = KeyPair.generate()
CARD = KIT.card(KIT.claims(holder=PHONE))
PRESENTATION = present(CARD, PHONE, NOW)
VERIFIER = KIT.verifier()

texts = st.text(st.characters(codec="utf-8"), max_size=60)
u32 = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def claims(draw: st.DrawFn) -> CardClaims:
    kind = draw(st.sampled_from(CardKind))
    family = kind is CardKind.FAMILY
    return CardClaims(
        serial=draw(u32), kind=kind, name=draw(texts), member_no=draw(texts),
        union=draw(texts), id_last4=draw(st.text("0123456789X", min_size=4, max_size=4)),
        issuer_id=draw(texts), iat=draw(u32), exp=draw(u32),
        holder_key=draw(st.one_of(st.none(), st.binary(min_size=32, max_size=32))),
        primary_serial=draw(u32) if family else None,
        relation=draw(texts) if family else None,
        titles=tuple(draw(st.lists(texts, max_size=3))),
    )


@given(claims())
def test_card_claims_round_trip(c: CardClaims) -> None:
    assert decode_claims(encode_claims(c)) == c


@given(st.binary(max_size=600))
def test_qr_text_round_trips_any_bytes(data: bytes) -> None:
    text = encode_qr_text(data)
    assert text.startswith("UP1:") and decode_qr_text(text) == data


@given(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", max_size=40))
def test_fast_base45_agrees_with_the_base45_package(text: str) -> None:
    try:
        expected: bytes | None = bytes(base45.b45decode(text))
    except ValueError:
        expected = None
    try:
        ours: bytes | None = b45decode(text)
    except ValueError:
        ours = None
    assert ours == expected


@given(st.dictionaries(st.integers(0, 999), st.sampled_from(Status), max_size=30))
def test_status_list_round_trip(changes: dict[int, Status]) -> None:
    sl = StatusList.empty(1000, 1, NOW).with_statuses(changes, 2, NOW + 5)
    opened = open_status_list(sign_status_list(sl, KIT.root), KIT.root.public_raw)
    assert opened == sl
    assert all(opened.status(s) is changes.get(s, Status.VALID) for s in range(1000))


def test_trust_list_round_trip_and_wrong_root() -> None:
    tl = TrustList(3, NOW, (Issuer("WZ-MD", "木渎", PHONE.public_raw, 1, 2, 10, 20),))
    data = sign_trust_list(tl, KIT.root)
    assert open_trust_list(data, KIT.root.public_raw) == tl
    try:
        open_trust_list(data, KeyPair.generate().public_raw)
    except ValueError as exc:
        assert exc.args[0] == "signature"
    else:
        raise AssertionError("a trust list signed by another root was accepted")


def test_the_untouched_card_is_valid() -> None:
    assert VERIFIER.verify(phone_text(CARD, PHONE), NOW).valid


def _flip(data: bytes, index: int, delta: int) -> bytes:
    changed = bytearray(data)
    changed[index % len(data)] = (changed[index % len(data)] + delta) % 256
    return bytes(changed)


@settings(max_examples=300)
@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_in_the_card_is_rejected(index: int, delta: int) -> None:
    text = encode_qr_text(phone_qr_payload(_flip(CARD, index, delta), PRESENTATION))
    verdict = VERIFIER.verify(text, NOW)
    assert not verdict.valid and verdict.reason is not Reason.OK


@settings(max_examples=300)
@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_in_the_presentation_is_rejected(index: int, delta: int) -> None:
    text = encode_qr_text(phone_qr_payload(CARD, _flip(PRESENTATION, index, delta)))
    assert not VERIFIER.verify(text, NOW).valid


@settings(max_examples=300)
@given(st.integers(min_value=0))
def test_truncated_text_gets_a_reason(cut: int) -> None:
    text = phone_text(CARD, PHONE)
    verdict = VERIFIER.verify(text[: cut % len(text)], NOW)
    assert not verdict.valid and isinstance(verdict.reason, Reason)


@settings(max_examples=500)
@given(st.one_of(st.text(max_size=300), st.text("UP1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
                                                max_size=300).map(lambda t: "UP1:" + t)))
def test_arbitrary_text_gets_a_reason_and_never_raises(text: str) -> None:
    verdict = VERIFIER.verify(text, NOW)
    assert not verdict.valid and isinstance(verdict.reason, Reason)


@settings(max_examples=300)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.binary(max_size=70) | texts,
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.integers(-70002, 10), kids, max_size=4)
                    | kids.map(lambda k: cbor2.CBORTag(18, k)), max_leaves=12))
def test_arbitrary_cbor_gets_a_reason(item: object) -> None:
    verdict = VERIFIER.verify(encode_qr_text(cbor2.dumps(item)), NOW)
    assert not verdict.valid


def test_the_card_cose_carries_the_issuer_kid() -> None:
    assert decode_sign1(CARD).kid == KIT.towns["WZ-MD"].key.kid
