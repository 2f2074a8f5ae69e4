"""storage.engine.snapshot: files stock TinyDB reads, and damage reported instead of read as
empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import TinyDB, where

from storage.engine.errors import CorruptFileError
from storage.engine.snapshot import AtomicJSONStorage, Snapshot, read_snapshot, write_snapshot

DOCS = {"1": {"id": "qiyuan", "name": "启园"}, "7": {"id": "zijinan", "name": "紫金庵"}}


def test_stock_tinydb_reads_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "spots.json"
    write_snapshot(path, Snapshot(3, DOCS))
    with TinyDB(path) as db:
        assert db.all() == list(DOCS.values())
        assert db.get(doc_id=7) == {"id": "zijinan", "name": "紫金庵"}


def test_a_snapshot_reads_back_with_its_generation(tmp_path: Path) -> None:
    path = tmp_path / "spots.json"
    write_snapshot(path, Snapshot(3, DOCS))
    assert read_snapshot(path) == Snapshot(3, DOCS)


@pytest.mark.parametrize(
    "content",
    [b"", b'{"_default": {"1": {"id"', b"\xff\xfe", b"[1, 2]", b'{"_default": {"x": {}}}'],
    ids=["empty", "truncated", "not-utf8", "not-tables", "bad-id"],
)
def test_a_damaged_snapshot_raises_instead_of_reading_as_empty(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "spots.json"
    path.write_bytes(content)
    with pytest.raises(CorruptFileError) as caught:
        read_snapshot(path)
    assert caught.value.path == path


def test_atomic_json_storage_works_as_a_tinydb_storage(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.insert({"town": "木渎", "n": 1})
        db.insert({"town": "甪直", "n": 2})
    with TinyDB(path) as stock:
        assert stock.search(where("town") == "木渎") == [{"town": "木渎", "n": 1}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.json"]


def test_atomic_json_storage_refuses_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    path.write_bytes(b'{"_default": {"1": ')
    with pytest.raises(CorruptFileError):
        TinyDB(path, storage=AtomicJSONStorage).all()
