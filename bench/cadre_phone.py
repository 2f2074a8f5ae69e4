"""A cadre's phone (SPEC §9): a draft saved as typed (≤ 20 ms p95) and the 五个一 dashboard ready
(≤ 300 ms after the tab opens), with five years of one cadre's records on the phone.

    .venv/bin/python bench/cadre_phone.py [--years 5] [--saves 300]

The store holds, per year, 12 work-day diaries and 12 mentor contacts, 6 enterprise visits with
a 5,000-character research report, and 4 visits to each of 3 needy workers — every one
submitted and approved, half of them returned once before (two revisions). Baselines in the
same run: one raw durable put of the same document into the engine's collection (the floor of a
save), and one read of every revision from the store (the floor of the dashboard).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import storage  # noqa: E402
from app.cadre_ports import Revision  # noqa: E402
from app.cadre_station import CadreStation  # noqa: E402
from app.cadre_wire import RECORD, RecordCopy  # noqa: E402
from app.duties import Duty, RecordState  # noqa: E402
from storage.engine.store import Store  # noqa: E402
from tests.cadre_phone_support import CADRE_CODE, URL, CadreDistrict, cadre_phone  # noqa: E402
from tests.fakes import Clock  # noqa: E402
from views.cadre_dashboard import DashboardScreen  # noqa: E402
from views.services import Translator  # noqa: E402

REPORT = "调研发现企业用工稳定，职工反映夜班补贴偏低，建议工会协调。" * 170  # ~5,000 characters


def records(year: int) -> list[tuple[Duty, str, dt.date, dict[str, object]]]:
    found: list[tuple[Duty, str, dt.date, dict[str, object]]] = []
    for month in range(1, 13):
        day = dt.date(year, month, 10)
        found.append((Duty.WORK_DAY, "", day, {"enterprise": "苏州精工", "work_done": "装配"}))
        found.append((Duty.MENTOR_CONTACT, "", day, {"way": "电话", "learned": "班组管理"}))
        if month % 2:
            found.append((Duty.ENTERPRISE_VISIT, "", day, {"topics": "用工", "report": REPORT}))
        if month % 3 == 1:
            found += [(Duty.NEEDY_VISIT, w, day, {"family_situation": "独居", "help_type": "物资"})
                      for w in ("NW1", "NW2", "NW3")]
    return found


def fill(station: CadreStation, device: storage.DeviceStore, years: int, today: dt.date) -> int:
    n = 0
    for year in range(today.year - years + 1, today.year + 1):
        for duty, subject, day, content in records(year):
            if day > today:
                continue
            n += 1
            rid = f"r{n:05d}"
            first = Revision(rid, 1, duty, subject, day, content, 1, 2)
            device.cadre.revisions.put(first)
            if n % 2:
                device.cadre.revisions.put(replace(first, revision=2, submitted_at=3))
            copy = RecordCopy(rid, RecordState.APPROVED, 2 if n % 2 else 1)
            device.cadre.pulled.put(RECORD, rid, copy.fields())
    return n


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with storage.open_device(folder) as device:
            district = CadreDistrict(now=clock.now - args.years * 366 * 86_400)
            station = cadre_phone(device, district, clock)
            station.enroll(CADRE_CODE, URL)
            district.assign()
            station.sync.sync()
            count = fill(station, device, args.years, station.book.today())
        with storage.open_device(folder) as device:
            station = cadre_phone(device, CadreDistrict(), clock)
            draft = station.book.start(Duty.ENTERPRISE_VISIT)
            saves, raw = [], []
            typed = ""
            scratch = Store.open(folder / "raw")
            floor = scratch.collection("raw", key="key")
            for i in range(args.saves):
                typed += REPORT[i % len(REPORT)]
                start = time.perf_counter()
                station.book.save(draft.record_id, {"report": typed})
                saves.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                floor.put({"key": "k", "content": {"report": typed}})
                raw.append((time.perf_counter() - start) * 1000)
            scratch.close()
            boards, reads = [], []
            for _ in range(10):
                start = time.perf_counter()
                DashboardScreen(station, Translator("zh"), lambda _route: None)
                boards.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                device.cadre.revisions.all()
                reads.append((time.perf_counter() - start) * 1000)
            rows = len(station.dashboard().rows)
    print(f"{count} records over {args.years} years ({rows} dashboard rows)")
    print(f"draft save   p50 {percentile(saves, .5):6.2f} ms  p95 {percentile(saves, .95):6.2f}"
          f" ms  (raw put p95 {percentile(raw, .95):6.2f} ms; ratio "
          f"{percentile(saves, .95) / percentile(raw, .95):.2f}×; target ≤ 20 ms)")
    print(f"dashboard    median {statistics.median(boards):6.1f} ms  max {max(boards):6.1f} ms"
          f"  (reading every revision: {statistics.median(reads):5.1f} ms; target ≤ 300 ms)")


if __name__ == "__main__":
    main()
