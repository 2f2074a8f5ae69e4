"""Device store migrations (storage/migrations.py): a phone updated from version 1 keeps the
family requests it had saved — they move to the sync outbox, once, even if the move is cut off;
one updated from version 2 keeps its pull position, its generation not yet known; a window
updated from version 2 keeps its sales, their chain and the day's usage."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.models import CardKind, Sale, SyncMark
from app.person import person_key
from app.sales import GENESIS, sealed
from storage.device import DEVICE_MIGRATIONS, open_device
from storage.engine.errors import SchemaTooNewError
from storage.engine.store import Store
from storage.migrations import family_outbox_to_sync
from storage.sales import sale_to_doc

DAY0 = 20_775  # 2026-11-18 in China
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


def version_2_sales(folder: Path) -> list[Sale]:
    """A window's folder as version 2 left it: two sales of 陈建国's card 100_001 today (no
    person on them), chained from the genesis."""
    store = Store.open(folder, migrations=DEVICE_MIGRATIONS[:1])
    kept: list[Sale] = []
    for seq in (1, 2):
        kept.append(sealed(Sale(
            id=f"{seq:032x}", seq=seq, at=DAY0 * 86_400 + seq, day=DAY0, spot_id="yanjia",
            ticket_id="mudu-4", ticket_name="木渎古镇四景联票", serial=100_001,
            kind=CardKind.MEMBER, name="陈建国", presentation_id=None, list_fen=7800,
            paid_fen=3978, override=False, prev_hash=kept[-1].hash if kept else GENESIS,
            hash="")))
        doc = sale_to_doc(kept[-1])
        del doc["person"]  # version 2 did not know it
        store.collection("sales", key="id").put(doc)
    store.close()
    return kept


def test_a_windows_sales_from_before_keep_their_chain_and_count_for_their_card(
        tmp_path: Path) -> None:
    kept = version_2_sales(tmp_path)
    chen = person_key("WZ2014012345", CardKind.MEMBER)
    with open_device(tmp_path) as device:
        assert device.sales.all() == kept and device.sales.verify_chain() is None
        assert device.sales.uses_today(chen, 100_001, "yanjia", DAY0) == 2
        newer = sealed(replace(kept[1], id="3" * 32, seq=3, serial=100_777, person=chen,
                               prev_hash=kept[1].hash))
        device.sales.append(newer)
    with open_device(tmp_path) as device:
        assert device.sales.all() == [*kept, newer] and device.sales.verify_chain() is None
        assert device.sales.uses_today(chen, 100_001, "yanjia", DAY0) == 3
    with pytest.raises(SchemaTooNewError):  # the older app would misread the new sales
        Store.open(tmp_path, migrations=DEVICE_MIGRATIONS[:1])
