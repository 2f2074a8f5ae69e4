"""The sync engine (app/sync.py) against hand-written fakes: a district that applies each change
once and keeps a log, an applier that keeps what it is given, and a clock the test moves."""

from __future__ import annotations

import threading

import pytest

from app.district_errors import DistrictUnreachable
from app.models import Change, SyncMark
from app.sync import TokenExpired, backoff_delay
from storage.memory import InMemorySyncCursor
from tests.engine_support import Phone


def test_a_saved_change_waits_in_the_outbox_before_anything_is_sent() -> None:
    phone = Phone()
    saved = phone.save(1)
    assert phone.outbox.pending() == [saved] and phone.district.batches == []
    assert (saved.seq, saved.schema, saved.op, saved.made_at) == (1, 1, "upsert", 1_700_000_000)
    assert phone.engine.status().waiting == 1


def test_changes_go_out_in_batches_of_at_most_a_hundred_and_each_once() -> None:
    phone = Phone()
    for n in range(250):
        phone.save(n)
    report = phone.engine.sync()
    assert phone.district.batches == [100, 100, 50]
    assert report.pushed == 250 and phone.outbox.pending() == []
    assert len(phone.district.applied) == 250
    phone.engine.sync()
    assert len(phone.district.applied) == 250


def test_conflicts_and_rejections_are_parked_with_the_servers_words_and_block_nothing() -> None:
    phone = Phone()
    phone.district.refuse = {"r-1": ("conflict", "family_limit"),
                             "r-2": ("rejected", "invalid_fields")}
    for n in range(4):
        phone.save(n)
    report = phone.engine.sync()
    assert (report.pushed, report.parked) == (2, 2)
    parked = phone.outbox.parked()
    assert [(p.change.record_id, p.reason, p.message_en) for p in parked] == [
        ("r-1", "family_limit", "no: family_limit"), ("r-2", "invalid_fields",
                                                      "no: invalid_fields")]
    assert phone.outbox.pending() == []
    status = phone.engine.status()
    assert (status.waiting, status.parked, status.online) == (0, 2, True)


def test_a_change_below_the_servers_seq_goes_again_under_a_new_id_and_higher_seq() -> None:
    phone = Phone()
    phone.district.last_seq = 40  # e.g. the phone's data came back from an older backup
    first = phone.save(1)
    report = phone.engine.sync()
    assert report.pushed == 1 and phone.outbox.pending() == []
    [sent] = phone.district.applied.values()
    assert sent.record_id == first.record_id and sent.change_id != first.change_id
    assert sent.seq > 40
    assert phone.save(2).seq > sent.seq


def test_backoff_doubles_from_two_seconds_to_five_minutes_with_full_jitter() -> None:
    ceilings = [backoff_delay(n, lambda: 1.0) for n in range(1, 12)]
    assert ceilings == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert backoff_delay(3, lambda: 0.25) == 2.0
    assert backoff_delay(10_000, lambda: 0.5) == 150.0


def test_an_unreachable_district_is_retried_later_and_forever_and_nothing_is_lost() -> None:
    phone = Phone(rand=0.5)
    phone.district.down = True
    phone.save(1)
    for attempt in range(1, 15):
        started = phone.clock.now
        assert isinstance(phone.engine.sync().error, DistrictUnreachable)
        status = phone.engine.status()
        assert status.next_attempt_at == started + backoff_delay(attempt, lambda: 0.5)
        assert (status.online, status.waiting) == (False, 1) and not phone.engine.due()
        phone.clock.now = status.next_attempt_at
        assert phone.engine.due()
    phone.district.down = False
    assert phone.engine.sync().error is None
    status = phone.engine.status()
    assert (status.online, status.waiting, status.next_attempt_at) == (True, 0, None)
    assert status.last_synced_at == int(phone.clock.now)
    assert len(phone.district.applied) == 1


def test_an_expired_token_is_reported_and_not_retried_as_a_network_fault() -> None:
    phone = Phone()
    phone.district.expired = True
    phone.save(1)
    assert isinstance(phone.engine.sync().error, TokenExpired)
    status = phone.engine.status()
    assert status.signed_out and status.next_attempt_at is None and status.waiting == 1


