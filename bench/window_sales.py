"""The window device with 60,000 sales already in its log (SPEC §9), measured in one run:

1. save latency: `WindowDesk.sell` until the sale is durable in the hash-chained log and in the
   sync outbox (two fsynced journal lines), p50/p95 — against a plain durable save
   (`Collection.put` of one ~200-byte document into a collection of the same size, as in
   bench/storage_save.py) and stock TinyDB's `insert` at the same size;
2. scan → verdict throughput through `WindowDesk.scan` (lists from the device's trust store, the
   usage rules answered by the 60,000-sale log, this spot's offers priced) against the raw
   Ed25519 verifications each scan must do.

    .venv/bin/python bench/window_sales.py                 # 60,000 sales, 500 timed sales
    .venv/bin/python bench/window_sales.py --quick         # 100 timed sales, 500 scans
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from storage_save import document
from tinydb import TinyDB

from app.card import CardClaims, issue_card, phone_qr_payload, present
from app.catalog import Catalog
from app.chinatime import china_day
from app.cose import decode_sign1
from app.demo import demo_catalog
from app.keys import KeyPair
from app.models import CardKind, Pinned, Sale
from app.qrtext import encode_qr_text
from app.sales import GENESIS, sealed
from app.sync import SyncEngine
from app.trust import Issuer, StatusList, TrustList, sign_status_list, sign_trust_list
from app.window import WindowDesk
from storage import Store
from storage.device import DeviceStore, open_device
from storage.sales import sale_to_doc

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_795_000_000
SPOT = "yanjia"
Job = tuple[bytes, bytes, bytes]


class Offline:
    def push(self, *_: object) -> list[object]:
        raise RuntimeError("offline")

    def pull(self, *_: object) -> object:
        raise RuntimeError("offline")

    def probe(self, _: str) -> bool:
        return False


def ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def old_sales(n: int) -> list[Sale]:
    """n sales over the last 60 days, properly chained."""
    sales: list[Sale] = []
    prev = GENESIS
    for i in range(n):
        at = NOW - 60 * 86_400 + i * (60 * 86_400 // n)
        sale = sealed(Sale(f"{i:032x}", i + 1, at, china_day(at), SPOT, "mudu-4",
                           "木渎古镇四景联票", 100_000 + i % 90_000, CardKind(i % 2),
                           "陈建国", f"{i:032x}", 7800, 3978 if i % 2 == 0 else 5460, False,
                           prev, ""))
        sales.append(sale)
        prev = sale.hash
    return sales


def prefill(folder: Path, n: int, root: KeyPair, issuer: KeyPair) -> None:
    with Store.open(folder) as store:
        docs = store.collection("sales", key="id")
        docs.replace_all(sale_to_doc(s) for s in old_sales(n))
        docs.compact()
    with open_device(folder) as device:
        device.catalog.replace(*demo_catalog())
        town = Issuer("WZ-MD", "木渎镇总工会", issuer.public_raw, NOW - 10**6, NOW + 10**8,
                      100_000, 999_999)
        device.trust.save(Pinned(root.public_raw,
                                 sign_trust_list(TrustList(1, NOW - 3600, (town,)), root),
                                 sign_status_list(StatusList.empty(10**6, 1, NOW - 3600), root)))


def desk_of(device: DeviceStore) -> WindowDesk:
    clock = lambda: float(NOW)  # noqa: E731
    sync = SyncEngine(Offline(), device.outbox, device.sync_cursor, Offline(),  # type: ignore[arg-type]
                      lambda: None, clock)
    return WindowDesk(device.trust, Catalog(device.catalog), device.sales, sync, clock, SPOT,
                      overrides=device.overrides)


def phone_cards(issuer: KeyPair, count: int, first: int) -> tuple[list[str], list[Job]]:
    texts, jobs = [], []
    for serial in range(first, first + count):
        device = KeyPair.generate()
        claims = CardClaims(serial, CardKind.MEMBER, "陈建国", f"WZ2014{serial:06d}",
                            "木渎镇苏州精工机械有限公司工会", "3317", "WZ-MD", NOW - 86400,
                            NOW + 10**7, device.public_raw, titles=("蓝领之星",))
        card = issue_card(claims, issuer)
        presentation = present(card, device, NOW)
        texts.append(encode_qr_text(phone_qr_payload(card, presentation)))
        for data, key in ((card, issuer.public_raw), (presentation, device.public_raw)):
            sign = decode_sign1(data)
            jobs.append((key, sign.signature, sign.to_be_signed()))
    return texts, jobs


def bench_sells(folder: Path, issuer: KeyPair, saves: int) -> tuple[list[float], float]:
    texts, _ = phone_cards(issuer, saves, 500_000)
    start = time.perf_counter()
    device = open_device(folder)
    open_ms = (time.perf_counter() - start) * 1000
    with device:
        desk = desk_of(device)
        samples = []
        for text in texts:
            scanned = desk.scan(text)
            assert scanned.verdict.valid, scanned.verdict.reason
            samples.append(timed(lambda s=scanned: desk.sell(s, "mudu-4")))  # type: ignore[misc]
        assert device.sales.verify_chain() is None
    return samples, open_ms


def bench_scans(folder: Path, issuer: KeyPair, count: int, rounds: int) -> tuple[float, float]:
    texts, jobs = phone_cards(issuer, count, 600_000)
    with open_device(folder) as device:
        desk = desk_of(device)
        assert all(desk.scan(t).verdict.valid for t in texts)

        def pipeline() -> None:
            for text in texts:
                desk.scan(text)

        issuer_key = Ed25519PublicKey.from_public_bytes(jobs[0][0])

        def raw() -> None:
            for n, (key, signature, message) in enumerate(jobs):
                public = issuer_key if n % 2 == 0 else Ed25519PublicKey.from_public_bytes(key)
                public.verify(signature, message)

        return best_of(rounds, pipeline) / count, best_of(rounds, raw) / count


def best_of(rounds: int, work: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def baseline_puts(folder: Path, n: int, saves: int) -> list[float]:
    with Store.open(folder) as store:
        records = store.collection("records", key="id")
        records.replace_all(document(i) for i in range(n))
        records.compact()
        return [timed(lambda i=i: records.put(document(i)))  # type: ignore[misc]
                for i in range(n, n + saves)]


def stock_inserts(folder: Path, n: int, saves: int) -> list[float]:
    path = folder / "stock.json"
    path.write_text(json.dumps({"_default": {str(i + 1): document(i) for i in range(n)}}))
    with TinyDB(path) as db:
        return [timed(lambda i=i: db.insert(document(i)))  # type: ignore[misc]
                for i in range(n, n + saves)]


def row(name: str, samples: list[float]) -> str:
    return (f"  {name:<34} {len(samples):>5}  p50 {ms(samples, 0.5):7.2f} ms  "
            f"p95 {ms(samples, 0.95):7.2f} ms  mean {statistics.fmean(samples):7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=60_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--dir", type=Path, default=ROOT / "artifacts")
    args = parser.parse_args()
    saves, scans = (100, 500) if args.quick else (500, 2000)
    args.dir.mkdir(parents=True, exist_ok=True)
    root, issuer = KeyPair.generate(), KeyPair.generate()
    print(f"files in {args.dir}; Python {sys.version.split()[0]}; {args.sales:,} sales in the log")
    with tempfile.TemporaryDirectory(dir=args.dir) as a, \
            tempfile.TemporaryDirectory(dir=args.dir) as b:
        prefill(Path(a), args.sales, root, issuer)
        sells, open_ms = bench_sells(Path(a), issuer, saves)
        per_scan, per_raw = bench_scans(Path(a), issuer, scans, 5)
        puts = baseline_puts(Path(b), args.sales, saves)
        stock = stock_inserts(Path(b), args.sales, 10 if args.quick else 20)
    print("save latency (sell → durable in log and outbox):")
    print(row("window sell (log + outbox)", sells))
    print(row("baseline: one durable Collection.put", puts))
    print(row("stock TinyDB insert (no fsync)", stock))
    print(f"  sell ÷ put: p50 ×{ms(sells, 0.5) / ms(puts, 0.5):.2f}, "
          f"p95 ×{ms(sells, 0.95) / ms(puts, 0.95):.2f}; "
          f"stock ÷ sell p95 ×{ms(stock, 0.95) / ms(sells, 0.95):,.0f}")
    print(f"  open of the device with {args.sales:,} sales (indexes rebuilt): {open_ms:.0f} ms")
    print(f"scan → verdict + offers, ledger of {args.sales + saves:,} sales, best of 5:")
    print(f"  desk.scan   : {1 / per_scan:8.0f} /s   {per_scan * 1e6:7.1f} µs each")
    print(f"  raw Ed25519 : {1 / per_raw:8.0f} /s   {per_raw * 1e6:7.1f} µs each (2 per scan)")
    print(f"  scan ÷ raw  : {per_scan / per_raw:8.2f}×  (target ≤ 1.5×; ≥ 2,000/s)")
    met = ms(sells, 0.95) <= 20 and 1 / per_scan >= 2000
    print(f"targets (sell p95 ≤ 20 ms, ≥ 2,000 scans/s): {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
