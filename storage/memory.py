"""In-memory twins of the TinyDB repositories, for tests and previews. Same contract, no files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.models import FamilyRequest, HeldCard, Pinned, Redemption, Settings, Spot, Ticket
from storage.device import DeviceStore


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


class InMemoryFamilyOutbox:
    def __init__(self) -> None:
        self._requests: dict[str, FamilyRequest] = {}

    def add(self, request: FamilyRequest) -> None:
        self._requests[request.id] = request

    def pending(self) -> list[FamilyRequest]:
        return list(self._requests.values())

    def remove(self, request_id: str) -> None:
        self._requests.pop(request_id, None)


def in_memory_device() -> DeviceStore:
    return DeviceStore(
        keys=InMemoryDeviceKeyStore(),
        cards=InMemoryCardRepository(),
        catalog=InMemoryCatalogRepository(),
        redemptions=InMemoryRedemptionRepository(),
        trust=InMemoryTrustStore(),
        settings=InMemorySettingsRepository(),
        family_outbox=InMemoryFamilyOutbox(),
    )
