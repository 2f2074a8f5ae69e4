"""Windows pushing sales of one shared pool of cards at once (issue 10, finding 1), before and
after the fix, in one run.

    .venv/bin/python bench/sales_contention.py [--windows 20] [--sales 4000] [--batch 20]
                                               [--cards 107] [--timeout 300] [--quick]
                                               [--db postgresql|sqlite|both]

Setup per mode (not timed): a fresh district (a temporary PostgreSQL schema by default), the
demo catalogue, `--cards` members each with a printed card, and `--windows` window devices
enrolled for 严家花园 directly (`window_devices.create_window_code` + `enroll`). uvicorn serves
the district on loopback from a thread, its clock fixed.

Timed: one thread per window pushes its share of the sales to `POST /api/v1/sync/push` with its
bearer token, in batches of `--batch`, each naming random cards of the shared pool in random
order (ticket mudu-4 at 7,800 fen, member price 3,978, at the server's clock). A batch answered
5xx, or whose connection was lost, is sent again with the same change ids, as the window app
does (exactly once must hold); the app waits a backoff of 0–2 s doubling before that, the
benchmark ≤ 50 ms, so the figures measure the server rather than the window's patience. Every
5xx is counted, and the exception the server logged for it is tallied by its database error
(the tracebacks are not printed).

Modes, each on its own fresh district:
- 1 window alone: one window's share pushed with nobody else pushing, as shipped (the floor:
  what one batch costs without contention);
- before: the mechanism before the fix — the sale handler's `lock` (`lock_cards`, the cards a
  batch names locked in serial order) replaced by none, and `district.db.retried` running a
  transaction once and letting a deadlock's loser through as a 500, as push did then;
- after: as shipped.

Reported per mode: wall time, sales/s (sales the windows were told were applied, per second of
wall time), 5xx answers, sales stored (rows and distinct sale ids of `Redemption`; pushes cut
off by the timeout may still commit), p50/p95 of one push request and p95 of a batch until
accepted (retries included). Every mode stops at `--timeout` seconds (reported). Exits non-zero
if a sale is stored twice, a push gets an answer other than 200 or 5xx, or a mode other than
before does not store every sale without a 5xx within its time.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from district_common import NOW, add_backend_options, backends, fresh_district, member_rows
from sync_server import serving

from app import device_proof
from app.chinatime import china_day
from app.keys import KeyPair
from district import db
from district.cards import issuance
from district.cli import demo
from district.registry import importer
from district.registry.members_csv import MemberRow
from district.service import District
from district.sync import entities
from district.sync.handler import Handler
from district.tables import Member
from district.windows import window_devices
from district.windows.tables import Redemption

AT = NOW + 3600  # the server's clock under `sync_server.serving`
SPOT, TICKET, LIST_FEN, PAID_FEN = "yanjia", "mudu-4", 7800, 3978
RETRY_PAUSE = 0.05  # at most, before a window sends a batch answered 5xx again
DONE = ("applied", "duplicate")
T = TypeVar("T")


def run_once(work: Callable[[], T], attempts: int = 1) -> T:
    """A push's transaction before issue 10.1: run once, a deadlock's loser raised (a 500)."""
    return work()


@contextmanager
def before_the_fix() -> Iterator[None]:
    """Sales without `lock_cards`, and every transaction run once: the code before issue 10.1.
    (`retried(work, attempts=1)` would not do: it now answers a lost race 503 Busy.)"""
    shipped = entities.HANDLERS["sale"]
    with mock.patch.dict(entities.HANDLERS, {"sale": Handler(shipped.schema, shipped.apply)}), \
            mock.patch.object(db, "retried", run_once):
        yield


@dataclass(frozen=True)
class Mode:
    name: str
    mechanism: Callable[[], AbstractContextManager[None]]
    windows: int
    sales: int


def modes(args: argparse.Namespace) -> list[Mode]:
    """The floor (one window's share pushed with nobody else pushing), before, after."""
    return [Mode("1 window alone", nullcontext, 1, args.sales // args.windows),
            Mode("before", before_the_fix, args.windows, args.sales),
            Mode("after", nullcontext, args.windows, args.sales)]


def build(district: District, cards: int, windows: int) -> tuple[list[int], list[str]]:
    """The catalogue, `cards` members with a printed card each, and `windows` windows enrolled
    for the spot; returns the card serials and the windows' bearer tokens."""
    rows = [MemberRow(n + 2, *row) for n, row in enumerate(member_rows(cards))]
    keys = district.keys()
    with district.sessions.begin() as session:
        importer.import_rows(session, rows, "bench", NOW)
        demo.seed_catalog(session)
    with district.sessions.begin() as session:
        members = session.scalars(select(Member).order_by(Member.id)).all()
        serials = [issuance.issue_card(session, keys, m, actor="bench", now=NOW).serial
                   for m in members]
    return serials, [enrolled(district, n) for n in range(windows)]


def enrolled(district: District, n: int) -> str:
    with district.sessions.begin() as session:
        code = window_devices.create_window_code(session, SPOT, "bench", AT)
    key = KeyPair.generate()
    ask = window_devices.Enrollment(code, key.public_raw, device_proof.sign_window(key, code),
                                    f"售票窗口 {n + 1}", "127.0.0.1")
    return window_devices.enroll(district.sessions, ask, AT,
                                 district.settings.daily_limit).device_token


def sale_change(seq: int, serial: int) -> dict[str, Any]:
    """One sale as a window pushes it (tests/district_window_support.py's shape)."""
    fields = {"serial": serial, "kind": "member", "spot_id": SPOT, "ticket_id": TICKET,
              "list_fen": LIST_FEN, "paid_fen": PAID_FEN, "at": AT, "day": china_day(AT),
              "presentation_id": "ab" * 16, "override": False, "hash": uuid.uuid4().hex * 2,
              "prev_hash": None}
    return {"change_id": str(uuid.uuid4()), "seq": seq, "entity": "sale",
            "record_id": uuid.uuid4().hex, "op": "upsert", "base_version": None, "schema": 1,
            "fields": fields}


def window_batches(serials: list[int], sales: int, size: int,
                   rng: random.Random) -> list[list[dict[str, Any]]]:
    """A window's sales in batches, random cards of the pool in random order, seq rising."""
    picks = rng.choices(serials, k=sales)
    changes = [sale_change(n + 1, serial) for n, serial in enumerate(picks)]
    return [changes[i:i + size] for i in range(0, sales, size)]


@dataclass
class WindowLog:
    """What one window saw."""

    requests: list[float] = field(default_factory=list)  # each push, seconds
    batches: list[float] = field(default_factory=list)  # first send → accepted, seconds
    server_errors: int = 0
    dropped: list[str] = field(default_factory=list)  # connections lost mid-push
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    finished: bool = False


def push_until_accepted(http: httpx.Client, changes: list[dict[str, Any]], deadline: float,
                        log: WindowLog) -> bool:
    """Send the batch until it is answered 200 (again after a 5xx, same change ids)."""
    first = time.perf_counter()
    while (left := deadline - time.monotonic()) > 0:
        start = time.perf_counter()
        try:
            answer = http.post("/api/v1/sync/push", json={"changes": changes}, timeout=left)
        except httpx.TimeoutException:
            return False
        except httpx.TransportError as error:  # the window retries, as when offline
            log.dropped.append(f"{type(error).__name__}, {deadline - time.monotonic():.0f} s left")
            continue
        log.requests.append(time.perf_counter() - start)
        if answer.status_code >= 500:
            log.server_errors += 1
            time.sleep(random.uniform(0, RETRY_PAUSE))
            continue
        if answer.status_code != 200:
            log.problems.append(f"{answer.status_code}: {answer.text[:200]}")
            return False
        log.statuses.update(r["status"] for r in answer.json()["results"])
        log.batches.append(time.perf_counter() - first)
        return True
    return False


def run_window(url: str, token: str, batches: list[list[dict[str, Any]]],
               start: threading.Barrier, deadline: float, log: WindowLog) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        start.wait()
        for changes in batches:
            if not push_until_accepted(http, changes, deadline, log):
                return
        log.finished = True


class ServerErrors(logging.Filter):
    """Tallies the exceptions uvicorn logs for its 500 answers, by database error, and keeps
    their tracebacks off the terminal."""

    def __init__(self) -> None:
        super().__init__()
        self.causes: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        problem = record.exc_info[1] if record.exc_info else None
        if problem is None:
            return True
        cause = type(getattr(problem, "orig", None) or problem)
        self.causes[f"{cause.__module__}.{cause.__name__}"] += 1
        return False


def merged(logs: list[WindowLog]) -> WindowLog:
    """What all the windows saw; finished when every one did."""
    seen = WindowLog(finished=all(log.finished for log in logs))
    for log in logs:
        seen.requests += log.requests
        seen.batches += log.batches
        seen.server_errors += log.server_errors
        seen.dropped += log.dropped
        seen.statuses.update(log.statuses)
        seen.problems += log.problems
    return seen


@dataclass(frozen=True)
class Result:
    mode: str
    windows: int
    sales: int
    wall: float
    seen: WindowLog
    causes: Counter[str]
    stored: int
    distinct: int

    def per_second(self) -> float:
        """Sales the windows were told the district has (applied, or applied before), a second."""
        return sum(self.seen.statuses[status] for status in DONE) / self.wall


def stored(district: District) -> tuple[int, int]:
    """Rows of sales kept, and distinct sale ids among them."""
    with district.sessions() as session:
        rows = session.scalar(select(func.count()).select_from(Redemption)) or 0
        distinct = session.scalar(select(func.count(func.distinct(Redemption.sale_id)))) or 0
    return rows, distinct


def contend(url: str, tokens: list[str], serials: list[int], sales: int,
            args: argparse.Namespace) -> tuple[float, WindowLog]:
    """All windows push their share of `sales` at once; returns the wall time and what they
    saw."""
    rng = random.Random(2014)
    work = [window_batches(serials, sales // len(tokens), args.batch, rng) for _ in tokens]
    logs = [WindowLog() for _ in tokens]
    start, deadline = threading.Barrier(len(tokens) + 1), time.monotonic() + args.timeout
    threads = [threading.Thread(target=run_window, args=(url, token, batches, start, deadline,
                                                         log), daemon=True)
               for token, batches, log in zip(tokens, work, logs, strict=True)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    return time.perf_counter() - began, merged(logs)


@contextmanager
def tallied(errors: ServerErrors) -> Iterator[None]:
    """The server's exceptions tallied until it has stopped (requests cut off by the timeout
    still finish, and fail, while it shuts down)."""
    server_log = logging.getLogger("uvicorn.error")
    server_log.addFilter(errors)
    try:
        yield
    finally:
        server_log.removeFilter(errors)


def run_mode(backend: str, mode: Mode, args: argparse.Namespace) -> Result:
    with fresh_district(backend, args.pg_url) as district:
        setup = time.perf_counter()
        serials, tokens = build(district, args.cards, mode.windows)
        print(f"  [{mode.name}] setup {time.perf_counter() - setup:.1f} s: {len(serials)} cards, "
              f"{len(tokens)} windows", flush=True)
        errors = ServerErrors()
        with mode.mechanism(), tallied(errors), serving(district) as url:
            wall, seen = contend(url, tokens, serials, mode.sales, args)
        rows, distinct = stored(district)
    return Result(mode.name, mode.windows, mode.sales, wall, seen, errors.causes, rows, distinct)


def ms(times: list[float], cut: int) -> str:
    """The `cut`-th 20-quantile (10 = median, 19 = p95) in milliseconds."""
    if len(times) < 2:
        return f"{times[0] * 1e3:.0f}" if times else "-"
    return f"{statistics.quantiles(times, n=20)[cut - 1] * 1e3:,.0f}"


def report(backend: str, results: list[Result], args: argparse.Namespace) -> None:
    print(f"\n{backend}: {args.windows} windows × {args.sales // args.windows} sales in batches "
          f"of {args.batch}, {args.cards} shared cards, timeout {args.timeout:.0f} s a mode")
    print("| mode | windows | wall | sales/s | 5xx | stored (rows / distinct) | push p50 "
          "| push p95 | batch until accepted, p95 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        wall = f"{r.wall:.1f} s" + ("" if r.seen.finished else " (**timeout**)")
        print(f"| {r.mode} | {r.windows} | {wall} | {r.per_second():,.1f} "
              f"| {r.seen.server_errors:,} | {r.stored:,} / {r.distinct:,} of {r.sales:,} "
              f"| {ms(r.seen.requests, 10)} ms | {ms(r.seen.requests, 19)} ms "
              f"| {ms(r.seen.batches, 19)} ms |")
    for r in results:
        causes = ", ".join(f"{name} × {n}" for name, n in r.causes.most_common()) or "none"
        print(f"  {r.mode}: server exceptions: {causes}; answers: {dict(r.seen.statuses)}")
        if r.seen.dropped:
            print(f"    connections lost mid-push (sent again): {len(r.seen.dropped)}, "
                  f"first: {r.seen.dropped[:3]}")
    by_name = {r.mode: r.per_second() for r in results}
    if by_name["before"] > 0:
        print(f"  after ÷ before throughput: {by_name['after'] / by_name['before']:,.1f}×")


def failures(results: list[Result]) -> list[str]:
    """Sales stored twice or a refused push in any mode; anything short of every sale stored
    without a 5xx in time, except before the fix."""
    found = [f"{r.mode}: {p}" for r in results for p in r.seen.problems[:3]]
    found += [f"{r.mode}: {r.stored - r.distinct} sales stored twice" for r in results
              if r.stored != r.distinct]
    found += [f"{r.mode}: {r.stored} of {r.sales} stored, {r.seen.server_errors} × 5xx, "
              f"finished: {r.seen.finished}" for r in results if r.mode != "before"
              and (not r.seen.finished or r.stored != r.sales or r.seen.server_errors)]
    return found


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_backend_options(parser)
    parser.set_defaults(db="postgresql")
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--sales", type=int, default=4000, help="in all, shared by the windows")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--cards", type=int, default=107)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds, per mode")
    parser.add_argument("--quick", action="store_true", help="4 windows × 200 sales, 60 s")
    args = parser.parse_args()
    if args.quick:
        args.windows, args.sales, args.timeout = 4, 800, 60.0
    if args.sales % (args.windows * args.batch):
        parser.error("--sales must be a multiple of --windows × --batch")
    return args


def main() -> None:
    args = options()
    problems = []
    for backend in backends(args.db):
        print(f"{backend}:", flush=True)
        results = [run_mode(backend, mode, args) for mode in modes(args)]
        report(backend, results, args)
        problems += [f"{backend} {p}" for p in failures(results)]
    if problems:
        sys.exit("FAILED: " + "; ".join(problems))


if __name__ == "__main__":
    main()
