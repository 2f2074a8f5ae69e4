"""What a route handler reads from its request, for the API and the console alike: the district
the app serves, the clock (tests may set `app.state.clock`), and the client's address."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Request

from district.service import District


def district_of(request: Request) -> District:
    """The district the app was built for (for route handlers and dependencies)."""
    district = request.app.state.district
    assert isinstance(district, District)
    return district


def clock(request: Request) -> int:
    """Unix seconds now; tests may set `app.state.clock` to a callable returning seconds."""
    now: Callable[[], float] = getattr(request.app.state, "clock", time.time)
    return int(now())


def client_of(request: Request) -> str:
    """The client's address ("unknown" when there is none): the peer's, or — only when the peer
    is a proxy listed in `Settings.forwarded_allow_ips` — the address that proxy forwarded
    (`web.server_options` has uvicorn check the peer before it rewrites `request.client`)."""
    return request.client.host if request.client else "unknown"
