"""`GET /api/v1/sync/wait?cursor=N&seconds=S` (Bearer device token) — a long poll: answered
`{"changed": true}` as soon as the device has something to pull after `cursor`, or
`{"changed": false}` after S seconds (1–60, default 25); `&generation=G` as in a pull: a
district restored since answers at once. A device that is online keeps one such
request open and syncs when it is answered, so an approved family card or a sale reaches its
phone within a second or two; the periodic sync stays the fallback when it cannot.

It works across server instances through the database alone: each instance reads the log's
counter at most once a second for all its waiters, and a waiter looks at its own scopes only
when that counter has moved on since it last looked. A waiter holds no thread and no database
connection while it waits. """

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from app.text_rules import INT64_MAX
from district.api.common import ERRORS, PREFIX, ApiRoute, bearer, device_session
from district.api.sync import scopes_of
from district.feed import changelog
from district.service import District
from district.web_context import district_of

router = APIRouter(prefix=f"{PREFIX}/sync", tags=["sync"], route_class=ApiRoute,
                   responses=ERRORS)
Token = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
TICK = 1.0  # seconds between looks at the log


class NewestCursor:
    """The log's newest cursor, read at most once a TICK per server instance, for all waiters."""

    def __init__(self) -> None:
        self._value, self._read_at = 0, 0.0
        self._lock = asyncio.Lock()

    async def get(self, district: District) -> int:
        async with self._lock:
            if time.monotonic() - self._read_at >= TICK:
                self._value = await asyncio.to_thread(self._read, district)
                self._read_at = time.monotonic()
            return self._value

    @staticmethod
    def _read(district: District) -> int:
        with district.sessions() as session:
            return changelog.newest_cursor(session)


def _scopes(request: Request, token: HTTPAuthorizationCredentials | None) -> list[str]:
    with device_session(request, token) as (_session, device):
        return scopes_of(device)


def _has_news(district: District, scopes: list[str], cursor: int) -> bool:
    with district.sessions() as session:
        return bool(changelog.read(session, scopes, cursor, 1))


def _generation(district: District) -> str | None:
    with district.sessions() as session:
        return changelog.generation(session)


def _newest(request: Request) -> NewestCursor:
    state = request.app.state
    if not hasattr(state, "newest_cursor"):
        state.newest_cursor = NewestCursor()
    newest: NewestCursor = state.newest_cursor
    return newest


@router.get("/wait")
async def wait(request: Request, token: Token,
               cursor: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
               seconds: Annotated[int, Query(ge=1, le=60)] = 25,
               generation: Annotated[str | None, Query(max_length=64)] = None,
               ) -> dict[str, bool]:
    """Answer as soon as the device has changes after `cursor` (or its `generation` is not the
    district's any more: a restore), or after `seconds`."""
    district = district_of(request)
    scopes = await asyncio.to_thread(_scopes, request, token)
    if generation and generation != await asyncio.to_thread(_generation, district):
        return {"changed": True}
    deadline, looked_up_to = time.monotonic() + seconds, cursor
    while True:
        newest = await _newest(request).get(district)
        if newest > looked_up_to:  # the log moved on since this waiter last looked
            looked_up_to = newest
            if await asyncio.to_thread(_has_news, district, scopes, cursor):
                return {"changed": True}
        if time.monotonic() >= deadline or await request.is_disconnected():
            return {"changed": False}
        await asyncio.sleep(min(TICK, max(0.0, deadline - time.monotonic())))
