"""storage.engine.collection: saves survive a reopen, compaction keeps files TinyDB-readable, an
interrupted compaction is finished on open, damage is refused."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB, where

import storage.engine.collection
from storage.engine.collection import Collection, CompactionPolicy
from storage.engine.errors import CorruptFileError
from storage.engine.store import Store

NEVER = CompactionPolicy(min_bytes=1 << 40)


def doc(k: int, **extra: object) -> dict[str, object]:
    return {"k": k, "name": f"会员{k}", **extra}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(folder: Path) -> Iterator[Store]:
    with Store.open(folder, policy=NEVER) as opened:
        yield opened


def reopen(folder: Path, policy: CompactionPolicy = NEVER) -> Store:
    return Store.open(folder, policy=policy)


def test_put_get_remove_and_all(store: Store) -> None:
    records = store.collection("records", key="k")
    records.put(doc(1))
    records.put(doc(2))
    records.put(doc(1, town="木渎"))
    records.remove(2)
    records.remove(99)
    assert records.get(1) == doc(1, town="木渎")
    assert records.get(2) is None
    assert records.all() == [doc(1, town="木渎")]
    assert len(records) == 1


def test_search_takes_tinydb_queries(store: Store) -> None:
    records = store.collection("records", key="k")
    records.replace_all([doc(1, town="木渎"), doc(2, town="甪直")])
    assert records.search(where("town") == "甪直") == [doc(2, town="甪直")]


def test_what_was_saved_is_there_after_a_reopen(folder: Path) -> None:
    with reopen(folder) as store:
        records = store.collection("records", key="k")
        for k in range(20):
            records.put(doc(k))
        records.remove(3)
    with reopen(folder) as store:
        assert store.collection("records", key="k").all() == [doc(k) for k in range(20) if k != 3]


def test_a_returned_document_is_a_copy(store: Store) -> None:
    records = store.collection("records", key="k")
    records.put(doc(1))
    found = records.get(1)
    assert found is not None
    found["name"] = "changed"
    assert records.get(1) == doc(1)


def test_compaction_leaves_a_snapshot_stock_tinydb_reads(folder: Path) -> None:
    small = CompactionPolicy(min_bytes=512, ratio=0.0)
    with reopen(folder, small) as store:
        records = store.collection("records", key="k")
        for k in range(50):
            records.put(doc(k))
        records.compact()
    with TinyDB(folder / "records.json") as db:
        assert db.all() == [doc(k) for k in range(50)]
    assert (folder / "records.journal").stat().st_size < 100
    assert sorted(p.name for p in folder.glob("*.tmp")) == []


def test_replace_all_keeps_the_last_of_a_repeated_key(store: Store) -> None:
    records = store.collection("records", key="k")
    records.put(doc(9))
    records.replace_all([doc(1), doc(2, v="old"), doc(2, v="new")])
    assert records.all() == [doc(1), doc(2, v="new")]


def test_a_document_without_its_key_is_refused_before_anything_is_written(store: Store) -> None:
    records = store.collection("records", key="k")
    records.put(doc(1))
    size = (store.directory / "records.journal").stat().st_size
    with pytest.raises(ValueError):
        records.put({"name": "no key"})
    with pytest.raises(ValueError):
        records.replace_all([{"name": "no key"}])
    with pytest.raises(ValueError):
        records.transform(lambda d: {"name": d["name"]})
    assert (store.directory / "records.journal").stat().st_size == size
    assert records.all() == [doc(1)]


def test_an_interrupted_compaction_is_finished_on_open(folder: Path) -> None:
    """Regression: a crash after the new snapshot but before the journal was rotated must not
    replay the old journal on top of the new snapshot, nor lose it."""
    with reopen(folder) as store:
        records = store.collection("records", key="k")
        records.put(doc(1))
        records.put(doc(2))
        shutil.copy(folder / "records.journal", folder / "old-journal")
        records.remove(2)
        records.compact()
    shutil.copy(folder / "old-journal", folder / "records.journal")  # as if rotation never ran
    with reopen(folder) as store:
        records = store.collection("records", key="k")
        assert records.all() == [doc(1)]
        records.put(doc(3))
    with reopen(folder) as store:
        assert store.collection("records", key="k").all() == [doc(1), doc(3)]


def test_leftover_temporary_files_are_removed_on_open(folder: Path) -> None:
    with reopen(folder) as store:
        store.collection("records", key="k").put(doc(1))
    (folder / "records.json.tmp").write_bytes(b'{"_default": {"1": {"k"')
    with reopen(folder) as store:
        assert store.collection("records", key="k").all() == [doc(1)]
    assert not (folder / "records.json.tmp").exists()


def test_a_damaged_snapshot_is_refused_naming_it_and_its_backup(folder: Path) -> None:
    with reopen(folder) as store:
        store.collection("records", key="k").put(doc(1))
    (folder / "records.json").write_bytes(b'{"_default": {"1": {"k": 1,')
    with reopen(folder) as store, pytest.raises(CorruptFileError) as caught:
        store.collection("records", key="k")
    assert caught.value.path == folder / "records.json"
    assert caught.value.backup == folder / "records.json.bak"


def test_a_missing_snapshot_beside_a_journal_is_damage_not_a_new_collection(folder: Path) -> None:
    with reopen(folder) as store:
        store.collection("records", key="k").put(doc(1))
    (folder / "records.json").unlink()
    with reopen(folder) as store, pytest.raises(CorruptFileError):
        store.collection("records", key="k")


def test_a_failed_automatic_compaction_does_not_fail_the_save(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    with reopen(folder, CompactionPolicy(min_bytes=1, ratio=0.0)) as store:
        records = store.collection("records", key="k")
        monkeypatch.setattr(storage.engine.collection, "write_synced", disk_full)
        records.put(doc(1))
        monkeypatch.undo()
        records.put(doc(2))
    with reopen(folder) as store:
        assert store.collection("records", key="k").all() == [doc(1), doc(2)]


def test_saves_from_several_threads_all_land(folder: Path) -> None:
    policy = CompactionPolicy(min_bytes=2048, ratio=0.0)
    with reopen(folder, policy) as store:
        records: Collection = store.collection("records", key="k")

        def save(start: int) -> None:
            for k in range(start, start + 50):
                records.put(doc(k))

        threads = [threading.Thread(target=save, args=(n * 100,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with reopen(folder) as store:
        assert len(store.collection("records", key="k")) == 200


def test_a_compaction_failing_after_the_new_snapshot_sends_no_save_to_the_old_journal(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: saves acknowledged after a half-finished compaction must survive a reopen."""

    def broken_disk(directory: Path) -> None:
        raise OSError(5, "Input/output error")

    with reopen(folder) as store:
        records = store.collection("records", key="k")
        records.put(doc(1))
        monkeypatch.setattr(storage.engine.collection, "sync_dir", broken_disk)
        with pytest.raises(OSError):
            records.compact()
        monkeypatch.undo()
        records.put(doc(2))
    with reopen(folder) as store:
        assert store.collection("records", key="k").all() == [doc(1), doc(2)]
