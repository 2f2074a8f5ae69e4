"""A phone's and a window's first sync against a district of 120,000 members with issued cards
(SPEC §9: ≤ 2 s).

    .venv/bin/python bench/sync_first.py [--members 120000] [--revoked 1200] [--rounds 20]
                                         [--phones 9] [--db sqlite|postgresql|both]

Setup (not timed): the members are imported and every one gets a printed card (as in
`district_issue.py`); `--revoked` of those cards are revoked in `--rounds` transactions, each
logging the cards' tombstones and re-signing the status list once (the history a district
builds up); the demo spots and tickets are published. uvicorn serves the district on loopback
from a thread of this process, with its clock fixed.

Each phone is fresh and real: a device store in an empty directory (`storage.device.open_device`),
its services from `main.build_services`, activated over HTTP for its own member; then one more
card is revoked, so the status list pinned at activation is out of date. Timed: the engine's
`sync()`, from its first request to the cursor saved. Afterwards the pinned status list must be
the one the district serves and mark every revoked serial revoked, and the cursor must be saved,
or the script exits non-zero. Bytes pulled are the bodies of the pull answers as sent.

Then as many fresh window devices, each enrolled for 严家花园 with a console code (one more card
revoked after enrollment), timed and checked the same way.

Baseline in the same run: `GET /api/v1/lists/status` and `open_status_list` on what it returns
(what any first sync must at least fetch and verify), as many times as there are phones.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from district_common import NOW, add_backend_options, backends, fresh_district, member_rows
from sync_server import serving

import main as phone_app
from app.sync import SyncEngine, SyncReport
from app.trust import Status, open_status_list
from district.cards import issuance, lists
from district.cli import demo
from district.feed import publish
from district.phones import activation
from district.registry.importer import import_rows
from district.registry.members_csv import MemberRow
from district.service import District
from district.tables import Card, Member
from district.windows import window_devices
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore, open_device
from views.services import MemberServices

AT = NOW + 3600  # the server's and the phones' clock


class CountingTransport(httpx.HTTPTransport):
    """Loopback HTTP that adds up the body bytes of the pull answers, as they came."""

    def __init__(self) -> None:
        super().__init__()
        self.pulled_bytes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = super().handle_request(request)
        assert isinstance(answer.stream, httpx.SyncByteStream)
        body = b"".join(answer.stream)
        answer.close()
        if request.url.path.endswith("/sync/pull"):
            self.pulled_bytes += len(body)
        return httpx.Response(answer.status_code, headers=answer.headers, content=body)


@dataclass(frozen=True)
class Sample:
    seconds: float
    pulled_bytes: int
    entries: int


def build(district: District, members: int, revoked: int, rounds: int) -> list[int]:
    """Members with printed cards, `revoked` of them revoked over `rounds` signings; returns the
    revoked serials."""
    rows = [MemberRow(n + 2, *row) for n, row in enumerate(member_rows(members))]
    keys = district.keys()
    with district.sessions.begin() as session:
        import_rows(session, rows, "bench", NOW)
    with district.sessions.begin() as session:
        every = list(session.scalars(select(Member)))
        serials = issuance.issue_member_cards(session, keys, every, actor="bench", now=NOW)
        demo.seed_catalog(session)
    chosen = sorted(random.Random(2014).sample(serials, min(revoked, len(serials))))
    per_round = max(1, -(-len(chosen) // max(1, rounds)))
    for start in range(0, len(chosen), per_round):
        revoke(district, chosen[start:start + per_round])
    return chosen


def revoke(district: District, serials: list[int]) -> None:
    """Revoke the cards in one transaction: their tombstones, and one new status list."""
    with district.sessions.begin() as session:
        for card in session.scalars(select(Card).where(Card.serial.in_(serials))):
            card.status, card.revoked_at, card.revoke_reason = "revoked", AT, "lost"
            publish.card_gone(session, card, "lost")
        session.flush()
        lists.sign_status(session, district.keys(), AT)


def code_for(district: District, member_no: str) -> str:
    with district.sessions.begin() as session:
        return activation.create_activation_code(session, member_no, None, "bench", AT)


Setup = Callable[[MemberServices], None]


def timed_first_sync(district: District, url: str, revoked: list[int], extra: int,
                     setup: Setup) -> Sample:
    """A fresh device made ready by `setup` (activated or enrolled); `extra` is revoked, so its
    pinned status list is out of date; then its first sync, timed and checked."""
    with tempfile.TemporaryDirectory() as tmp:
        device = open_device(Path(tmp))
        try:
            wire = CountingTransport()
            services = phone_app.build_services(device, lambda: AT, client=HttpDistrictClient(),
                                                transport=HttpSyncTransport(transport=wire))
            assert isinstance(services.sync, SyncEngine)
            setup(services)
            revoke(district, [extra])
            start = time.perf_counter()
            report = services.sync.sync()
            seconds = time.perf_counter() - start
            check(device, report, url, [*revoked, extra])
            return Sample(seconds, wire.pulled_bytes, report.pulled)
        finally:
            device.close()


def activated(district: District, url: str, member_no: str) -> Setup:
    """A phone activated for `member_no` over HTTP."""
    def setup(services: MemberServices) -> None:
        services.activation.activate(member_no, code_for(district, member_no), url)
    return setup


def enrolled(district: District, url: str) -> Setup:
    """A window enrolled for 严家花园 with a console code (SPEC §9 names the window's first
    sync): it pulls lists, spots, tickets and the usage rule."""
    def setup(services: MemberServices) -> None:
        assert services.window is not None
        with district.sessions.begin() as session:
            code = window_devices.create_window_code(session, "yanjia", "bench", AT)
        services.window.enroll(code, url)
    return setup


def check(device: DeviceStore, report: SyncReport, url: str, revoked: list[int]) -> None:
    """The sync worked: the cursor is saved and the pinned status list is the served one and
    marks every revoked card revoked."""
    pinned = device.trust.load()
    served = httpx.get(f"{url}/api/v1/lists/status").json()
    problems = []
    if report.error is not None:
        problems.append(f"sync failed: {report.error!r}")
    if device.sync_cursor.load().cursor == 0:
        problems.append("no cursor saved")
    if pinned is None or pinned.status_list != base64.b64decode(served["data"]):
        problems.append("the pinned status list is not the one the district serves")
    else:
        status = open_status_list(pinned.status_list, pinned.root_public_key)
        missed = sum(status.status(s) is not Status.REVOKED for s in revoked)
        if missed:
            problems.append(f"{missed} revoked serials not marked revoked")
    if problems:
        sys.exit("FAILED: " + "; ".join(problems))


def baseline(url: str) -> float:
    """Fetch the status list the way a first sync must, and open it."""
    start = time.perf_counter()
    answer = httpx.get(f"{url}/api/v1/lists/status").json()
    root = base64.b64decode(answer["root_public_key"])
    open_status_list(base64.b64decode(answer["data"]), root)
    return time.perf_counter() - start


def timed(fn: Callable[[], float], times: int) -> list[float]:
    return [fn() for _ in range(times)]


def spare_cards(district: District, revoked: list[int], count: int) -> list[int]:
    """Valid cards to revoke between a phone's activation and its first sync."""
    with district.sessions() as session:
        valid = session.scalars(select(Card.serial).where(Card.status == "valid")
                                .order_by(Card.serial.desc()).limit(count + len(revoked)))
        gone = set(revoked)
        return [s for s in valid if s not in gone][:count]


