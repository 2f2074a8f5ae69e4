"""The member's wallet on the phone: cards, masked numbers, QR texts that verify."""

from __future__ import annotations

import datetime as dt

import pytest

from app.demo import demo_verifier, provision_demo
from app.keys import KeyPair
from app.models import CardKind
from app.qrimage import qr_modules, render_png
from app.verify import Reason
from app.wallet import (
    CardNotForThisDevice,
    CardNotOnDevice,
    Wallet,
    card_view,
    mask_member_no,
    read_claims,
)
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import Clock
from tests.kit import Kit

Provisioned = tuple["Wallet", "Clock", DeviceStore]


@pytest.fixture
def provisioned() -> tuple[Wallet, Clock, DeviceStore]:
    device, clock = in_memory_device(), Clock()
    assert provision_demo(device.keys, device.cards, device.catalog, device.trust, clock)
    return Wallet(device.keys, device.cards, clock), clock, device


def test_the_demo_member_has_a_card_and_two_family_cards(provisioned: Provisioned) -> None:
    wallet, _, _ = provisioned
    card = wallet.member_card()
    assert card is not None and card.name == "陈建国" and card.titles == ("蓝领之星",)
    assert card.member_no_masked == "WZ2*******45" and card.is_valid_now
    assert card.valid_from == dt.date(2026, 11, 18)
    assert [(c.name, c.relation) for c in wallet.family_cards()] == [("王喆", "配偶"),
                                                                     ("陈德明", "父亲")]


def test_a_family_card_shows_none_of_the_member_titles_it_was_signed_with() -> None:
    """Family cards the district issued before issue 11.4 carry the member's 蓝领之星."""
    device, clock, kit = in_memory_device(), Clock(), Kit()
    wallet = Wallet(device.keys, device.cards, clock)
    key = wallet.device_key()
    wallet.add_card(kit.card(kit.claims(100_001, holder=key)))
    spouse = wallet.add_card(kit.card(kit.claims(100_002, CardKind.FAMILY, holder=key,
                                                 name="王喆")))
    assert spouse.titles == () and wallet.family_cards()[0].titles == ()
    member = wallet.member_card()
    assert member is not None and member.titles == ("蓝领之星",)


def test_the_qr_text_verifies_and_goes_stale_after_two_minutes(provisioned: Provisioned) -> None:
    wallet, clock, device = provisioned
    verify = demo_verifier(device.trust, clock)
    text = wallet.qr_text(100_001)
    assert verify(text).valid and verify(text).kind is CardKind.MEMBER
    assert verify(wallet.qr_text(100_002)).kind is CardKind.FAMILY
    clock.now += 300
    assert verify(text).reason is Reason.STALE_PRESENTATION
    assert verify(wallet.qr_text(100_001)).valid


def test_the_qr_changes_every_thirty_seconds(provisioned: Provisioned) -> None:
    wallet, clock, _ = provisioned
    clock.now = 30 * 1000 + 5
    first = wallet.qr_text(100_001)
    assert wallet.seconds_to_refresh() == 25
    clock.now += 10
    assert wallet.qr_text(100_001) == first
    clock.now += 20
    assert wallet.qr_text(100_001) != first


def test_provisioning_twice_keeps_the_first_card(provisioned: Provisioned) -> None:
    wallet, clock, device = provisioned
    key = wallet.device_public_key()
    assert not provision_demo(device.keys, device.cards, device.catalog, device.trust, clock)
    assert Wallet(device.keys, device.cards, clock).device_public_key() == key


def test_a_card_bound_to_another_phone_is_refused(provisioned: Provisioned) -> None:
    wallet, _, _ = provisioned
    kit = Kit()
    with pytest.raises(CardNotForThisDevice, match="另一部手机"):
        wallet.add_card(kit.card(kit.claims(holder=KeyPair.generate())))
    with pytest.raises(CardNotOnDevice):
        wallet.qr_text(999)


@pytest.mark.parametrize(("number", "masked"), [("WZ2014012345", "WZ2*******45"),
                                                ("12345", "1****"), ("", "")])
def test_member_numbers_are_masked(number: str, masked: str) -> None:
    assert mask_member_no(number) == masked


def test_the_qr_png_is_a_qr_of_the_text(provisioned: Provisioned) -> None:
    import io

    import zxingcpp
    from PIL import Image

    wallet, _, _ = provisioned
    text = wallet.qr_text(100_001)
    png = render_png(text)
    assert png.startswith(b"\x89PNG")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [text]
    assert len(qr_modules(text, "Q")) > len(qr_modules(text, "M"))


def test_a_phone_a_few_minutes_slow_shows_a_card_issued_just_now_as_valid(
        provisioned: Provisioned) -> None:
    _wallet, _clock, device = provisioned
    held = device.cards.get(100_001)
    assert held is not None
    claims = read_claims(held.cose)
    assert card_view(claims, claims.iat - 120).is_valid_now
    assert not card_view(claims, claims.iat - 600).is_valid_now
