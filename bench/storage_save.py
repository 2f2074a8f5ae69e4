"""Device storage: latency of one durable save (SPEC §9: ≤ 20 ms p95 with 50,000 records),
ours (snapshot + fsynced journal) against stock TinyDB's JSONStorage, in the same run.

    .venv/bin/python bench/storage_save.py            # 1,000 / 10,000 / 50,000 records
    .venv/bin/python bench/storage_save.py --quick    # fewer saves, same sizes

Each save inserts one new ~200-byte document with Chinese text into a collection that already
holds N. Ours returns only after its journal line is fsynced; stock TinyDB rewrites the whole
file (without fsync, so it is measured at its fastest and still not crash-safe).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from storage import Collection, CompactionPolicy, Store

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0
HEADER = (
    f"{'records':>7}  {'impl':<6} {'saves':>6}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}"
    f"  {'mean ms':>8}"
)


def document(i: int) -> dict[str, Any]:
    """About 200 bytes as UTF-8: a discounted sale at a scenic-spot window."""
    return {
        "id": f"r-{i:08d}",
        "serial": 100_000 + i,
        "spot": "qiyuan",
        "ticket": "启园门票会员价",
        "member": "陈建国",
        "union": "木渎镇精工机械工会",
        "list_fen": 4000,
        "charged_fen": 2040,
        "at": 1_795_000_000 + i,
    }


@dataclass(frozen=True)
class Timings:
    name: str
    records: int
    samples: list[float]  # milliseconds

    def pick(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self) -> str:
        s = self.samples
        return (
            f"{self.records:>7,}  {self.name:<6} {len(s):>6}  {self.pick(0.5):8.2f}"
            f"  {self.pick(0.95):8.2f}  {max(s):8.2f}  {statistics.fmean(s):8.2f}"
        )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def prefill_ours(folder: Path, n: int) -> None:
    with Store.open(folder) as store:
        records = store.collection("records", key="id")
        records.replace_all(document(i) for i in range(n))
        records.compact()


def bench_ours(folder: Path, n: int, saves: int) -> tuple[Timings, dict[str, float]]:
    prefill_ours(folder, n)
    samples, compactions = [], 0
    with Store.open(folder) as store:
        records = store.collection("records", key="id")
        for i in range(n, n + saves):
            before = records.files.journal.stat().st_size
            samples.append(timed(partial(records.put, document(i))))
            compactions += records.files.journal.stat().st_size < before
        extra = _ours_extras(folder, records, saves, compactions)
    return Timings("ours", n, samples), extra


def _ours_extras(
    folder: Path, records: Collection, saves: int, compactions: int
) -> dict[str, float]:
    """Open time with the journal the run left, and what a compaction costs at this size."""
    line_bytes = records.files.journal.stat().st_size / max(1, saves)
    snapshot_bytes = records.files.snapshot.stat().st_size
    policy = CompactionPolicy()
    every = max(policy.min_bytes, policy.ratio * snapshot_bytes) / line_bytes
    compact_ms = timed(records.compact)
    mb = snapshot_bytes / 1e6
    return {"compact_ms": compact_ms, "every": every, "compactions": compactions, "mb": mb}


def open_ms(folder: Path, n: int, saves: int) -> float:
    """Opening a store of n records whose journal holds `saves` lines (not yet compacted)."""
    prefill_ours(folder, n)
    with Store.open(folder) as store:
        records = store.collection("records", key="id")
        for i in range(n, n + saves):
            records.put(document(i))
    start = time.perf_counter()
    with Store.open(folder) as store:
        store.collection("records", key="id")
        return (time.perf_counter() - start) * 1000


def bench_stock(folder: Path, n: int, saves: int) -> Timings:
    path = folder / "stock.json"
    table = {str(i + 1): document(i) for i in range(n)}
    path.write_text(json.dumps({"_default": table}))
    samples = []
    with TinyDB(path) as db:
        for i in range(n, n + saves):
            samples.append(timed(partial(db.insert, document(i))))
    return Timings("stock", n, samples)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer saves per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / "artifacts",
        help="where the files go: on the real disk (not a tmpfs, where fsync costs nothing)",
    )
    return parser.parse_args()


def sample_sizes(n: int, quick: bool) -> tuple[int, int]:
    """(our saves, stock saves) at n records: stock at 50,000 costs ~0.4 s a save."""
    ours = 300 if quick else 2_000
    stock = max(5 if quick else 20, min(200, 2_000_000 // max(n, 1) // (4 if quick else 1)))
    return ours, stock


def run_size(base: Path, n: int, quick: bool) -> tuple[Timings, Timings, dict[str, float]]:
    ours_saves, stock_saves = sample_sizes(n, quick)
    with tempfile.TemporaryDirectory(dir=base) as a, tempfile.TemporaryDirectory(dir=base) as b:
        ours, extra = bench_ours(Path(a), n, ours_saves)
        stock = bench_stock(Path(b), n, stock_saves)
    with tempfile.TemporaryDirectory(dir=base) as c:
        extra["open_ms"] = open_ms(Path(c), n, ours_saves)
    return ours, stock, extra


def report(results: list[tuple[Timings, Timings, dict[str, float]]]) -> bool:
    print(HEADER)
    for ours, stock, _ in results:
        print(ours.row())
        print(stock.row())
        p50, p95 = stock.pick(0.5) / ours.pick(0.5), stock.pick(0.95) / ours.pick(0.95)
        print(f"{'':>7}  stock ÷ ours: p50 ×{p50:,.0f}, p95 ×{p95:,.0f}")
    print()
    for ours, _, x in results:
        print(
            f"{ours.records:>7,} records: snapshot {x['mb']:.1f} MB; compaction "
            f"{x['compact_ms']:.0f} ms, due every ~{x['every']:,.0f} saves "
            f"(≈{x['compact_ms'] / x['every']:.3f} ms/save amortized; "
            f"{x['compactions']:.0f} during the run); open with a "
            f"{len(ours.samples):,}-line journal {x['open_ms']:.0f} ms"
        )
    largest = max(results, key=lambda r: r[0].records)[0]
    p95 = largest.pick(0.95)
    met = p95 <= TARGET_MS
    verdict = "met" if met else "MISSED"
    print(f"\ntarget: p95 ≤ {TARGET_MS:.0f} ms at {largest.records:,}: {p95:.2f} ms, {verdict}")
    return met


def main() -> int:
    args = parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"files in {args.dir}; Python {sys.version.split()[0]}")
    results = [run_size(args.dir, n, args.quick) for n in args.sizes]
    return 0 if report(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
