"""Device store migrations (storage/migrations.py): a phone updated from version 1 keeps the
family requests it had saved — they move to the sync outbox, once, even if the move is cut off;
one updated from version 2 keeps its pull position, its generation not yet known."""

from __future__ import annotations

from pathlib import Path

from app.models import SyncMark
from storage.device import DEVICE_MIGRATIONS, open_device
from storage.engine.store import Store
from storage.migrations import family_outbox_to_sync

OLD_REQUESTS = (
    {"id": "b2", "name": "陈小明", "relation": "子女", "id_last4": "123X", "requested_at": 101},
    {"id": "a1", "name": "王喆", "relation": "配偶", "id_last4": "5208", "requested_at": 100},
)


def version_1_store(folder: Path) -> None:
    """A data folder as the first version left it: two requests waiting, seq 7 given out."""
    store = Store.open(folder)
    for doc in OLD_REQUESTS:
        store.collection("family_outbox", key="id").put(doc)
    store.collection("sync_state", key="name").put({"name": "seq", "last": 7})
    store.close()


def test_saved_family_requests_move_to_the_sync_outbox_oldest_first(tmp_path: Path) -> None:
    version_1_store(tmp_path)
    with open_device(tmp_path) as device:
        waiting = device.outbox.pending()
        assert [(c.entity, c.record_id, c.seq, c.made_at) for c in waiting] == [
            ("family_request", "a1", 8, 100), ("family_request", "b2", 9, 101)]
        assert waiting[0].fields == {"name": "王喆", "relation": "配偶", "id_last4": "5208"}
        assert device.outbox.next_seq() == 10


def test_a_move_cut_off_and_run_again_moves_each_request_once(tmp_path: Path) -> None:
    version_1_store(tmp_path)
    store = Store.open(tmp_path)
    family_outbox_to_sync(store)
    store.collection("family_outbox", key="id").put(OLD_REQUESTS[0])  # as if cut off
    family_outbox_to_sync(store)
    outbox = [d["record_id"] for d in store.collection("outbox", key="slot").all()]
    assert sorted(outbox) == ["a1", "b2"]
    assert store.collection("family_outbox", key="id").all() == []
    store.close()


def test_a_phone_updated_from_version_2_keeps_its_cursor_and_learns_the_generation_later(
        tmp_path: Path) -> None:
    store = Store.open(tmp_path, migrations=DEVICE_MIGRATIONS[:1])
    store.collection("sync_state", key="name").put(
        {"name": "cursor", "cursor": 42, "synced_at": 1_700_000_000})
    store.collection("sync_state", key="name").put({"name": "seq", "last": 7})
    store.close()
    with open_device(tmp_path) as device:
        assert device.sync_cursor.load() == SyncMark(42, 1_700_000_000, None, frozenset())
        assert device.outbox.next_seq() == 8
