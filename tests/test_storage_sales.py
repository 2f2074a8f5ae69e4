"""Contract tests for the window's sales log and override log: the same in memory and on disk,
and what the disk version saved is there — chain intact — after the store is opened again.
Also: a writer killed (SIGKILL) mid-append leaves a log that opens, verifies, and holds every
sale it acknowledged."""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.models import CardKind, OverrideRecord, Sale
from app.person import person_key
from app.sales import GENESIS, sealed
from storage.device import open_device
from storage.engine.collection import CompactionPolicy
from tests.storage_support import Harness

DAY0 = 20_775  # 2026-11-18 in China
CHEN = person_key("WZ2014012345", CardKind.MEMBER)  # 陈建国, whichever card he shows
ROOT = Path(__file__).resolve().parent.parent


def next_sale(last: Sale | None, day: int = DAY0, serial: int | None = None,
              pid: str | None = None, spot: str = "yanjia", person: str | None = "") -> Sale:
    """The next sale of the chain; `person` "" names a person of its own, None none (a sale kept
    before windows named the person)."""
    seq = 1 if last is None else last.seq + 1
    return sealed(Sale(
        id=f"{seq:032x}", seq=seq, at=day * 86_400 + seq, day=day, spot_id=spot,
        ticket_id="mudu-4", ticket_name="木渎古镇四景联票", serial=serial or 100_000 + seq,
        kind=CardKind(seq % 2), name="陈建国", presentation_id=pid, list_fen=7800,
        paid_fen=3978 if seq % 2 == 0 else 5460, override=False,
        prev_hash=GENESIS if last is None else last.hash, hash="",
        person=person_key(f"WZ{seq}", CardKind.MEMBER) if person == "" else person))


def fill(harness: Harness, days: list[int]) -> list[Sale]:
    sales: list[Sale] = []
    for day in days:
        sale = next_sale(sales[-1] if sales else None, day)
        harness.device.sales.append(sale)
        sales.append(sale)
    return sales


def test_sales_are_kept_in_order_and_the_chain_verifies(harness: Harness) -> None:
    assert harness.device.sales.last() is None
    sales = fill(harness, [DAY0, DAY0, DAY0 + 1])
    log = harness.reopen().sales
    assert log.all() == sales
    assert log.last() == sales[-1]
    assert log.for_day(DAY0) == sales[:2]
    assert log.for_day(DAY0 + 1) == sales[2:]
    assert log.for_day(DAY0 + 2) == []
    assert log.verify_chain() is None


def test_a_sale_that_does_not_extend_the_chain_is_refused(harness: Harness) -> None:
    first = fill(harness, [DAY0])[0]
    log = harness.device.sales
    forked = next_sale(None)  # claims to be first again
    wrong_link = replace(next_sale(first), prev_hash=GENESIS)
    forged = replace(next_sale(first), paid_fen=1)  # hash no longer its own
    repeated = replace(next_sale(first), id=first.id)
    for bad in (forked, forged, sealed(wrong_link), sealed(repeated)):
        with pytest.raises(ValueError):
            log.append(bad)
    assert harness.reopen().sales.all() == [first]


def test_usage_rules_are_answered_after_a_restart(harness: Harness) -> None:
    pid = bytes(range(16))
    sale = next_sale(None, serial=100_001, pid=pid.hex(), person=CHEN)
    harness.device.sales.append(sale)
    log = harness.reopen().sales
    assert log.uses_today(CHEN, 100_001, "yanjia", DAY0) == 1
    assert log.uses_today(CHEN, 100_777, "yanjia", DAY0) == 1  # his printed card: him too
    assert log.uses_today(CHEN, 100_001, "yanjia", DAY0 + 1) == 0
    assert log.uses_today(CHEN, 100_001, "qiyuan", DAY0) == 0
    other = person_key("WZ2014012345", CardKind.FAMILY, "王喆", "5208")  # his wife
    assert log.uses_today(other, 100_002, "yanjia", DAY0) == 0
    harness.device.sales.append(next_sale(sale, serial=100_777, person=CHEN))
    log = harness.reopen().sales
    assert log.uses_today(CHEN, 100_001, "yanjia", DAY0) == 2
    assert log.presentation_used(pid)
    assert not log.presentation_used(bytes(16))


