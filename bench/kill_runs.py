"""kill -9 mid-write (SPEC §9: 300 runs → 0 unreadable files, 0 lost acknowledged saves).

    .venv/bin/python bench/kill_runs.py              # 300 runs
    .venv/bin/python bench/kill_runs.py --quick      # 30 runs

Each run starts `python -m tests.storage_kill_child DIR`, which saves ~130-byte documents with
Chinese text in a loop (new records, updates of one counter, deletions) and prints an
acknowledgement after each save returns. The compaction threshold is tiny (4 KiB), so a
compaction runs every dozen saves or so and many kills land inside one. The parent kills the
child at a random moment (one run in ten while it is still opening and recovering), then opens
the store and checks that it is readable and holds every acknowledged save. Runs follow each
other on the same folder (a new folder every `--runs-per-folder`), so each run also starts from
a store a kill left behind. Exits non-zero if any file was unreadable or any acknowledged save
was lost.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from tests.storage_kill_child import KillHarness, KillRun

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="30 runs")
    parser.add_argument("--runs-per-folder", type=int, default=25)
    parser.add_argument("--max-delay", type=float, default=0.25, help="seconds, after ready")
    parser.add_argument("--min-bytes", type=int, default=4096, help="compaction threshold")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / "artifacts",
        help="where the folders go: on the real disk (not a tmpfs)",
    )
    return parser.parse_args()


def run_all(args: argparse.Namespace, base: Path, rng: random.Random) -> list[KillRun]:
    runs = 30 if args.quick else args.runs
    results: list[KillRun] = []
    harness: KillHarness | None = None
    for n in range(runs):
        if n % args.runs_per_folder == 0:
            folder = Path(tempfile.mkdtemp(prefix=f"kill{n:03d}-", dir=base))
            harness = KillHarness(folder, rng, args.min_bytes, args.max_delay)
        assert harness is not None
        result = harness.run_once()
        results.append(result)
        if not result.ok:
            print(f"run {n + 1}: FAILED in {harness.directory}")
        if (n + 1) % 25 == 0 or n + 1 == runs:
            failed = sum(not r.ok for r in results)
            print(f"  {n + 1:>4}/{runs} runs, {failed} failed", flush=True)
    return results


def report(results: list[KillRun], seconds: float) -> bool:
    unreadable = [u for r in results for u in r.unreadable]
    lost = [item for r in results for item in r.lost]
    crashed = [r.child_error for r in results if r.child_error]
    print(f"\nruns: {len(results)} in {seconds:.0f} s")
    print(f"acknowledged saves: {sum(r.acked for r in results):,}")
    print(f"kills that left a compaction unfinished: {sum(r.during_compaction for r in results)}")
    print(f"unreadable files: {len(unreadable)}")
    for message in unreadable:
        print("   ", message.replace("\n", " / "))
    print(f"lost acknowledged saves (or saves that appeared from nowhere): {len(lost)}")
    for item in lost[:50]:
        print("   ", item)
    if crashed:
        print(f"children that died on their own: {len(crashed)}\n{crashed[0]}")
    return not (unreadable or lost or crashed)


def main() -> int:
    args = parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"seed {seed}; folders in {args.dir}")
    start = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="kill-runs-", dir=args.dir))
    results = run_all(args, base, random.Random(seed))
    if not report(results, time.perf_counter() - start):
        print(f"folders kept for inspection in {base}")
        return 1
    shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
