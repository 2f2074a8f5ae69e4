"""Activation on the phone: the card the district returns is checked, pinned and kept; a refusal,
a damaged answer or an unreachable server changes nothing on the phone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from app.activation import Activation
from app.demo import demo_verifier, provision_demo
from app.district_access import access_of, normalize_server_url
from app.district_errors import ActivationRefused, DistrictUnreachable
from app.keys import KeyPair
from app.models import CardKind, DistrictAccess
from app.wallet import Wallet
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO, NOW, TOKEN, FakeDistrict

URL = "http://127.0.0.1:8600"


@dataclass
class Phone:
    device: DeviceStore
    wallet: Wallet
    activation: Activation

    def snapshot(self) -> tuple[object, ...]:
        d = self.device
        return (sorted(c.serial for c in d.cards.all()), d.trust.load(), d.settings.load(),
                d.keys.load())


def phone(district: FakeDistrict, *, demo: bool = False) -> Phone:
    device = in_memory_device()
    clock = lambda: float(NOW)  # noqa: E731
    if demo:
        provision_demo(device.keys, device.cards, device.catalog, device.trust, clock)
    wallet = Wallet(device.keys, device.cards, clock)
    return Phone(device, wallet, Activation(district, wallet, device.cards, device.trust,
                                            device.settings, clock))


def test_activating_keeps_the_card_bound_to_this_phone_and_pins_the_district() -> None:
    district = FakeDistrict()
    p = phone(district)
    done = p.activation.activate(" wz2014000301 ", "K7Q2-9XPM", "127.0.0.1:8600/")
    assert (done.card.name, done.card.kind, done.family) == ("李明", CardKind.MEMBER, 0)
    assert district.device_key == p.wallet.device_public_key()
    pinned = p.device.trust.load()
    assert pinned is not None and pinned.root_public_key == district.root.public_raw
    assert access_of(p.device.settings.load()) == DistrictAccess(URL, TOKEN)
    assert p.activation.is_activated()
    verdict = demo_verifier(p.device.trust, lambda: float(NOW))(p.wallet.qr_text(300_001))
    assert verdict.valid and verdict.name == "李明"


def test_activation_replaces_the_demo_cards_but_keeps_the_device_key() -> None:
    district = FakeDistrict()
    p = phone(district, demo=True)
    key_before = p.device.keys.load()
    p.activation.activate(MEMBER_NO, CODE, URL)
    assert [c.serial for c in p.device.cards.all()] == [300_001]
    assert p.device.keys.load() == key_before
    assert p.device.settings.load().language == "zh"


def test_a_refused_code_changes_nothing_and_carries_the_districts_words() -> None:
    p = phone(FakeDistrict(), demo=True)
    before = p.snapshot()
    with pytest.raises(ActivationRefused) as refused:
        p.activation.activate(MEMBER_NO, "WRONG-CODE", URL)
    assert refused.value.message("zh") == "激活码无效或已使用"
    assert "not valid" in refused.value.message("en")
    assert p.snapshot() == before


def test_an_unreachable_server_loses_nothing() -> None:
    p = phone(FakeDistrict(reachable=False), demo=True)
    before = p.snapshot()
    with pytest.raises(DistrictUnreachable) as unreachable:
        p.activation.activate(MEMBER_NO, CODE, URL)
    assert "无法连接区总工会服务器" in unreachable.value.message("zh")
    assert "cannot reach the district server" in unreachable.value.message("en").lower()
    assert p.snapshot() == before
    assert not p.activation.is_activated()


def test_a_card_bound_to_another_phones_key_is_refused_and_not_kept() -> None:
    district = FakeDistrict(holder_override=KeyPair.generate().public_raw)
    p = phone(district, demo=True)
    before = p.snapshot()
    with pytest.raises(ActivationRefused) as refused:
        p.activation.activate(MEMBER_NO, CODE, URL)
    assert refused.value.code == "wrong_holder"
    assert p.snapshot() == before


def test_a_card_not_signed_by_a_listed_issuer_is_refused() -> None:
    p = phone(FakeDistrict(rogue_signer=KeyPair.generate()))
    with pytest.raises(ActivationRefused) as refused:
        p.activation.activate(MEMBER_NO, CODE, URL)
    assert refused.value.code == "damaged"
    assert p.device.cards.all() == [] and p.device.trust.load() is None


def test_lists_not_signed_by_the_announced_root_are_refused() -> None:
    p = phone(FakeDistrict(announced_root=KeyPair.generate().public_raw))
    with pytest.raises(ActivationRefused) as refused:
        p.activation.activate(MEMBER_NO, CODE, URL)
    assert refused.value.code == "damaged"
    assert p.device.trust.load() is None and not p.activation.is_activated()


def test_a_phone_activated_once_refuses_a_server_with_another_root_key() -> None:
    p = phone(FakeDistrict())
    p.activation.activate(MEMBER_NO, CODE, URL)
    before = p.snapshot()
    impostor = Activation(FakeDistrict(), p.wallet, p.device.cards, p.device.trust,
                          p.device.settings, lambda: float(NOW))
    with pytest.raises(ActivationRefused) as refused:
        impostor.activate(MEMBER_NO, CODE, "http://evil.example")
    assert refused.value.code == "other_root"
    assert p.snapshot() == before


def test_empty_fields_are_refused_before_anything_is_sent() -> None:
    district = FakeDistrict()
    with pytest.raises(ActivationRefused) as refused:
        phone(district).activation.activate(" ", CODE, URL)
    assert refused.value.code == "missing"
    assert district.calls == []


def test_the_server_address_comes_from_the_override_then_settings_then_default() -> None:
    p = phone(FakeDistrict())
    assert p.activation.server_url() == URL
    p.activation.activate(MEMBER_NO, CODE, "http://10.0.0.5:8600/")
    assert p.activation.server_url() == "http://10.0.0.5:8600"
    p.activation.server_override = "union.example:9000"
    assert p.activation.server_url() == "http://union.example:9000"
    assert normalize_server_url("https://wz.example/") == "https://wz.example"


def _held_by_another_member(p: Phone) -> None:
    """The phone was last activated for someone else (a phone that changed hands)."""
    settings = p.device.settings.load()
    p.device.settings.save(dataclasses.replace(
        settings, extra={**settings.extra, "member_no": "WZ2014999999"}))


def test_a_phone_activated_for_another_person_makes_a_new_key_once_the_answer_checks_out(
) -> None:
    district = FakeDistrict()
    p = phone(district)
    p.activation.activate(MEMBER_NO, CODE, URL)
    old_key = p.device.keys.load()
    _held_by_another_member(p)
    district.holder_override = KeyPair.generate().public_raw  # a damaged answer: nothing kept
    with pytest.raises(ActivationRefused):
        p.activation.activate(MEMBER_NO, CODE, URL)
    assert p.device.keys.load() == old_key
    district.holder_override = None
    p.activation.activate(MEMBER_NO, CODE, URL)
    assert p.device.keys.load() != old_key
    assert district.device_key == p.wallet.device_public_key()
    verdict = demo_verifier(p.device.trust, lambda: float(NOW))(p.wallet.qr_text(300_001))
    assert verdict.valid and verdict.name == "李明"
