"""The phone that dies mid-sync, for tests/test_sync_kill.py (run as a program, never imported
by the app):

    python tests/sync_kill_child.py DATA_DIR BOUNDARY NOW RECORD_ID

It opens the device store in DATA_DIR (already activated), builds the phone as main.py does with
its clock stopped at NOW, records a family request under RECORD_ID, syncs, and SIGKILLs itself
exactly at BOUNDARY, printing `dying <boundary> <what it saw>` first:

- "outbox": right after `record` returned; nothing was sent.
- "sent": the push request is written to the district on a raw socket; no answer is read.
- "answered": the district answered the push; the answer is not filed (`mark_done` not done).
- "filed": the answer is filed (nothing waits); the pull has not started.
- "page": a first sync runs whole (prints `synced <cursor>`), then the child waits for a line
  on stdin (the parent approves the request meanwhile) and syncs again, dying when the page
  is applied but before its new cursor is saved.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import httpx

import main
from app.models import Change, DistrictAccess, PullPage, PushResult, SyncMark
from app.ports import Outbox, SyncCursor, SyncTransport
from app.sync import SyncEngine
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore, open_device
from views import MemberServices

FIELDS = {"name": "陈小明", "relation": "子女", "id_last4": "1234"}
BOUNDARIES = ("outbox", "sent", "answered", "filed", "page")


def die(boundary: str, seen: str) -> NoReturn:
    print(f"dying {boundary} {seen}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("SIGKILL did not kill")  # pragma: no cover


def wire_bytes(request: httpx.Request) -> bytes:
    """The HTTP/1.1 request exactly as it would go on the wire."""
    head = [f"{request.method} {request.url.raw_path.decode('ascii')} HTTP/1.1"]
    head += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in request.headers.raw]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + request.read()


class SendPushThenDie(httpx.BaseTransport):
    """Writes a push to the district on a raw socket and dies before reading anything."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/sync/push"):
            raise AssertionError(f"only a push was expected, not {request.url}")
        host, port = request.url.host, request.url.port
        wire = socket.create_connection((host, port or 80))
        wire.sendall(wire_bytes(request))
        die("sent", f"waiting={len(self._outbox.pending())}")


class DieAfterPush(HttpSyncTransport):
    """The district's answer arrives; the phone dies before filing it."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__()
        self._outbox = outbox

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        results = super().push(access, changes)
        statuses = " ".join(r.status for r in results)
        die("answered", f"{statuses} waiting={len(self._outbox.pending())}")


class DieBeforePull(HttpSyncTransport):
    """Pushes go through and are filed; the phone dies as the pull starts."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__()
        self._outbox = outbox

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        die("filed", f"waiting={len(self._outbox.pending())} cursor={cursor}")


class DieBeforeNewCursor:
    """Once armed, the phone dies when a new cursor is about to be saved (the page is applied)."""

    def __init__(self, inner: SyncCursor, seen: Callable[[], str]) -> None:
        self._inner, self._seen = inner, seen
        self.armed = False

    def load(self) -> SyncMark:
        return self._inner.load()

    def save(self, mark: SyncMark) -> None:
        if self.armed and mark.cursor != self._inner.load().cursor:
            die("page", f"{self._seen()} cursor={mark.cursor}")
        self._inner.save(mark)


def engine_of(services: MemberServices) -> SyncEngine:
    assert isinstance(services.sync, SyncEngine)
    return services.sync


def family_seen(services: MemberServices) -> str:
    cards = [c.name for c in services.wallet.family_cards()]
    states = [f"{m.name}:{m.state.value}" for m in services.family.known]
    return f"family_cards={','.join(cards) or '-'} known={','.join(states) or '-'}"


def run_page(device: DeviceStore, now: float, record_id: str) -> None:
    holder: list[MemberServices] = []
    cursor = DieBeforeNewCursor(device.sync_cursor, lambda: family_seen(holder[0]))
    services = main.build_services(dataclasses.replace(device, sync_cursor=cursor), lambda: now)
    holder.append(services)
    engine = engine_of(services)
    engine.record("family_request", record_id, FIELDS)
    report = engine.sync()
    print(f"synced {cursor.load().cursor} error={report.error} {family_seen(services)}",
          flush=True)
    sys.stdin.readline()
    cursor.armed = True
    report = engine.sync()
    raise AssertionError(f"the second sync ended without a new cursor: {report}")


def run(device: DeviceStore, boundary: str, now: float, record_id: str) -> None:
    if boundary == "page":
        run_page(device, now, record_id)
    transports: dict[str, SyncTransport] = {
        "outbox": HttpSyncTransport(),
        "sent": HttpSyncTransport(transport=SendPushThenDie(device.outbox)),
        "answered": DieAfterPush(device.outbox), "filed": DieBeforePull(device.outbox)}
    engine = engine_of(main.build_services(device, lambda: now, transport=transports[boundary]))
    change = engine.record("family_request", record_id, FIELDS)
    if boundary == "outbox":
        die("outbox", f"waiting={engine.status().waiting} seq={change.seq}")
    report = engine.sync()
    raise AssertionError(f"the sync ended without reaching {boundary}: {report}")


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("boundary", choices=BOUNDARIES)
    parser.add_argument("now", type=float)
    parser.add_argument("record_id")
    args = parser.parse_args(argv)
    run(open_device(args.data), args.boundary, args.now, args.record_id)


if __name__ == "__main__":
    main_()
