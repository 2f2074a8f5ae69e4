"""storage.codecs: every record survives the trip to a stored document and through JSON."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.models import CardKind, HeldCard, Pinned, Redemption, Settings
from storage import codecs

ints = st.integers(min_value=0, max_value=2**53)
texts = st.text(max_size=40)


def through_json(doc: dict[str, object]) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(json.dumps(doc, ensure_ascii=False))
    return loaded


@given(ints, st.binary(max_size=300), ints)
def test_a_held_card_round_trips(serial: int, cose: bytes, at: int) -> None:
    card = HeldCard(serial, cose, at)
    assert codecs.card_from_doc(through_json(codecs.card_to_doc(card))) == card


@given(st.binary(min_size=32, max_size=32), st.none() | st.binary(), st.none() | st.binary())
def test_pinned_lists_round_trip(root: bytes, trust: bytes | None, status: bytes | None) -> None:
    pinned = Pinned(root, trust, status)
    assert codecs.pinned_from_doc(through_json(codecs.pinned_to_doc(pinned))) == pinned


@given(texts, ints, texts, st.sampled_from(CardKind), ints, ints)
def test_a_redemption_round_trips(
    rid: str, serial: int, name: str, kind: CardKind, list_fen: int, at: int
) -> None:
    r = Redemption(rid, serial, "qiyuan", "t1", name, kind, list_fen, list_fen // 2, at)
    assert codecs.redemption_from_doc(through_json(codecs.redemption_to_doc(r))) == r


@given(texts, texts, st.dictionaries(texts, texts, max_size=5))
def test_settings_round_trip(language: str, url: str, extra: dict[str, str]) -> None:
    settings = Settings(language, url, extra)
    assert codecs.settings_from_doc(through_json(codecs.settings_to_doc(settings))) == settings


def test_bytes_are_stored_as_base64_text() -> None:
    assert codecs.card_to_doc(HeldCard(1, b"\xd2\x84", 0))["cose_b64"] == "0oQ="
