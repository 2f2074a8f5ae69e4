"""DOC"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.device import DeviceStore, open_device
from storage.memory import in_memory_device


@dataclass
class Harness:
    """A device store and a way to see what a restart would see."""

    kind: str
    folder: Path
    device: DeviceStore

    def reopen(self) -> DeviceStore:
        if self.kind == "tinydb":
            self.device.close()
            self.device = open_device(self.folder)
        return self.device


@pytest.fixture(params=["memory", "tinydb"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    device = in_memory_device() if request.param == "memory" else open_device(tmp_path)
    made = Harness(request.param, tmp_path, device)
    yield made
    made.device.close()
