"""storage.engine.recovery: a damaged collection comes back from its backup with every acknowledged
save, and the damaged files are kept, not deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.engine.collection import CompactionPolicy
from storage.engine.errors import BackupMissingError, CorruptFileError, StoreLockedError
from storage.engine.recovery import restore_from_backup
from storage.engine.store import Store

NEVER = CompactionPolicy(min_bytes=1 << 40)


def doc(k: int) -> dict[str, object]:
    return {"k": k, "name": f"会员{k}"}


def fill(folder: Path, keys: range, *, compact_after: bool = False) -> None:
    with Store.open(folder, policy=NEVER) as store:
        records = store.collection("records", key="k")
        for k in keys:
            records.put(doc(k))
        if compact_after:
            records.compact()


def contents(folder: Path) -> list[dict[str, object]]:
    with Store.open(folder, policy=NEVER) as store:
        return store.collection("records", key="k").all()


def damage(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-20] + b"\x00garbage")


def test_a_damaged_snapshot_is_restored_with_every_save(tmp_path: Path) -> None:
    fill(tmp_path, range(0, 10), compact_after=True)
    fill(tmp_path, range(10, 20), compact_after=True)
    fill(tmp_path, range(20, 25))
    damage(tmp_path / "records.json")
    with pytest.raises(CorruptFileError) as caught:
        contents(tmp_path)
    restored = restore_from_backup(caught.value.directory, caught.value.collection)
    assert restored == 25
    assert contents(tmp_path) == [doc(k) for k in range(25)]
    assert len(list(tmp_path.glob("records.json.before-restore-*"))) == 1


def test_a_collection_never_compacted_is_restored_from_its_journal(tmp_path: Path) -> None:
    fill(tmp_path, range(5))
    damage(tmp_path / "records.json")
    assert restore_from_backup(tmp_path, "records") == 5
    assert contents(tmp_path) == [doc(k) for k in range(5)]


def test_a_damaged_journal_is_restored_up_to_the_damage(tmp_path: Path) -> None:
    fill(tmp_path, range(3))
    journal = tmp_path / "records.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join([*lines[:3], b"garbage\n", *lines[3:]]))
    with pytest.raises(CorruptFileError) as caught:
        contents(tmp_path)
    assert caught.value.path == journal
    restore_from_backup(tmp_path, "records")
    assert contents(tmp_path) == [doc(0), doc(1)]


def test_saves_after_a_restore_survive_a_second_restore(tmp_path: Path) -> None:
    fill(tmp_path, range(3), compact_after=True)
    damage(tmp_path / "records.json")
    restore_from_backup(tmp_path, "records")
    fill(tmp_path, range(3, 6))
    damage(tmp_path / "records.json")
    restore_from_backup(tmp_path, "records")
    assert contents(tmp_path) == [doc(k) for k in range(6)]


def test_restoring_needs_a_backup(tmp_path: Path) -> None:
    fill(tmp_path, range(3), compact_after=True)
    for name in ("records.json.bak", "records.journal.bak"):
        (tmp_path / name).unlink()
    damage(tmp_path / "records.json")
    with pytest.raises(BackupMissingError) as caught:
        restore_from_backup(tmp_path, "records")
    assert "backup" in caught.value.message_en and "备份" in caught.value.message_zh


def test_restoring_waits_for_the_store_to_be_closed(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.collection("records", key="k")
        with pytest.raises(StoreLockedError):
            restore_from_backup(tmp_path, "records")
