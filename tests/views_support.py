"""Helpers for view tests: in-memory ports, a demo member's services, and control-tree lookups.
The sync's outbox, cursor and family states are storage's in-memory twins (contract-tested)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app.activation import Activation
from app.catalog import Catalog
from app.demo import demo_verifier, provision_demo
from app.district_access import access_of
from app.family import FamilyCards
from app.models import HeldCard, Pinned, Redemption, Settings, Spot, Ticket
from app.savings import Savings
from app.sync import SyncEngine
from app.sync_apply import PhoneApplier
from app.verify import Verdict
from app.wallet import Wallet
from storage.memory import InMemoryFamilyStates, InMemoryOutbox, InMemorySyncCursor
from tests.fakes import Clock, FakeDistrict
from views.services import MemberServices
from views.shell import Shell


@dataclass
class MemoryDevice:
    """Every device port in memory (the views' tests must not depend on storage/)."""

    private_raw: bytes | None = None
    held: dict[int, HeldCard] = field(default_factory=dict)
    spot_list: list[Spot] = field(default_factory=list)
    ticket_list: list[Ticket] = field(default_factory=list)
    bought: list[Redemption] = field(default_factory=list)
    pinned: Pinned | None = None
    saved_settings: Settings = field(default_factory=Settings)

    # DeviceKeyStore
    def load(self) -> bytes | None:
        return self.private_raw

    def save(self, private_raw: bytes) -> None:
        self.private_raw = private_raw

    # CardRepository
    def put(self, card: HeldCard) -> None:
        self.held[card.serial] = card

    def get(self, serial: int) -> HeldCard | None:
        return self.held.get(serial)

    def all(self) -> list[HeldCard]:
        return list(self.held.values())

    def remove(self, serial: int) -> None:
        self.held.pop(serial, None)


@dataclass
class MemoryCatalog:
    device: MemoryDevice

    def replace(self, spots: Sequence[Spot], tickets: Sequence[Ticket]) -> None:
        self.device.spot_list, self.device.ticket_list = list(spots), list(tickets)

    def spots(self) -> list[Spot]:
        return list(self.device.spot_list)

    def tickets(self) -> list[Ticket]:
        return list(self.device.ticket_list)


@dataclass
class MemoryRedemptions:
    device: MemoryDevice

    def add(self, redemption: Redemption) -> None:
        self.device.bought.append(redemption)

    def all(self) -> list[Redemption]:
        return list(self.device.bought)

    def remove(self, redemption_id: str) -> None:
        self.device.bought[:] = [r for r in self.device.bought if r.id != redemption_id]


@dataclass
class MemoryTrust:
    device: MemoryDevice

    def load(self) -> Pinned | None:
        return self.device.pinned

    def save(self, pinned: Pinned) -> None:
        self.device.pinned = pinned


@dataclass
class MemorySettings:
    device: MemoryDevice

    def load(self) -> Settings:
        return dataclasses.replace(self.device.saved_settings,
                                   extra=dict(self.device.saved_settings.extra))

    def save(self, settings: Settings) -> None:
        self.device.saved_settings = settings


@dataclass
class Member:
    """A phone with the demo member's cards, the real app services, and a verifier for its QR.

    `district` is a fake district server the phone can activate with and ask for family cards.
    """

    device: MemoryDevice
    clock: Clock
    services: MemberServices
    district: FakeDistrict

    def verify(self, text: str) -> Verdict:
        return demo_verifier(MemoryTrust(self.device), self.clock)(text)

    def buy(self, redemption: Redemption) -> None:
        MemoryRedemptions(self.device).add(redemption)


def demo_member(*, with_cards: bool = True) -> Member:
    device, clock = MemoryDevice(), Clock()
    if with_cards:
        provision_demo(device, device, MemoryCatalog(device), MemoryTrust(device), clock)
    district, wallet = FakeDistrict(now=int(clock.now)), Wallet(device, device, clock)
    trust, settings = MemoryTrust(device), MemorySettings(device)
    states, catalog = InMemoryFamilyStates(), MemoryCatalog(device)
    applier = PhoneApplier(wallet, device, catalog, MemoryRedemptions(device), trust, states,
                           clock)
    sync = SyncEngine(district, InMemoryOutbox(), InMemorySyncCursor(), applier,
                      lambda: access_of(settings.load()), clock)
    services = MemberServices(
        wallet=wallet,
        catalog=Catalog(catalog),
        savings=Savings(MemoryRedemptions(device), clock),
        activation=Activation(district, wallet, device, trust, settings, clock),
        family=FamilyCards(district, sync, states, device, settings),
        sync=sync,
    )
    return Member(device, clock, services, district)


# Control trees -------------------------------------------------------------------------------

def walk(root: Any) -> Iterator[ft.BaseControl]:
    """Every control under `root` (a control, a view, or a list of them), depth first."""
    if isinstance(root, list | tuple):
        for item in root:
            yield from walk(item)
        return
    if not isinstance(root, ft.BaseControl):
        return
    yield root
    for f in dataclasses.fields(root):
        if f.name.startswith("_") or f.name in ("parent", "data"):
            continue
        value = getattr(root, f.name, None)
        if isinstance(value, ft.BaseControl | list | tuple):
            yield from walk(value)


def find(root: Any, key: str) -> ft.BaseControl:
    found = [c for c in walk(root) if c.key == key]
    assert len(found) == 1, f"{len(found)} controls with key {key!r}"
    return found[0]


def has_key(root: Any, key: str) -> bool:
    return any(c.key == key for c in walk(root))


def texts(root: Any) -> list[str]:
    """Every string a user would read: Text values, button labels, nav labels."""
    out: list[str] = []
    for control in walk(root):
        if isinstance(control, ft.Text) and isinstance(control.value, str):
            out.append(control.value)
        else:
            for name in ("content", "label"):
                value = getattr(control, name, None)
                if isinstance(value, str):
                    out.append(value)
    return out


def all_text(root: Any) -> str:
    return "\n".join(texts(root))


def click(control: ft.BaseControl, handler_name: str = "on_click") -> None:
    """Call a control's handler as Flet would: with no argument or with an event."""
    handler = getattr(control, handler_name)
    assert callable(handler), f"{control} has no {handler_name}"
    if inspect.signature(handler).parameters:
        handler(ft.Event(handler_name.removeprefix("on_"), control=control))
    else:
        handler()


def make_shell(member: Member | None = None, language: str = "zh") -> tuple[Shell, list[str],
                                                                            list[str]]:
    went: list[str] = []
    saved: list[str] = []
    shell = Shell((member or demo_member()).services, language=language,
                  save_language=saved.append, navigate=went.append)
    return shell, went, saved