def test_a_sale_kept_before_the_person_was_counts_for_its_card(harness: Harness) -> None:
    older = next_sale(None, serial=100_001, person=None)
    harness.device.sales.append(older)
    log = harness.reopen().sales
    assert log.all() == [older] and log.verify_chain() is None
    assert log.uses_today(CHEN, 100_001, "yanjia", DAY0) == 1
    assert log.uses_today(CHEN, 100_777, "yanjia", DAY0) == 0


def test_pruning_drops_old_sent_sales_and_the_rest_still_verifies(harness: Harness) -> None:
    sales = fill(harness, [DAY0, DAY0, DAY0 + 1, DAY0 + 1, DAY0 + 40])
    assert harness.device.sales.prune(DAY0 + 30, keep={sales[3].id}) == 3
    log = harness.reopen().sales
    assert log.all() == sales[3:]
    assert log.verify_chain() is None
    assert log.uses_today(person_key("WZ1", CardKind.MEMBER), sales[0].serial, "yanjia",
                          DAY0) == 0
    after = next_sale(sales[-1], DAY0 + 41)
    log.append(after)
    assert harness.reopen().sales.verify_chain() is None
    assert harness.device.sales.prune(DAY0 + 50, keep=set()) == 2
    log = harness.reopen().sales
    assert (log.all(), log.last(), log.verify_chain()) == ([after], after, None)
    log.append(next_sale(after, DAY0 + 51))  # the newest sale stays: the chain goes on from it
    assert harness.reopen().sales.verify_chain() is None


def test_pruning_nothing_old_changes_nothing(harness: Harness) -> None:
    sales = fill(harness, [DAY0, DAY0 + 1])
    assert harness.device.sales.prune(DAY0, keep=set()) == 0
    assert harness.device.sales.prune(DAY0 + 5, keep={sales[0].id}) == 0
    assert harness.reopen().sales.all() == sales


def test_overrides_are_kept_in_time_order(harness: Harness) -> None:
    later = OverrideRecord("o2", 2000, "李主任", "名单同步故障", "s2", 9 * 86_400, 8 * 86_400)
    earlier = OverrideRecord("o1", 1000, "李主任", "断网", "s1", 8 * 86_400, 8 * 86_400)
    harness.device.overrides.append(later)
    harness.device.overrides.append(earlier)
    assert harness.reopen().overrides.all() == [earlier, later]


def test_a_tampered_file_breaks_the_chain_at_the_edited_sale(tmp_path: Path) -> None:
    with open_device(tmp_path) as device:
        sale = None
        for _ in range(4):
            sale = next_sale(sale)
            device.sales.append(sale)
    journal = tmp_path / "sales.journal"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = [line.replace('"paid_fen":5460', '"paid_fen":100') if '"seq":3,' in line else line
              for line in lines]
    edited = [line.replace("WZ2", "WZ9") if '"seq":2,' in line else line for line in edited]
    assert len([a for a, b in zip(edited, lines, strict=True) if a != b]) == 2
    journal.write_text("".join(edited), encoding="utf-8")
    with open_device(tmp_path) as device:
        assert device.sales.verify_chain() == 2  # whose card it was is in the hash too


# kill -9 mid-append -------------------------------------------------------------------------

def child(directory: Path) -> None:
    """Append sales for ever; `try` before each append, `ok <id>` once it returned."""
    with open_device(directory, policy=CompactionPolicy(min_bytes=8192, ratio=0.0)) as device:
        last = device.sales.last()
        while True:
            sale = next_sale(last)
            print(f"try {sale.id}", flush=True)
            device.sales.append(sale)
            print(f"ok {sale.id}", flush=True)
            last = sale


def kill_after(directory: Path, delay: float) -> set[str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.test_storage_sales", str(directory)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return {line.split()[1] for line in out.splitlines() if line.startswith("ok ")}


@pytest.mark.slow
def test_a_killed_window_keeps_every_acknowledged_sale_and_a_whole_chain(tmp_path: Path) -> None:
    rng = random.Random()
    acknowledged: set[str] = set()
    for _ in range(6):
        acknowledged |= kill_after(tmp_path, 0.6 + rng.random() * 0.8)
        with open_device(tmp_path) as device:
            kept = {sale.id for sale in device.sales.all()}
            assert acknowledged <= kept
            assert device.sales.verify_chain() is None
    assert len(acknowledged) > 10


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    child(parser.parse_args().directory)
