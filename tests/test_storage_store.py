"""storage.engine.store and storage.engine.schema: schema versions, ordered migrations recorded in
meta.json, and a store refusing a folder written by a newer version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.engine.errors import CorruptFileError, SchemaTooNewError
from storage.engine.schema import Migration, rename_field
from storage.engine.store import Store

# Version 1 stored a card's COSE bytes under "cose"; version 2 calls the field "cose_b64".
V2 = Migration(2, "cards: cose → cose_b64", rename_field("cards", "serial", "cose", "cose_b64"))


def clock() -> float:
    return 1_795_000_000.0


def make_v1_store(folder: Path) -> None:
    with Store.open(folder) as store:
        cards = store.collection("cards", key="serial")
        cards.put({"serial": 1, "cose": "AAEC", "received_at": 5})
        cards.put({"serial": 2, "cose": "AwQF", "received_at": 6})


def test_a_new_store_starts_at_the_newest_version_without_running_migrations(
    tmp_path: Path,
) -> None:
    ran: list[int] = []
    migration = Migration(2, "never", lambda store: ran.append(2))
    with Store.open(tmp_path, migrations=[migration]) as store:
        assert store.schema_version == 2
        assert store.applied == []
    assert ran == []


def test_a_migration_renames_a_field_and_is_recorded(tmp_path: Path) -> None:
    make_v1_store(tmp_path)
    with Store.open(tmp_path, migrations=[V2], clock=clock) as store:
        assert store.schema_version == 2
        assert store.collection("cards", key="serial").all() == [
            {"serial": 1, "cose_b64": "AAEC", "received_at": 5},
            {"serial": 2, "cose_b64": "AwQF", "received_at": 6},
        ]
    meta = json.loads((tmp_path / "meta.json").read_text())["_default"]["1"]
    assert meta == {
        "schema_version": 2,
        "migrations": [{"version": 2, "name": V2.name, "applied_at": 1_795_000_000}],
    }


def test_migrations_run_in_order_once(tmp_path: Path) -> None:
    make_v1_store(tmp_path)
    ran: list[int] = []
    v3 = Migration(3, "note", lambda store: ran.append(3))
    Store.open(tmp_path, migrations=[V2]).close()
    with Store.open(tmp_path, migrations=[V2, v3]) as store:
        assert [m.version for m in store.applied] == [2, 3]
    Store.open(tmp_path, migrations=[V2, v3]).close()
    assert ran == [3]


def test_a_migrated_store_keeps_its_data_after_a_reopen(tmp_path: Path) -> None:
    make_v1_store(tmp_path)
    Store.open(tmp_path, migrations=[V2]).close()
    with Store.open(tmp_path, migrations=[V2]) as store:
        found = store.collection("cards", key="serial").get(2)
    assert found == {"serial": 2, "cose_b64": "AwQF", "received_at": 6}


def test_a_store_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path, migrations=[V2]).close()
    with pytest.raises(SchemaTooNewError) as caught:
        Store.open(tmp_path)
    assert (caught.value.found, caught.value.supported) == (2, 1)
    assert "升级" in caught.value.message_zh and "Update" in caught.value.message_en
    Store.open(tmp_path, migrations=[V2]).close()  # the refusal released the folder


def test_migrations_must_be_numbered_from_two(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Store.open(tmp_path, migrations=[Migration(3, "skips 2", lambda store: None)])


def test_the_key_field_cannot_be_renamed_by_rename_field() -> None:
    with pytest.raises(ValueError):
        rename_field("cards", "serial", "serial", "number")


def test_a_damaged_schema_record_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    (tmp_path / "meta.json").write_text('{"_default": {"1": {"migrations": [{"x": 1}]}}}')
    with pytest.raises(CorruptFileError):
        Store.open(tmp_path)


def test_collection_names_become_file_names_only_when_safe(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for bad in ("../x", "Cards", "meta", ""):
            with pytest.raises(ValueError):
                store.collection(bad, key="k")


def test_a_collection_is_opened_with_one_key(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.collection("cards", key="serial") is store.collection("cards", key="serial")
        with pytest.raises(ValueError):
            store.collection("cards", key="id")


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    records = store.collection("records", key="k")
    store.close()
    with pytest.raises(RuntimeError):
        records.put({"k": 1})
    with pytest.raises(RuntimeError):
        store.collection("records", key="k")
