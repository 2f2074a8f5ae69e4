"""Starting the app on a damaged data file: a clear message, and a restore that loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
import storage
from app.demo import provision_demo
from storage import CorruptFileError


def provisioned(data: Path) -> int:
    with storage.open_device(data) as device:
        provision_demo(device.keys, device.cards, device.catalog, device.trust, lambda: 1.8e9)
        return len(device.cards.all())


def test_a_damaged_cards_file_is_refused_with_a_message_and_restore_hint(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert provisioned(tmp_path) == 3
    (tmp_path / "cards.json").write_bytes(b'{"_default": {"1": ')
    assert main.main(["--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cards.json" in err and "已损坏" in err and "damaged" in err


def test_restoring_brings_back_every_card(tmp_path: Path) -> None:
    provisioned(tmp_path)
    (tmp_path / "cards.json").write_bytes(b"\x00garbage")
    with pytest.raises(CorruptFileError):
        main.open_store(tmp_path, restore=False)
    with main.open_store(tmp_path, restore=True) as device:
        assert sorted(c.serial for c in device.cards.all()) == [100_001, 100_002, 100_003]
