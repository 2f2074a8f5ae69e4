"""The sync engine when the district is restored from a backup (app/sync.py, app/sync_restore.py,
against the fake district of tests/fakes.py): what the district had acknowledged since the
backup is sent again, the pull starts over under the new generation, and what the restored
district no longer has leaves the phone."""

from __future__ import annotations

from app.district_errors import DistrictUnreachable
from app.models import DistrictAccess, PullPage, SyncMark
from app.sync import TokenExpired
from app.sync_restore import SENT_DAYS
from tests.engine_support import Phone
from tests.fakes import FakeSyncServer

DAY = 86_400


def restored_phone() -> tuple[Phone, list[str]]:
    """A phone whose changes 1 and 2 the district applied, 1 before and 2 after a backup, and
    a district then restored from that backup; returns the phone and its record ids."""
    phone = Phone()
    phone.district.generation = "g1"
    first = phone.save(1)
    assert phone.engine.sync().error is None
    backup = phone.district.backup()
    second = phone.save(2)
    assert phone.engine.sync().pushed == 1
    phone.district.restore(backup, "g2")
    return phone, [first.record_id, second.record_id]


def applied_records(phone: Phone) -> list[str]:
    return sorted(c.record_id for c in phone.district.applied.values())


def test_what_the_district_acknowledged_since_its_backup_is_sent_again_after_a_restore() -> None:
    phone, records = restored_phone()
    assert applied_records(phone) == records[:1]  # the restore lost the second change
    report = phone.engine.sync()
    assert report.error is None
    assert applied_records(phone) == records  # each once: the first came back "duplicate"
    assert phone.outbox.pending() == [] and len(phone.outbox.sent()) == 2
    assert phone.engine.sync().pushed == 0  # nothing is sent a third time


def test_after_a_restore_the_pull_starts_over_and_sees_what_came_after_it() -> None:
    phone, _ = restored_phone()
    saved_cursor = phone.cursor.load().cursor
    phone.district.note("spot", "s1", {"name": "启园"})  # its cursor is one the phone passed
    assert phone.district.log[-1].cursor <= saved_cursor
    phone.engine.sync()
    assert phone.applier.records[("spot", "s1")] == {"name": "启园"}
    assert phone.district.pulls[-3:] == [(saved_cursor, "g1"), (0, "g2"), (2, "g2")]
    assert phone.cursor.load() == SyncMark(3, int(phone.clock.now), "g2")


def test_records_the_restored_district_does_not_send_again_leave_the_phone() -> None:
    phone = Phone()
    phone.district.generation = "g1"
    phone.district.note("spot", "s1", {"name": "启园"})
    phone.engine.sync()
    backup = phone.district.backup()
    phone.district.note("card", "300001", {"serial": 300001})  # issued after the backup
    phone.engine.sync()
    assert ("card", "300001") in phone.applier.records
    phone.district.restore(backup, "g2")
    phone.district.note("redemption", "2", {"id": 2})  # an id the phone may have held
    phone.engine.sync()
    assert set(phone.applier.records) == {("spot", "s1"), ("redemption", "2")}
    assert phone.cursor.load().stale == frozenset()


class DropsAfterAPage(FakeSyncServer):
    """Once armed, the line drops right after the next page with entries has arrived."""

    armed = False

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        page = super().pull(access, cursor, limit, generation)
        if self.armed and page.changes:
            self.armed, self.down = False, True
        return page


def test_a_pull_cut_off_after_the_restore_was_noticed_finishes_at_the_next_sync() -> None:
    district = DropsAfterAPage(generation="g1")
    phone = Phone(district)
    for n in range(3):
        district.note("spot", f"s{n}", {"n": n})
    phone.engine.sync()
    backup = district.backup()
    district.note("spot", "gone", {"n": 9})
    phone.engine.sync()
    district.restore(backup, "g2")
    phone.restart(page=1)
    district.armed = True
    assert isinstance(phone.engine.sync().error, DistrictUnreachable)
    mark = phone.cursor.load()
    assert (mark.generation, mark.cursor) == ("g2", 1)
    assert ("spot", "gone") in mark.stale and ("spot", "gone") in phone.applier.records
    district.down = False
    assert phone.engine.sync().error is None
    assert set(phone.applier.records) == {("spot", "s0"), ("spot", "s1"), ("spot", "s2")}


def test_the_first_generation_a_phone_hears_of_is_taken_without_starting_over() -> None:
    phone = Phone()
    phone.district.note("spot", "s1", {"n": 1})
    phone.engine.sync()  # a district of before generations
    phone.district.generation = "g1"  # the district was updated
    phone.district.note("spot", "s2", {"n": 2})
    phone.engine.sync()
    assert phone.district.pulls == [(0, None), (1, None)]
    assert phone.applier.applied == [1, 2] and phone.cursor.load().generation == "g1"


def test_sent_changes_are_kept_thirty_days_and_then_forgotten() -> None:
    phone = Phone()
    phone.save(1)
    phone.engine.sync()
    assert [c.record_id for c in phone.outbox.sent()] == ["r-1"]
    phone.clock.now += SENT_DAYS * DAY - 1
    phone.engine.sync()
    assert len(phone.outbox.sent()) == 1
    phone.clock.now += 2
    phone.engine.sync()
    assert phone.outbox.sent() == []


def test_what_the_last_member_sent_is_not_sent_again_under_a_new_members_activation() -> None:
    phone, records = restored_phone()
    phone.engine.restart(other_person=True)
    assert phone.outbox.sent() == []
    assert phone.engine.sync().error is None
    assert applied_records(phone) == records[:1]


def test_a_phone_unknown_to_the_restored_district_sends_again_once_activated_again() -> None:
    phone, records = restored_phone()
    phone.district.expired = True  # activated after the backup: its token is not in it
    assert isinstance(phone.engine.sync().error, TokenExpired)
    phone.district.expired = False
    phone.engine.restart(other_person=False)  # the same member activates the phone again
    assert phone.engine.sync().error is None
    assert applied_records(phone) == records
