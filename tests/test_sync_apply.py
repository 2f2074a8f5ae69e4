"""What the phone keeps of pulled entries (app/sync_apply.py): only cards for this phone that
check out against the pinned lists; catalogue merged by id; tombstones; repeats harmless."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from app.activation import Activation
from app.card import CardClaims, issue_card
from app.keys import KeyPair
from app.models import CardKind, FamilyMember, FamilyState, Pulled
from app.sync_apply import PhoneApplier
from app.wallet import Wallet
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO, NOW, YEAR, FakeDistrict


@dataclass
class Phone:
    district: FakeDistrict
    device: DeviceStore
    applier: PhoneApplier


def phone(clock_off: int = 0) -> Phone:
    district, device = FakeDistrict(), in_memory_device()

    def clock() -> float:
        return float(NOW + clock_off)

    wallet = Wallet(device.keys, device.cards, clock)
    Activation(district, wallet, device.cards, device.trust, device.settings, clock).activate(
        MEMBER_NO, CODE, "http://127.0.0.1:8600")
    applier = PhoneApplier(wallet, device.cards, device.catalog, device.redemptions,
                           device.trust, device.family, clock)
    return Phone(district, device, applier)


def card_entry(serial: int, holder: bytes | None, signer: KeyPair) -> Pulled:
    claims = CardClaims(serial, CardKind.FAMILY, "王芳", MEMBER_NO, "工会", "0317", "WZ-XK",
                        NOW - 60, NOW + YEAR, holder, 300_001, "配偶")
    cose = base64.b64encode(issue_card(claims, signer)).decode()
    return Pulled(serial, "card", str(serial), "upsert", serial,
                  {"serial": serial, "printed": holder is None, "cose": cose})


def upsert(cursor: int, entity: str, fields: dict[str, Any]) -> Pulled:
    return Pulled(cursor, entity, str(fields["id"]), "upsert", cursor, fields)


def test_a_card_for_this_phone_is_kept_once_and_a_tombstone_removes_it() -> None:
    p = phone()
    key = p.district.device_key
    entry = card_entry(300_020, key, p.district.issuer)
    p.applier.apply(entry)
    p.applier.apply(entry)
    assert sorted(c.serial for c in p.device.cards.all()) == [300_001, 300_020]
    p.applier.apply(Pulled(9, "card", "300020", "tombstone", 9, {"reason": "lost"}))
    assert [c.serial for c in p.device.cards.all()] == [300_001]


def test_a_phone_whose_clock_is_a_year_off_still_keeps_the_card_it_was_sent() -> None:
    for off in (YEAR + 86_400, -YEAR):
        p = phone(clock_off=off)
        p.applier.apply(card_entry(300_024, p.district.device_key, p.district.issuer))
        assert sorted(c.serial for c in p.device.cards.all()) == [300_001, 300_024], off
        assert p.applier.refused == []


def test_cards_for_another_phone_or_unsigned_by_a_trusted_issuer_are_not_kept() -> None:
    p = phone()
    p.applier.apply(card_entry(300_021, KeyPair.generate().public_raw, p.district.issuer))
    p.applier.apply(card_entry(300_022, p.district.device_key, KeyPair.generate()))
    p.applier.apply(card_entry(300_023, None, p.district.issuer))
    assert [c.serial for c in p.device.cards.all()] == [300_001]
    assert p.applier.refused == ["300022"]


def test_spots_and_tickets_merge_by_id_and_a_purchase_is_named_by_its_ticket() -> None:
    p = phone()
    p.applier.apply(upsert(1, "spot", {"id": "qiyuan", "name": "启园", "name_en": "Qiyuan",
                                       "company": "太湖", "town": "东山"}))
    p.applier.apply(upsert(2, "spot", {"id": "old", "name": "旧", "name_en": "Old",
                                       "company": "x", "town": None}))
    p.applier.apply(upsert(3, "ticket", {
        "id": "q1", "name": "启园门票", "name_en": "Qiyuan ticket", "spot_ids": ["qiyuan"],
        "list_fen": 4000, "member_bp": 5100, "family_bp": 7000, "group_bp": 8000,
        "rounding": 10}))
    p.applier.apply(Pulled(4, "spot", "old", "tombstone", 4, None))
    assert [s.id for s in p.device.catalog.spots()] == ["qiyuan"]
    p.applier.apply(upsert(5, "redemption", {
        "id": 77, "card_serial": 300_001, "spot_id": "qiyuan", "ticket_id": "q1",
        "list_fen": 4000, "paid_fen": 2040, "saved_fen": 1960, "at": NOW}))
    [bought] = p.device.redemptions.all()
    assert (bought.id, bought.ticket_name, bought.kind, bought.saved_fen) == (
        "77", "启园门票", CardKind.MEMBER, 1960)


def test_family_states_are_kept_by_number_newest_wins() -> None:
    p = phone()
    for state, serial in (("pending", None), ("approved", 300_030)):
        p.applier.apply(Pulled(1, "family", "1", "upsert", 1, {
            "number": 1, "name": "王芳", "relation": "配偶", "state": state,
            "card_serial": serial}))
    assert p.device.family.all() == [FamilyMember(1, "王芳", "配偶", FamilyState.APPROVED, 300_030)]


def test_a_spots_usage_rule_is_kept_in_the_settings_and_nonsense_is_ignored() -> None:
    device, clock = in_memory_device(), lambda: float(NOW)
    wallet = Wallet(device.keys, device.cards, clock)
    applier = PhoneApplier(wallet, device.cards, device.catalog, device.redemptions,
                           device.trust, device.family, clock, device.settings)
    applier.apply(Pulled(1, "rule", "yanjia", "upsert", 1, {"spot_id": "yanjia",
                                                            "daily_limit": 2}))
    for nonsense in (0, -1, "3", None):
        applier.apply(Pulled(2, "rule", "yanjia", "upsert", 2, {"daily_limit": nonsense}))
    assert device.settings.load().extra["daily_limit"] == "2"


def test_everything_pulled_is_named_and_each_can_be_forgotten() -> None:
    p = phone()
    p.applier.apply(card_entry(300_020, p.district.device_key, p.district.issuer))
    p.applier.apply(upsert(2, "spot", {"id": "qiyuan", "name": "启园", "name_en": "Qiyuan",
                                       "company": "太湖", "town": "东山"}))
    p.applier.apply(upsert(3, "redemption", {
        "id": 77, "card_serial": 300_001, "spot_id": "qiyuan", "ticket_id": "q1",
        "list_fen": 4000, "paid_fen": 2040, "saved_fen": 1960, "at": NOW}))
    p.applier.apply(Pulled(4, "family", "1", "upsert", 4, {
        "number": 1, "name": "王芳", "relation": "配偶", "state": "pending",
        "card_serial": None}))
    assert p.applier.held() == {("card", "300001"), ("card", "300020"), ("spot", "qiyuan"),
                                ("redemption", "77"), ("family", "1")}
    for key in (("card", "300020"), ("spot", "qiyuan"), ("redemption", "77"), ("family", "1"),
                ("card", "not-a-serial"), ("list", "status")):
        p.applier.forget(key)
    assert p.applier.held() == {("card", "300001")}
    assert p.device.catalog.spots() == [] and p.device.redemptions.all() == []
    assert p.device.family.all() == [] and p.device.trust.load() is not None