def test_pages_are_applied_before_their_cursor_is_saved() -> None:
    phone = Phone()
    for n in range(5):
        phone.district.note("spot", f"s{n}", {"n": n})
    phone.restart(page=2)
    report = phone.engine.sync()
    assert report.pulled == 5 and phone.applier.applied == [1, 2, 3, 4, 5]
    assert phone.applier.cursor_seen == [0, 0, 2, 2, 4]
    assert phone.cursor.load().cursor == 5


class CrashingCursor(InMemorySyncCursor):
    """Power lost right after a page was applied, before its cursor was written."""

    def __init__(self) -> None:
        super().__init__()
        self.crash = True

    def save(self, mark: SyncMark) -> None:
        if self.crash:
            raise KeyboardInterrupt("power lost")
        super().save(mark)


def test_a_crash_before_the_cursor_is_saved_reapplies_the_page_harmlessly() -> None:
    phone = Phone(cursor=CrashingCursor())
    phone.district.note("spot", "s1", {"name": "启园"})
    phone.district.note("spot", "s2", {"name": "紫金庵"})
    phone.district.note("spot", "s1", None, op="tombstone")
    with pytest.raises(KeyboardInterrupt):
        phone.engine.sync()
    after_crash = dict(phone.applier.records)
    assert isinstance(phone.cursor, CrashingCursor)
    phone.cursor.crash = False
    phone.restart()
    assert phone.engine.sync().pulled == 3
    assert phone.applier.records == after_crash == {("spot", "s2"): {"name": "紫金庵"}}
    assert phone.applier.applied == [1, 2, 3, 1, 2, 3] and phone.cursor.load().cursor == 3


def test_a_change_saved_while_a_page_is_pulled_is_reapplied_over_it() -> None:
    phone = Phone()
    phone.district.note("note", "r-7", {"n": "server's"})
    phone.district.note("note", "r-8", {"n": "other"})
    saved: list[Change] = []
    phone.applier.during = lambda: saved.append(phone.save(7)) if not saved else None
    phone.engine.sync()
    assert phone.applier.reapplied == [saved[0].change_id]
    assert phone.applier.records[("note", "r-7")] == {"n": 7}
    assert phone.outbox.pending() == saved


def test_listeners_hear_each_save_and_each_sync_and_can_leave() -> None:
    phone = Phone()
    heard: list[str] = []
    leave = phone.engine.subscribe(heard.append)
    phone.save(1)
    phone.engine.sync()
    phone.district.down = True
    phone.engine.sync()
    leave()
    phone.save(2)
    assert heard == ["recorded", "synced", "synced"]


def test_a_saved_change_recorded_from_many_threads_gets_its_own_seq() -> None:
    phone = Phone()
    threads = [threading.Thread(target=lambda n=n: [phone.save(n * 100 + i) for i in range(50)])
               for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = [c.seq for c in phone.outbox.pending()]
    assert len(seqs) == 200 and len(set(seqs)) == 200


def test_a_parked_change_can_be_dismissed_once_the_member_has_read_it() -> None:
    phone = Phone()
    phone.district.refuse["r-1"] = ("conflict", "family_limit")
    phone.save(1)
    phone.engine.sync()
    (parked,) = phone.engine.parked()
    phone.engine.dismiss(parked.change.change_id)
    assert phone.engine.parked() == [] and phone.engine.status().parked == 0


def test_a_new_activation_pulls_from_the_start_and_parks_another_persons_changes() -> None:
    phone = Phone()
    phone.district.note("note", "a", {"n": 1})
    phone.engine.sync()
    assert phone.cursor.load().cursor == 1
    phone.district.down = True
    phone.save(7)
    phone.engine.sync()
    phone.engine.restart(other_person=True)
    assert phone.cursor.load().cursor == 0 and phone.engine.status().waiting == 0
    assert [p.reason for p in phone.engine.parked()] == ["other_person"]
    assert phone.engine.due() and phone.engine.status().online is False
    phone.district.down = False
    phone.engine.sync()
    assert phone.applier.applied[-1] == 1 and phone.district.applied == {}


def test_the_same_person_activating_again_keeps_what_waits() -> None:
    phone = Phone()
    phone.district.down = True
    phone.save(7)
    phone.engine.restart(other_person=False)
    phone.district.down = False
    assert phone.engine.sync().pushed == 1
