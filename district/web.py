"""The ASGI app: `create_app(settings)` builds it; importing this module does nothing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from district import api, console
from district.api.common import error_response
from district.errors import DistrictError, KeyLocked
from district.service import District
from district.settings import Settings
from district.staff import logins
from district.web_context import district_of
from district.windows import window_devices

log = logging.getLogger(__name__)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    """Domain errors become 4xx (503 for locked keys) in the API's JSON error shape."""
    assert isinstance(exc, DistrictError)
    return error_response(exc)


def create_app(settings: Settings) -> FastAPI:
    """The district server's ASGI app. Connects lazily; the schema is migrated by init/serve."""
    district = District.open(settings, migrate=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(unlock_keys, app.state.district)
        yield
        district.close()

    app = FastAPI(title="UnionPass 工会通 — district server", version="0.1.0", lifespan=lifespan)
    app.state.district = district
    app.add_exception_handler(DistrictError, _domain_error)
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["ops"])
    app.include_router(console.router())
    api.install(app)
    return app


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for who may say where a request came from. X-Forwarded-For (and
    -Proto) is believed only from `settings.forwarded_allow_ips`; with none, never — uvicorn's
    own default would believe any client on 127.0.0.1, so a local client could claim any
    address and escape the per-address limits."""
    trusted = ",".join(settings.forwarded_allow_ips)
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def unlock_keys(district: District) -> None:
    """Unlock the key ring before the first request, and tell the windows the usage rule.
    A request that signs (a family card approved inside a sync push) must not unlock the ring
    inside its own transaction: on SQLite reading the vault's salt would wait for the write
    lock that transaction holds."""
    try:
        if district.is_initialized():
            district.keys()
            with district.sessions.begin() as session:
                window_devices.publish_rules(session, district.settings.daily_limit)
                logins.forget_stored_key(session)
    except (KeyLocked, SQLAlchemyError) as problem:  # not set up yet: `init` comes first
        log.warning("key ring not unlocked at start-up: %s", problem)


async def healthz(request: Request) -> JSONResponse:
    """Database reachable and keys unlocked: 200 {"status": "ok"}; else 503 with the reason
    ({"database": error} or {"keys": "locked"}: activation and signing would answer 503)."""
    district = district_of(request)
    try:
        with district.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__},
                            status_code=503)
    if not district.is_unlocked():
        return JSONResponse({"status": "unavailable", "database": "ok", "keys": "locked"},
                            status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "keys": "ok"})
