"""storage.device: where the data folder is, and opening the device store as a whole."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import HeldCard
from storage.device import default_data_dir, open_device
from storage.engine.collection import CompactionPolicy
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


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a plain `open` makes files other users can read."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(folder: Path) -> dict[str, str]:
    return {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.iterdir()]}


@pytest.mark.usefixtures("umask_022")
def test_the_device_key_and_every_file_beside_it_are_readable_by_the_owner_only(
        tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    every_save_compacts = CompactionPolicy(min_bytes=0, ratio=0.0)
    with open_device(folder, policy=every_save_compacts) as device:
        device.keys.save(b"k" * 32)
        device.cards.put(HeldCard(1, b"card", 2))
        device.cards.put(HeldCard(2, b"card", 3))
    found = modes(folder)
    assert {"device_key.json", "device_key.journal", "cards.json.bak",
            "cards.journal.bak", ".lock"} <= set(found)
    assert found == {name: "0o700" if name == "phone" else "0o600" for name in found}


@pytest.mark.usefixtures("umask_022")
def test_a_folder_an_older_app_left_readable_is_made_private_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with open_device(tmp_path) as device:
        device.keys.save(b"k" * 32)
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "device_key.json", 0o644)
    with caplog.at_level(logging.WARNING), open_device(tmp_path) as device:
        assert device.keys.load() == b"k" * 32
    assert set(modes(tmp_path).values()) == {"0o700", "0o600"}
    assert "仅本人可读写" in caplog.text and "device_key.json" in caplog.text
