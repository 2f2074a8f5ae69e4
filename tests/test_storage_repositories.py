"""Contract tests: every port of app.ports behaves the same in memory and on disk, and what the
disk version saved is there after the device store is closed and opened again."""

from __future__ import annotations

from app.models import (
    CardKind,
    FamilyMember,
    FamilyState,
    HeldCard,
    Pinned,
    Redemption,
    Rounding,
    Settings,
    Spot,
    Ticket,
)
from tests.storage_support import Harness

SPOTS = [
    Spot("qiyuan", "启园", "Qiyuan Garden", "太湖旅游", "东山"),
    Spot("zijinan", "紫金庵", "Zijin Temple", "太湖旅游"),
]
TICKETS = [
    Ticket("qiyuan-1", "启园门票", "Qiyuan ticket", ("qiyuan",), 4000),
    Ticket(
        "mudu-4", "木渎四景联票", "Mudu 4-spot pass", ("a", "b", "c", "d"), 7800,
        member_bp=5000, family_bp=7000, group_bp=8000, rounding=Rounding.JIAO,
    ),
]


def redemption(n: int, kind: CardKind = CardKind.MEMBER) -> Redemption:
    return Redemption(f"r-{n}", 1000 + n, "qiyuan", "qiyuan-1", "启园门票", kind, 4000, 2040, n)


def test_the_device_key_is_absent_then_kept(harness: Harness) -> None:
    assert harness.device.keys.load() is None
    harness.device.keys.save(bytes(range(32)))
    assert harness.reopen().keys.load() == bytes(range(32))


def test_cards_are_put_found_listed_and_removed(harness: Harness) -> None:
    cards = harness.device.cards
    cards.put(HeldCard(7, b"\xd2\x84cose", 100))
    cards.put(HeldCard(8, b"\x00\xff", 101))
    cards.put(HeldCard(7, b"replaced", 102))
    cards.remove(8)
    cards.remove(999)
    cards = harness.reopen().cards
    assert cards.get(7) == HeldCard(7, b"replaced", 102)
    assert cards.get(8) is None
    assert cards.all() == [HeldCard(7, b"replaced", 102)]


def test_a_new_catalogue_replaces_the_old_one_entirely(harness: Harness) -> None:
    harness.device.catalog.replace([Spot("old", "旧景点", "Old", "x")], [])
    harness.device.catalog.replace(SPOTS, TICKETS)
    catalog = harness.reopen().catalog
    assert catalog.spots() == SPOTS
    assert catalog.tickets() == TICKETS


def test_an_empty_catalogue_has_no_spots_or_tickets(harness: Harness) -> None:
    assert harness.device.catalog.spots() == []
    assert harness.device.catalog.tickets() == []


def test_redemptions_are_kept_in_order_and_a_repeated_one_once(harness: Harness) -> None:
    for n in range(3):
        harness.device.redemptions.add(redemption(n, CardKind(n % 2)))
    harness.device.redemptions.add(redemption(1, CardKind.FAMILY))
    kept = harness.reopen().redemptions.all()
    assert kept == [redemption(0), redemption(1, CardKind.FAMILY), redemption(2)]


def test_the_pinned_root_and_lists_are_kept(harness: Harness) -> None:
    assert harness.device.trust.load() is None
    harness.device.trust.save(Pinned(b"\x01" * 32))
    assert harness.reopen().trust.load() == Pinned(b"\x01" * 32)
    harness.device.trust.save(Pinned(b"\x01" * 32, b"trust", b"status"))
    assert harness.reopen().trust.load() == Pinned(b"\x01" * 32, b"trust", b"status")


def test_settings_default_then_kept(harness: Harness) -> None:
    assert harness.device.settings.load() == Settings()
    saved = Settings("en", "https://union.example", {"spot": "qiyuan"})
    harness.device.settings.save(saved)
    assert harness.reopen().settings.load() == saved


def test_changing_a_settings_dict_after_saving_changes_nothing_stored(harness: Harness) -> None:
    extra = {"a": "1"}
    harness.device.settings.save(Settings(extra=extra))
    extra["a"] = "2"
    loaded = harness.device.settings.load()
    loaded.extra["b"] = "3"
    assert harness.reopen().settings.load().extra == {"a": "1"}


def test_family_states_are_kept_by_number_and_cleared_together(harness: Harness) -> None:
    states = harness.device.family
    assert states.all() == []
    states.put(FamilyMember(2, "陈小明", "子女", FamilyState.PENDING))
    states.put(FamilyMember(1, "王喆", "配偶", FamilyState.PENDING))
    states.put(FamilyMember(1, "王喆", "配偶", FamilyState.APPROVED, 300_020))
    assert harness.reopen().family.all() == [
        FamilyMember(1, "王喆", "配偶", FamilyState.APPROVED, 300_020),
        FamilyMember(2, "陈小明", "子女", FamilyState.PENDING)]
    harness.device.family.clear()
    assert harness.reopen().family.all() == []
