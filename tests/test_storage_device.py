"""storage.device: where the data folder is, and opening the device store as a whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import HeldCard
from storage.device import default_data_dir, open_device
from storage.engine.errors import CorruptFileError, StoreLockedError
from storage.engine.recovery import restore_from_backup
from storage.memory import in_memory_device


def test_an_explicit_folder_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", "/from/flet")
    assert default_data_dir(tmp_path / "mine") == tmp_path / "mine"


def test_flets_folder_comes_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", "/from/flet")
    assert default_data_dir() == Path("/from/flet")


def test_without_flet_the_folder_is_in_the_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLET_APP_STORAGE_DATA", raising=False)
    assert default_data_dir() == Path.home() / ".local/share/unionpass"


def test_a_device_store_is_one_writer_until_closed(tmp_path: Path) -> None:
    with open_device(tmp_path / "new" / "folder"), pytest.raises(StoreLockedError):
        open_device(tmp_path / "new" / "folder")
    open_device(tmp_path / "new" / "folder").close()


def test_a_damaged_file_is_reported_when_the_device_opens(tmp_path: Path) -> None:
    with open_device(tmp_path) as device:
        device.cards.put(HeldCard(1, b"card", 2))
    (tmp_path / "cards.json").write_bytes(b"\x00\x00\x00")
    with pytest.raises(CorruptFileError) as caught:
        open_device(tmp_path)
    assert caught.value.path == tmp_path / "cards.json"
    restore_from_backup(caught.value.directory, caught.value.collection)
    with open_device(tmp_path) as device:
        assert device.cards.all() == [HeldCard(1, b"card", 2)]


def test_in_memory_devices_share_nothing() -> None:
    first, second = in_memory_device(), in_memory_device()
    first.cards.put(HeldCard(1, b"card", 2))
    assert second.cards.all() == []
    first.close()
