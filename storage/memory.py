"""In-memory twins of the TinyDB repositories, for tests and previews. Same contract, no files."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from app.models import (
    Change,
    FamilyMember,
    HeldCard,
    OverrideRecord,
    ParkedChange,
    Pinned,
    Redemption,
    Sale,
    Settings,
    Spot,
    SyncMark,
    Ticket,
)
from app.sales import Anchor, SaleIndex, anchor_of, check_link, first_broken, prunable
from storage.cadre import CadreStore
from storage.device import DeviceStore
from storage.memory_cadre import InMemoryPulledStore, InMemoryRevisionStore


class InMemoryDeviceKeyStore:
    def __init__(self) -> None:
        self._key: bytes | None = None

    def load(self) -> bytes | None:
        return self._key

    def save(self, private_raw: bytes) -> None:
        self._key = bytes(private_raw)


class InMemoryCardRepository:
    def __init__(self) -> None:
        self._cards: dict[int, HeldCard] = {}

    def put(self, card: HeldCard) -> None:
        self._cards[card.serial] = card

    def get(self, serial: int) -> HeldCard | None:
        return self._cards.get(serial)

    def all(self) -> list[HeldCard]:
        return list(self._cards.values())

    def remove(self, serial: int) -> None:
        self._cards.pop(serial, None)


class InMemoryCatalogRepository:
    def __init__(self) -> None:
        self._spots: dict[str, Spot] = {}
        self._tickets: dict[str, Ticket] = {}

    def replace(self, spots: Sequence[Spot], tickets: Sequence[Ticket]) -> None:
        self._spots = {s.id: s for s in spots}
        self._tickets = {t.id: t for t in tickets}

    def spots(self) -> list[Spot]:
        return list(self._spots.values())

    def tickets(self) -> list[Ticket]:
        return list(self._tickets.values())


class InMemoryRedemptionRepository:
    def __init__(self) -> None:
        self._redemptions: dict[str, Redemption] = {}

    def add(self, redemption: Redemption) -> None:
        self._redemptions[redemption.id] = redemption

    def all(self) -> list[Redemption]:
        return list(self._redemptions.values())

    def remove(self, redemption_id: str) -> None:
        self._redemptions.pop(redemption_id, None)


class InMemoryTrustStore:
    def __init__(self) -> None:
        self._pinned: Pinned | None = None

    def load(self) -> Pinned | None:
        return self._pinned

    def save(self, pinned: Pinned) -> None:
        self._pinned = pinned


class InMemorySettingsRepository:
    """Copies `extra` both ways: a caller changing its dict later changes nothing stored."""

    def __init__(self) -> None:
        self._settings = Settings()

    def load(self) -> Settings:
        return replace(self._settings, extra=dict(self._settings.extra))

    def save(self, settings: Settings) -> None:
        self._settings = replace(settings, extra=dict(settings.extra))


class InMemoryFamilyStates:
    def __init__(self) -> None:
        self._members: dict[int, FamilyMember] = {}

    def put(self, member: FamilyMember) -> None:
        self._members[member.number] = member

    def all(self) -> list[FamilyMember]:
        return sorted(self._members.values(), key=lambda m: m.number)

    def remove(self, number: int) -> None:
        self._members.pop(number, None)

    def clear(self) -> None:
        self._members.clear()


class InMemoryOutbox:
    """Entries by slot, like the TinyDB outbox; `None` in the parked map means waiting.
    One lock over all of it: the UI thread appends while the sync thread files answers."""

    def __init__(self) -> None:
        self._slots: dict[int, tuple[Change, ParkedChange | None]] = {}
        self._sent: dict[int, tuple[Change, int]] = {}  # slot → (change, acknowledged at)
        self._last_seq = 0
        self._lock = threading.RLock()

    def append(self, change: Change) -> None:
        with self._lock:
            self._slots[change.seq] = (change, None)

    def pending(self) -> list[Change]:
        with self._lock:
            waiting = [c for c, p in self._slots.values() if p is None]
        return sorted(waiting, key=lambda c: c.seq)

    def mark_done(self, change_id: str, at: int) -> None:
        with self._lock:
            slot = self._slot(change_id)
            if slot is not None:
                self._sent[slot] = (self._slots.pop(slot)[0], at)

    def sent(self) -> list[Change]:
        with self._lock:
            return sorted((c for c, _ in self._sent.values()), key=lambda c: c.seq)

    def resend(self) -> int:
        with self._lock:
            count = len(self._sent)
            self._slots.update({slot: (c, None) for slot, (c, _) in self._sent.items()})
            self._sent.clear()
            return count

    def forget_sent(self, before: int, keep: int) -> int:
        with self._lock:
            newest_first = sorted(self._sent.items(), key=lambda i: (i[1][1], i[0]),
                                  reverse=True)
            gone = [slot for n, (slot, (_, at)) in enumerate(newest_first)
                    if n >= keep or at < before]
            for slot in gone:
                del self._sent[slot]
            return len(gone)

    def discard(self, change_id: str) -> None:
        with self._lock:
            slot = self._slot(change_id)
            if slot is not None:
                del self._slots[slot]

    def park(self, change_id: str, reason: str, message: str, message_en: str) -> None:
        with self._lock:
            slot = self._slot(change_id)
            if slot is not None:
                change = self._slots[slot][0]
                self._slots[slot] = (change, ParkedChange(change, reason, message, message_en))

    def parked(self) -> list[ParkedChange]:
        with self._lock:
            held = [p for _, p in self._slots.values() if p is not None]
        return sorted(held, key=lambda p: p.change.seq)

    def requeue(self, change_id: str, renumbered: Change) -> None:
        with self._lock:
            slot = self._slot(change_id)
            if slot is not None:
                self._slots[slot] = (renumbered, None)

    def next_seq(self, at_least: int = 0) -> int:
        with self._lock:
            self._last_seq = max(self._last_seq + 1, at_least)
            return self._last_seq

    def _slot(self, change_id: str) -> int | None:
        return next((s for s, (c, _) in self._slots.items() if c.change_id == change_id), None)


class InMemorySyncCursor:
    def __init__(self) -> None:
        self._mark = SyncMark()

    def load(self) -> SyncMark:
        return self._mark

    def save(self, mark: SyncMark) -> None:
        self._mark = mark


class InMemorySalesLog:
    """The sales log's twin: same chain checks, same prune, held in a dict in seq order."""

    def __init__(self) -> None:
        self._sales: dict[str, Sale] = {}
        self._anchor = Anchor()
        self._index = SaleIndex()
        self._lock = threading.RLock()

    def append(self, sale: Sale) -> None:
        with self._lock:
            last = self.last()
            check_link(self._anchor if last is None else anchor_of(last), sale)
            if sale.id in self._sales:
                raise ValueError(f"sale id {sale.id} is already in the log")
            self._sales[sale.id] = sale
            self._index.add(sale)

    def last(self) -> Sale | None:
        with self._lock:
            return next(reversed(self._sales.values()), None)

    def for_day(self, day: int) -> list[Sale]:
        with self._lock:
            return [self._sales[sale_id] for sale_id in self._index.day_ids(day)]

    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int:
        return self._index.uses_today(person, serial, spot_id, day)

    def presentation_used(self, presentation_id: bytes) -> bool:
        return self._index.presentation_used(presentation_id)

    def all(self) -> list[Sale]:
        with self._lock:
            return list(self._sales.values())

    def prune(self, before_day: int, keep: set[str]) -> int:
        with self._lock:
            gone = prunable(self._sales.values(), before_day, keep)
            if gone:
                self._anchor = anchor_of(gone[-1])
                for sale in gone:
                    del self._sales[sale.id]
                self._index = SaleIndex.of(self._sales.values())
            return len(gone)

    def verify_chain(self) -> int | None:
        with self._lock:
            return first_broken(self._anchor, self._sales.values())


class InMemoryOverrideLog:
    def __init__(self) -> None:
        self._records: list[OverrideRecord] = []

    def append(self, record: OverrideRecord) -> None:
        self._records.append(record)

    def all(self) -> list[OverrideRecord]:
        return sorted(self._records, key=lambda r: (r.at, r.id))


def in_memory_device() -> DeviceStore:
    return DeviceStore(
        keys=InMemoryDeviceKeyStore(),
        cards=InMemoryCardRepository(),
        catalog=InMemoryCatalogRepository(),
        redemptions=InMemoryRedemptionRepository(),
        trust=InMemoryTrustStore(),
        settings=InMemorySettingsRepository(),
        family=InMemoryFamilyStates(),
        outbox=InMemoryOutbox(),
        sync_cursor=InMemorySyncCursor(),
        sales=InMemorySalesLog(),
        overrides=InMemoryOverrideLog(),
        cadre=CadreStore(InMemoryDeviceKeyStore(), InMemorySettingsRepository(),
                         InMemoryTrustStore(), InMemoryOutbox(), InMemorySyncCursor(),
                         InMemoryRevisionStore(), InMemoryPulledStore()),
    )