def run(backend: str, args: argparse.Namespace) -> None:
    with fresh_district(backend, args.pg_url) as district:
        start = time.perf_counter()
        revoked = build(district, args.members, args.revoked, args.rounds)
        setup = time.perf_counter() - start
        extras = spare_cards(district, revoked, 2 * args.phones)
        with serving(district) as url:
            base = timed(lambda: baseline(url), args.phones)
            samples = [timed_first_sync(district, url, revoked, extras[n],
                                        activated(district, url, f"WZ{n + 1:08d}"))
                       for n in range(args.phones)]
            tablets = [timed_first_sync(district, url, revoked, extras[args.phones + n],
                                        enrolled(district, url))
                       for n in range(args.phones)]
            size = len(base64.b64decode(httpx.get(f"{url}/api/v1/lists/status").json()["data"]))
    report(backend, args, setup, size, samples, base, "phones")
    report(backend, args, setup, size, tablets, base, "windows")


def report(backend: str, args: argparse.Namespace, setup: float, size: int,
           samples: list[Sample], base: list[float], who: str) -> None:
    median = statistics.median(s.seconds for s in samples)
    base_median = statistics.median(base)
    print(f"[{backend}] {args.members:,} members with printed cards, {args.revoked:,} revoked "
          f"over {args.rounds} signings (+1 per phone); setup {setup:.1f} s; "
          f"status list {size:,} bytes")
    print(f"  first sync, {len(samples)} fresh {who}: median {median * 1e3:7.1f} ms "
          f"(min {min(s.seconds for s in samples) * 1e3:.1f}, "
          f"max {max(s.seconds for s in samples) * 1e3:.1f})  target ≤ 2,000 ms")
    print(f"  pulled per device: {statistics.median(s.entries for s in samples):.0f} entries, "
          f"{statistics.median(s.pulled_bytes for s in samples):,.0f} bytes")
    print(f"  baseline GET /lists/status + open_status_list: median {base_median * 1e3:7.1f} ms; "
          f"first sync ÷ baseline {median / base_median:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=120_000)
    parser.add_argument("--revoked", type=int, default=1_200)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--phones", type=int, default=9)
    add_backend_options(parser)
    args = parser.parse_args()
    for backend in backends(args.db):
        run(backend, args)


if __name__ == "__main__":
    main()
