"""Contract tests for the sync ports: the outbox and the cursor behave the same in memory and on
disk, and what the disk version saved is there after the device store is opened again — including
the acknowledged changes kept to be sent again after a restore of the district."""

from __future__ import annotations

from dataclasses import replace

from app.models import Change, ParkedChange, SyncMark
from tests.storage_support import Harness


def change(seq: int, change_id: str | None = None) -> Change:
    return Change(change_id or f"c-{seq}", seq, "family_request", f"r-{seq}", "upsert", None, 1,
                  {"name": "王喆", "relation": "配偶", "id_last4": "5208"}, 1000 + seq)


def test_an_appended_change_waits_in_seq_order_until_done(harness: Harness) -> None:
    outbox = harness.device.outbox
    for seq in (3, 1, 2):
        outbox.append(change(seq))
    outbox.mark_done("c-2", 2000)
    outbox.mark_done("never-sent", 2000)
    assert harness.reopen().outbox.pending() == [change(1), change(3)]


def test_a_parked_change_no_longer_waits_and_keeps_the_servers_words(harness: Harness) -> None:
    outbox = harness.device.outbox
    outbox.append(change(1))
    outbox.append(change(2))
    outbox.park("c-1", "family_limit", "家属已满", "too many family members")
    outbox = harness.reopen().outbox
    assert outbox.pending() == [change(2)]
    assert outbox.parked() == [ParkedChange(change(1), "family_limit", "家属已满",
                                            "too many family members")]
    outbox.mark_done("c-1", 2000)
    assert harness.reopen().outbox.parked() == []


def test_a_requeued_change_takes_its_slot_under_a_new_id_and_seq(harness: Harness) -> None:
    outbox = harness.device.outbox
    outbox.append(change(1))
    outbox.append(change(2))
    renumbered = replace(change(1), change_id="c-new", seq=9)
    outbox.requeue("c-1", renumbered)
    assert harness.reopen().outbox.pending() == [change(2), renumbered]
    harness.device.outbox.mark_done("c-new", 2000)
    assert harness.reopen().outbox.pending() == [change(2)]


def test_sequence_numbers_only_increase_even_across_restarts(harness: Harness) -> None:
    outbox = harness.device.outbox
    assert [outbox.next_seq(), outbox.next_seq()] == [1, 2]
    assert outbox.next_seq(at_least=10) == 10
    assert outbox.next_seq(at_least=3) == 11
    assert harness.reopen().outbox.next_seq() == 12


def test_the_cursor_starts_at_zero_and_is_kept(harness: Harness) -> None:
    assert harness.device.sync_cursor.load() == SyncMark(0, None)
    harness.device.sync_cursor.save(SyncMark(42, 1_700_000_000))
    assert harness.reopen().sync_cursor.load() == SyncMark(42, 1_700_000_000)


def test_the_cursor_keeps_its_generation_and_the_records_awaiting_the_pull_from_the_start(
        harness: Harness) -> None:
    mark = SyncMark(7, 1_700_000_000, "9f2c", frozenset({("card", "300001"), ("spot", "s1")}))
    harness.device.sync_cursor.save(mark)
    assert harness.reopen().sync_cursor.load() == mark


def test_an_acknowledged_change_is_kept_as_sent_and_can_be_sent_again(harness: Harness) -> None:
    outbox = harness.device.outbox
    for seq in (1, 2, 3):
        outbox.append(change(seq))
    outbox.mark_done("c-3", 2000)
    outbox.mark_done("c-1", 2001)
    outbox = harness.reopen().outbox
    assert outbox.pending() == [change(2)] and outbox.sent() == [change(1), change(3)]
    assert outbox.resend() == 2
    outbox = harness.reopen().outbox
    assert outbox.pending() == [change(1), change(2), change(3)] and outbox.sent() == []
    outbox.mark_done("c-1", 2002)  # acknowledged again (its slot is still its own)
    assert outbox.pending() == [change(2), change(3)] and outbox.sent() == [change(1)]


def test_sent_changes_are_forgotten_by_age_and_beyond_a_count(harness: Harness) -> None:
    outbox = harness.device.outbox
    for seq in range(1, 6):
        outbox.append(change(seq))
        outbox.mark_done(f"c-{seq}", 1000 * seq)
    assert outbox.forget_sent(2500, 10) == 2  # acknowledged at 1000 and 2000
    assert outbox.forget_sent(0, 2) == 1  # the oldest beyond the newest two
    assert harness.reopen().outbox.sent() == [change(4), change(5)]
    assert harness.device.outbox.forget_sent(0, 0) == 2 and harness.device.outbox.sent() == []
