"""The long poll (`GET /api/v1/sync/wait`) through a real uvicorn, on one instance and across two
on one database: a change for the device answers a waiting request within about a second, a
change for someone else does not, and a quiet district answers "no change" when asked to stop."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import httpx

from tests.api_support import Phone, Server
from tests.sync_support import activated, approve, change, pull_all, push


def _wait(server: Server, phone: Phone, cursor: int, seconds: int) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    answer = server.http.get("/api/v1/sync/wait", params={"cursor": cursor, "seconds": seconds},
                             headers=phone.headers)
    return time.monotonic() - started, answer


def _cursor(phone: Phone) -> int:
    changes = pull_all(phone)
    return max((c["cursor"] for c in changes), default=0)


def test_an_approval_answers_the_members_waiting_request_at_once(servers: list[Server]) -> None:
    first, last = servers[0], servers[-1]
    member, other = activated(first, "WZ1"), activated(first, "WZ2")
    push(member, change(1))
    cursors = {"member": _cursor(member), "other": _cursor(other)}
    with ThreadPoolExecutor(2) as pool:
        mine: Future[tuple[float, httpx.Response]] = pool.submit(
            _wait, last, member, cursors["member"], 20)
        theirs = pool.submit(_wait, last, other, cursors["other"], 3)
        time.sleep(1.5)
        approve(first, "WZ1", 1)
        _, answer = mine.result(timeout=30)
        _, quiet = theirs.result(timeout=30)
    # asked to wait 20 s, it was answered "changed" — by the approval, not by the deadline
    assert answer.status_code == 200 and answer.json() == {"changed": True}
    assert quiet.json() == {"changed": False}  # another member's news is not theirs


def test_nothing_new_answers_no_change_after_the_seconds_asked(server: Server) -> None:
    phone = activated(server)
    _, answer = _wait(server, phone, _cursor(phone), 1)
    assert answer.json() == {"changed": False}


def test_waiting_needs_the_devices_token(server: Server) -> None:
    answer = server.http.get("/api/v1/sync/wait", params={"cursor": 0, "seconds": 1})
    assert answer.status_code == 401 and answer.json()["message"]
