"""Sync server benchmark (SPEC §9): push of 100 changes (p95) and pull records/s, on loopback.

uvicorn serves the district app from a thread on 127.0.0.1; the client is httpx in the main
thread. Baselines in the same run: a bare `/healthz` round trip (the HTTP floor), the same 100
log rows written in one transaction without HTTP, seq checks or change rows (the database
floor), and a raw SELECT of the pulled rows. The pushed entity is "bench_note", a handler added
to the registry for this run that writes one change-log entry per change (the cost of a real
entity's own write is its own).
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from district_common import NOW, add_backend_options, backends, fresh_district

from app.keys import KeyPair
from app.models import WireChange
from district.feed import changelog
from district.feed.tables import SyncLogEntry
from district.phones import activation
from district.registry import importer
from district.service import District
from district.sync import entities
from district.sync.handler import APPLIED, Handler, Outcome, Pusher
from district.web import create_app


def note(session: Session, pusher: Pusher, change: WireChange) -> Outcome:
    entry = changelog.log_change(session, pusher.scope, "bench_note", change.record_id,
                                 changelog.UPSERT, fields=change.fields)
    return Outcome(APPLIED, server_copy=change.fields, entry=entry)


@contextmanager
def serving(district: District) -> Iterator[str]:
    app = create_app(district.settings)
    app.state.clock = lambda: NOW + 3600
    app.state.district._keys = district.keys()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def token_for(district: District, http: httpx.Client) -> str:
    data = io.StringIO()
    csv.writer(data).writerows([["member_no", "name", "id_last4", "town_id", "union_name",
                                 "titles", "status"], ["WZ1", "陈建国", "3317", "WZ-MD", "工会", "",
                                                       "active"]])
    with district.sessions.begin() as session:
        importer.import_members(session, data.getvalue().encode(), "bench", NOW)
        code = activation.create_activation_code(session, "WZ1", None, "bench", NOW + 3600)
    key = base64.b64encode(KeyPair.generate().public_raw).decode()
    answer = http.post("/api/v1/activate", json={"member_no": "WZ1", "code": code,
                                                 "device_name": "bench", "public_key": key})
    answer.raise_for_status()
    return str(answer.json()["device_token"])


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def batches(rounds: int, size: int) -> Iterator[list[dict[str, object]]]:
    for r in range(rounds):
        yield [{"change_id": str(uuid.uuid4()), "seq": r * size + i + 1, "entity": "bench_note",
                "record_id": f"n{r}-{i}", "op": "upsert", "schema": 1,
                "fields": {"text": "今天走访了三位会员", "n": i}} for i in range(size)]


def raw_batch(district: District, size: int) -> None:
    """The database floor: the same log rows and change rows written in one transaction."""
    with district.sessions.begin() as session:
        for i in range(size):
            changelog.log_change(session, "bench:raw", "raw", str(i), changelog.UPSERT,
                                 fields={"text": "今天走访了三位会员", "n": i})
        changelog.flush_pending(session)


def measure_push(district: District, http: httpx.Client, rounds: int) -> None:
    pending = batches(rounds, 100)
    push = timed(lambda: http.post("/api/v1/sync/push", json={"changes": next(pending)})
                 .raise_for_status(), rounds)
    health = timed(lambda: http.get("/healthz").raise_for_status(), 200)
    floor = timed(lambda: raw_batch(district, 100), rounds)
    print(f"  push 100 changes: p95 {p95(push) * 1e3:7.1f} ms, median "
          f"{statistics.median(push) * 1e3:7.1f} ms  (target p95 <= 300 ms)")
    print(f"  baseline /healthz round trip: median {statistics.median(health) * 1e3:5.2f} ms; "
          f"100 log rows in one transaction: median {statistics.median(floor) * 1e3:6.1f} ms")
    ratio = statistics.median(push) / statistics.median(floor)
    print(f"  push median / raw transaction: {ratio:.1f}x")


def measure_pull(district: District, http: httpx.Client, records: int) -> None:
    with district.sessions.begin() as session:
        for i in range(records):
            changelog.log_change(session, changelog.PUBLIC, "bench_spot", str(i), changelog.UPSERT,
                                 fields={"name": f"景点{i}", "list_fen": 8000, "n": i})

    def pull() -> None:
        cursor, more = 0, True
        while more:
            page = http.get(f"/api/v1/sync/pull?cursor={cursor}&limit=1000").json()
            cursor, more = page["next_cursor"], page["more"]

    def raw() -> None:
        with district.sessions() as session:
            list(session.execute(select(SyncLogEntry)))

    took, base = min(timed(pull, 3)), min(timed(raw, 3))
    total = records + 201 + 1  # bench notes pushed are in the member scope too; plus the card
    print(f"  pull: {total / took:9,.0f} records/s ({took * 1e3:.0f} ms for ~{total:,}) "
          f"(target >= 2,000/s); raw SELECT of the log: {total / base:9,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_backend_options(parser)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    entities.HANDLERS["bench_note"] = Handler(1, note)
    for backend in backends(args.db):
        print(f"{backend}:")
        with fresh_district(backend, args.pg_url) as district, serving(district) as url, \
                httpx.Client(base_url=url, timeout=60) as http:
            http.headers["Authorization"] = f"Bearer {token_for(district, http)}"
            measure_push(district, http, args.rounds)
            measure_pull(district, http, args.records)


if __name__ == "__main__":
    main()
