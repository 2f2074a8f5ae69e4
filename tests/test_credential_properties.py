"""Property tests of the credential codecs (SPEC §4): round trips, tampering, garbage, and
re-shaping (the same signed items framed another way)."""

from __future__ import annotations

from collections.abc import Callable

import base45
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.card import CardClaims, decode_claims, encode_claims, phone_qr_payload, present
from app.cose import decode_sign1, sign1_from_item
from app.keys import KeyPair
from app.models import CardKind
from app.qrtext import b45decode, decode_qr_text, encode_qr_text
from app.trust import (
    Issuer,
    ListError,
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


def full_width(text: str, chinese_punctuation: bool) -> str:
    """What a Chinese input method makes of a scanner gun's keys: full-width forms and the
    ideographic space; with its Chinese punctuation on, also 。 for . and ￥ for $."""
    if chinese_punctuation:
        text = text.replace(".", "。").replace("$", "￥")
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in text)


@given(st.binary(max_size=600), st.booleans())
def test_a_qr_text_typed_through_a_chinese_input_method_decodes_the_same(
        data: bytes, chinese_punctuation: bool) -> None:
    typed = full_width(encode_qr_text(data), chinese_punctuation)
    assert typed.startswith("ＵＰ１：") and not typed.isascii()
    assert decode_qr_text(typed) == data


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


# re-shaping ------------------------------------------------------------------------------------
# CBOR lets the same items be written many ways: wider heads, indefinite lengths, chunked strings,
# another map order. `loose` writes an item any of those ways; with nothing drawn it writes the
# exact bytes of SPEC §4. A re-shaping keeps every signed byte and changes only the framing, the
# unprotected header and what follows the item.

HEAD_WIDTHS = ((24, 1), (25, 2), (26, 4), (27, 8))
DAMAGED = {Reason.BAD_CBOR, Reason.BAD_STRUCTURE}
PHONE_CODE = phone_qr_payload(CARD, PRESENTATION)
PRESENTATION_ID = VERIFIER.verify(encode_qr_text(PHONE_CODE), NOW).presentation_id
STATIC_CARD = KIT.card(KIT.claims())
TRUST_LIST = sign_trust_list(KIT.trust(), KIT.root)
STATUS_LIST = sign_status_list(KIT.status(), KIT.root)
trailing = st.binary(max_size=4)
headers = st.dictionaries(st.integers(-8, 8), st.binary(max_size=8) | st.integers(-2**63, 2**63),
                          max_size=3)


@st.composite
def head(draw: st.DrawFn, major: int, n: int) -> bytes:
    widths = [(info, size) for info, size in HEAD_WIDTHS if n < 256**size]
    info, size = draw(st.sampled_from(([(n, 0)] if n < 24 else []) + widths))
    return bytes([major << 5 | info]) + (n.to_bytes(size, "big") if size else b"")


@st.composite
def loose_string(draw: st.DrawFn, major: int, data: bytes) -> bytes:
    if not draw(st.booleans()):
        return draw(head(major, len(data))) + data
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=3)))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    return bytes([major << 5 | 31]) + b"".join(
        draw(head(major, len(c))) + c for c in chunks) + b"\xff"


@st.composite
def loose(draw: st.DrawFn, item: object) -> bytes:
    if isinstance(item, cbor2.CBORTag):
        return draw(head(6, item.tag)) + draw(loose(item.value))
    if isinstance(item, bytes):
        return draw(loose_string(2, item))
    if isinstance(item, str):
        return draw(loose_string(3, item.encode()))
    if isinstance(item, int) and not isinstance(item, bool):
        return draw(head(0, item) if item >= 0 else head(1, -1 - item))
    if isinstance(item, (list, tuple)):
        return draw(loose_container(4, [draw(loose(i)) for i in item]))
    if isinstance(item, dict):
        pairs = draw(st.permutations(list(item.items())))
        return draw(loose_container(5, [draw(loose(k)) + draw(loose(v)) for k, v in pairs]))
    return cbor2.dumps(item)


@st.composite
def loose_container(draw: st.DrawFn, major: int, parts: list[bytes]) -> bytes:
    if draw(st.booleans()):
        return bytes([major << 5 | 31]) + b"".join(parts) + b"\xff"
    return draw(head(major, len(parts))) + b"".join(parts)


@st.composite
def reshaped_sign1(draw: st.DrawFn, cose: bytes) -> bytes:
    """The same signature over the same protected header and payload, framed another way."""
    protected, _, payload, signature = cbor2.loads(cose).value
    item = cbor2.CBORTag(18, [protected, draw(headers), payload, signature])
    return draw(loose(item)) + draw(trailing)


@st.composite
def reshaped_phone_code(draw: st.DrawFn) -> bytes:
    pair = [draw(reshaped_sign1(CARD)), draw(reshaped_sign1(PRESENTATION))]
    return draw(loose(pair)) + draw(trailing)


@settings(max_examples=400)
@given(reshaped_phone_code())
def test_a_reshaped_phone_code_is_refused_or_keeps_its_presentation_id(code: bytes) -> None:
    verdict = VERIFIER.verify(encode_qr_text(code), NOW)
    if verdict.valid:
        assert verdict.presentation_id == PRESENTATION_ID
    else:
        assert verdict.reason in DAMAGED


@settings(max_examples=300)
@given(st.one_of(reshaped_phone_code(), reshaped_sign1(STATIC_CARD)))
def test_a_code_in_any_other_encoding_than_spec_4s_is_refused_as_damaged(code: bytes) -> None:
    verdict = VERIFIER.verify(encode_qr_text(code), NOW)
    assert verdict.valid is (code in (PHONE_CODE, STATIC_CARD))
    assert verdict.valid or verdict.reason in DAMAGED


@settings(max_examples=200)
@given(loose(cbor2.loads(PRESENTATION)))
def test_the_presentation_id_names_what_was_signed_not_its_framing(framed: bytes) -> None:
    leniently_read = sign1_from_item(cbor2.loads(framed))
    assert leniently_read.signed_id() == PRESENTATION_ID


@pytest.mark.parametrize(("signed", "open_list"), [(TRUST_LIST, open_trust_list),
                                                   (STATUS_LIST, open_status_list)])
@settings(max_examples=100)
@given(st.data())
def test_a_reshaped_trust_or_status_list_does_not_open(
        signed: bytes, open_list: Callable[[bytes, bytes], object], data: st.DataObject) -> None:
    reshaped = data.draw(reshaped_sign1(signed))
    if reshaped == signed:
        open_list(reshaped, KIT.root.public_raw)
    else:
        with pytest.raises(ListError):
            open_list(reshaped, KIT.root.public_raw)
