"""500 simulated phones × 200 changes each through the real sync API (SPEC §9): every change
must be applied exactly once, although every batch is sent twice (a reply lost after the server
committed) and the phones push concurrently.

    .venv/bin/python bench/sync_devices.py [--devices 500] [--changes 200] [--db both]

Baseline in the same run: the same number of changes sent once each with no repeats.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from district_common import NOW, add_backend_options, backends, fresh_district, member_rows
from sync_server import note, serving

from app.keys import KeyPair
from district.feed.tables import SyncLogEntry
from district.phones import activation
from district.registry import importer
from district.service import District
from district.sync import entities
from district.sync.handler import Handler
from district.sync.tables import SyncChange

BATCH = 100
HEADER = ["member_no", "name", "id_last4", "town_id", "union_name", "titles", "status"]


def enrol(district: District, http: httpx.Client, devices: int) -> list[str]:
    """`devices` members, each activated on its own phone; their device tokens."""
    rows = member_rows(devices)
    data = io.StringIO()
    csv.writer(data).writerows([HEADER, *rows])
    with district.sessions.begin() as session:
        importer.import_members(session, data.getvalue().encode(), "bench", NOW)
        codes = [activation.create_activation_code(session, r[0], None, "bench", NOW + 3600)
                 for r in rows]
    tokens = []
    for row, code in zip(rows, codes, strict=True):
        key = base64.b64encode(KeyPair.generate().public_raw).decode()
        answer = http.post("/api/v1/activate", json={"member_no": row[0], "code": code,
                                                     "public_key": key, "device_name": "bench"})
        answer.raise_for_status()
        tokens.append(str(answer.json()["device_token"]))
    return tokens


def phone_changes(count: int) -> list[list[dict[str, object]]]:
    changes = [{"change_id": str(uuid.uuid4()), "seq": n + 1, "entity": "bench_note",
                "record_id": f"r{n}", "op": "upsert", "schema": 1,
                "fields": {"text": "当好一天工人", "n": n}} for n in range(count)]
    return [changes[i:i + BATCH] for i in range(0, count, BATCH)]


def run_phone(url: str, token: str, count: int, repeats: int) -> int:
    """Push every batch `repeats` times; returns how many answers said "applied"."""
    applied = 0
    with httpx.Client(base_url=url, timeout=120,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        for batch in phone_changes(count):
            for _ in range(repeats):
                answer = http.post("/api/v1/sync/push", json={"changes": batch})
                answer.raise_for_status()
                applied += sum(r["status"] == "applied" for r in answer.json()["results"])
    return applied


def push_all(url: str, tokens: list[str], count: int, repeats: int) -> tuple[float, int]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        applied = sum(pool.map(lambda t: run_phone(url, t, count, repeats), tokens))
    return time.perf_counter() - start, applied


def stored(district: District) -> tuple[int, int]:
    with district.sessions() as session:
        changes = session.scalar(select(func.count()).select_from(SyncChange)) or 0
        logged = session.scalar(select(func.count()).select_from(SyncLogEntry)
                                .where(SyncLogEntry.entity == "bench_note")) or 0
    return changes, logged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_backend_options(parser)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    entities.HANDLERS["bench_note"] = Handler(1, note)
    for backend in backends(args.db):
        with fresh_district(backend, args.pg_url) as district, serving(district) as url, \
                httpx.Client(base_url=url, timeout=60) as http:
            tokens = enrol(district, http, args.devices)
            half = len(tokens) // 2
            base_s, base_applied = push_all(url, tokens[:half], args.changes, 1)
            ours_s, ours_applied = push_all(url, tokens[half:], args.changes, 2)
            changes, logged = stored(district)
        expected = len(tokens) * args.changes
        ok = changes == logged == expected == base_applied + ours_applied
        rate = (len(tokens) - half) * args.changes / ours_s
        print(f"{backend}: {len(tokens)} phones × {args.changes} changes = {expected:,}")
        print(f"  sent once (baseline half): {base_s:6.1f} s; sent twice: {ours_s:6.1f} s "
              f"({rate:,.0f} distinct changes/s); ratio {ours_s / base_s:.2f}×")
        print(f"  applied answers {base_applied + ours_applied:,}; change rows {changes:,}; "
              f"log entries {logged:,} → {'exactly once' if ok else 'MISMATCH'}")
        if not ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
