"""Contract tests for the cadre's namespace of the device store (storage/cadre.py): the same in
memory and on disk, kept after the store is closed and opened again, and apart from the
member's key, settings, outbox and cursor."""

from __future__ import annotations

import datetime as dt

from app.cadre_ports import Revision
from app.duties import Duty
from app.models import Change, Settings, SyncMark
from tests.storage_support import Harness


def revision(n: int, record: str = "r1", submitted: int | None = None) -> Revision:
    return Revision(record, n, Duty.ENTERPRISE_VISIT, "", dt.date(2026, 11, 3),
                    {"topics": "用工", "report": "调研报告" * 1500}, 100 + n, submitted)


def test_every_revision_is_kept_and_a_draft_saved_again_replaces_only_itself(
        harness: Harness) -> None:
    store = harness.device.cadre.revisions
    store.put(revision(1, submitted=150))
    store.put(revision(2))
    store.put(revision(1, "r2"))
    edited = Revision("r1", 2, Duty.ENTERPRISE_VISIT, "", dt.date(2026, 11, 4),
                      {"topics": "改过"}, 300)
    store.put(edited)
    store = harness.reopen().cadre.revisions
    assert store.revisions("r1") == [revision(1, submitted=150), edited]
    assert store.revisions("nothing") == []
    assert sorted((r.record_id, r.revision) for r in store.all()) == [
        ("r1", 1), ("r1", 2), ("r2", 1)]


def test_pulled_entries_are_kept_by_entity_and_id_and_removed(harness: Harness) -> None:
    pulled = harness.device.cadre.pulled
    pulled.put("needy_worker", "NW1", {"name": "王秀兰", "town": "木渎"})
    pulled.put("needy_worker", "NW2", {"name": "李国庆"})
    pulled.put("cadre_record", "NW1", {"state": "submitted", "revision": 1})
    pulled.put("needy_worker", "NW2", {"name": "李国庆", "town": "东山"})
    pulled.remove("needy_worker", "NW1")
    pulled.remove("meeting", "none")
    pulled = harness.reopen().cadre.pulled
    assert pulled.all("needy_worker") == {"NW2": {"name": "李国庆", "town": "东山"}}
    assert pulled.all("cadre_record") == {"NW1": {"state": "submitted", "revision": 1}}
    assert pulled.keys() == {("needy_worker", "NW2"), ("cadre_record", "NW1")}


def test_the_cadres_key_settings_outbox_and_cursor_are_apart_from_the_members(
        harness: Harness) -> None:
    device = harness.device
    device.keys.save(bytes(32))
    device.settings.save(Settings(server_url="http://m", extra={"device_token": "m"}))
    cadre = device.cadre
    cadre.keys.save(bytes(range(32)))
    cadre.settings.save(Settings(server_url="http://c", extra={"device_token": "c"}))
    seq = cadre.outbox.next_seq()
    cadre.outbox.append(Change("c1", seq, "cadre_record", "r1", "upsert", None, 1,
                               {"revision": 1}, 5))
    cadre.cursor.save(SyncMark(cursor=42))
    device = harness.reopen()
    assert device.keys.load() == bytes(32) and device.cadre.keys.load() == bytes(range(32))
    assert device.settings.load().extra == {"device_token": "m"}
    assert device.cadre.settings.load().extra == {"device_token": "c"}
    assert device.outbox.pending() == [] and device.sync_cursor.load().cursor == 0
    assert [c.change_id for c in device.cadre.outbox.pending()] == ["c1"]
    assert device.cadre.cursor.load().cursor == 42
    assert device.cadre.outbox.next_seq() == seq + 1
