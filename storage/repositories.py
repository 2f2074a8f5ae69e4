"""The ports of `app.ports`, over durable TinyDB collections. Every save is durable on return."""

from __future__ import annotations

from collections.abc import Sequence

from tinydb import where

from app.models import FamilyMember, HeldCard, Pinned, Redemption, Settings, Spot, Ticket
from storage import codecs
from storage.engine.store import Store


class TinyDBDeviceKeyStore:
    """`prefix` names another namespace of the same store (the cadre's "cadre_")."""

    def __init__(self, store: Store, prefix: str = "") -> None:
        self._docs = store.collection(f"{prefix}device_key", key="name")

    def load(self) -> bytes | None:
        doc = self._docs.get("device")
        return None if doc is None else codecs.device_key_from_doc(doc)

    def save(self, private_raw: bytes) -> None:
        self._docs.put(codecs.device_key_to_doc(private_raw))


class TinyDBCardRepository:
    def __init__(self, store: Store) -> None:
        self._docs = store.collection("cards", key="serial")

    def put(self, card: HeldCard) -> None:
        self._docs.put(codecs.card_to_doc(card))

    def get(self, serial: int) -> HeldCard | None:
        doc = self._docs.get(serial)
        return None if doc is None else codecs.card_from_doc(doc)

    def all(self) -> list[HeldCard]:
        return [codecs.card_from_doc(doc) for doc in self._docs.all()]

    def remove(self, serial: int) -> None:
        self._docs.remove(serial)


class TinyDBCatalogRepository:
    """Spots and tickets share one file, so a new catalogue replaces the old one atomically."""

    def __init__(self, store: Store) -> None:
        self._docs = store.collection("catalog", key="key")

    def replace(self, spots: Sequence[Spot], tickets: Sequence[Ticket]) -> None:
        docs = [codecs.spot_to_doc(s) for s in spots] + [codecs.ticket_to_doc(t) for t in tickets]
        self._docs.replace_all(docs)

    def spots(self) -> list[Spot]:
        return [codecs.spot_from_doc(doc) for doc in self._docs.search(where("type") == "spot")]

    def tickets(self) -> list[Ticket]:
        found = self._docs.search(where("type") == "ticket")
        return [codecs.ticket_from_doc(doc) for doc in found]


class TinyDBRedemptionRepository:
    """Adding a redemption whose id is already stored replaces it (a repeated sync is harmless)."""

    def __init__(self, store: Store) -> None:
        self._docs = store.collection("redemptions", key="id")

    def add(self, redemption: Redemption) -> None:
        self._docs.put(codecs.redemption_to_doc(redemption))

    def all(self) -> list[Redemption]:
        return [codecs.redemption_from_doc(doc) for doc in self._docs.all()]

    def remove(self, redemption_id: str) -> None:
        self._docs.remove(redemption_id)


class TinyDBTrustStore:
    def __init__(self, store: Store, prefix: str = "") -> None:
        self._docs = store.collection(f"{prefix}trust", key="name")

    def load(self) -> Pinned | None:
        doc = self._docs.get("pinned")
        return None if doc is None else codecs.pinned_from_doc(doc)

    def save(self, pinned: Pinned) -> None:
        self._docs.put(codecs.pinned_to_doc(pinned))


class TinyDBSettingsRepository:
    def __init__(self, store: Store, prefix: str = "") -> None:
        self._docs = store.collection(f"{prefix}settings", key="name")

    def load(self) -> Settings:
        doc = self._docs.get("settings")
        return Settings() if doc is None else codecs.settings_from_doc(doc)

    def save(self, settings: Settings) -> None:
        self._docs.put(codecs.settings_to_doc(settings))


class TinyDBFamilyStates:
    """The family members' states as last pulled from the district, by number."""

    def __init__(self, store: Store) -> None:
        self._docs = store.collection("family", key="number")

    def put(self, member: FamilyMember) -> None:
        self._docs.put(codecs.family_member_to_doc(member))

    def all(self) -> list[FamilyMember]:
        members = [codecs.family_member_from_doc(doc) for doc in self._docs.all()]
        return sorted(members, key=lambda m: m.number)

    def remove(self, number: int) -> None:
        self._docs.remove(number)

    def clear(self) -> None:
        self._docs.replace_all([])
