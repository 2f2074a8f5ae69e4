"""DOC"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from app.catalog import Catalog
from app.demo import demo_catalog
from app.keys import KeyPair
from app.models import (
    CardKind,
    Change,
    DistrictAccess,
    Pinned,
    Pulled,
    PullPage,
    PushResult,
    RecordKey,
)
from app.sync import SyncEngine
from app.trust import sign_status_list, sign_trust_list
from app.window import Scanned, WindowDesk
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import Clock
from tests.kit import Kit, phone_text

SPOT = "yanjia"  # 严家花园, one of the four spots of the 木渎 package


class Offline:
    """A district that is never reached: the window sells without it."""

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        raise AssertionError("no network at the window")

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        raise AssertionError("no network at the window")

    def probe(self, server_url: str) -> bool:
        return False

    def apply(self, pulled: Pulled) -> None:
        raise AssertionError("nothing is pulled")

    def reapply(self, change: Change) -> None:
        raise AssertionError("nothing is pulled")

    def held(self) -> set[RecordKey]:
        return set()

    def forget(self, key: RecordKey) -> None:
        raise AssertionError("nothing is pulled")


@dataclass
class Window:
    """A window device at 严家花园 with the demo catalogue and the kit's signed lists pinned."""

    kit: Kit
    device: DeviceStore
    clock: Clock = field(default_factory=Clock)
    desk: WindowDesk = field(init=False)
    sync: SyncEngine = field(init=False)

    def __post_init__(self) -> None:
        self.device.catalog.replace(*demo_catalog())
        self.pin()
        self.desk = self.open_desk()

    def open_desk(self) -> WindowDesk:
        self.sync = SyncEngine(Offline(), self.device.outbox, self.device.sync_cursor, Offline(),
                               lambda: None, self.clock)
        return WindowDesk(self.device.trust, Catalog(self.device.catalog), self.device.sales,
                          self.sync, self.clock, SPOT, overrides=self.device.overrides)

    def pin(self) -> None:
        """What a sync does: the newest signed lists pinned on the device, and the desk told
        (the app's window station calls `refresh_catalog` after every sync)."""
        root = self.kit.root
        self.device.trust.save(Pinned(root.public_raw, sign_trust_list(self.kit.trust(), root),
                                      sign_status_list(self.kit.status(), root)))
        if hasattr(self, "desk"):
            self.desk.refresh_catalog()

    def phone_card(self, serial: int = 100_001, kind: CardKind = CardKind.MEMBER,
                   **changes: object) -> tuple[bytes, KeyPair]:
        phone = KeyPair.generate()
        return self.kit.card(self.kit.claims(serial, kind, phone, **changes)), phone

    def scan_phone(self, serial: int = 100_001, kind: CardKind = CardKind.MEMBER,
                   **changes: object) -> Scanned:
        card, phone = self.phone_card(serial, kind, **changes)
        return self.desk.scan(phone_text(card, phone, self.clock.now))

    def sale_changes(self) -> list[Change]:
        return [c for c in self.device.outbox.pending() if c.entity == "sale"]


@pytest.fixture
def window() -> Window:
    return Window(Kit(), in_memory_device())
