"""What every router of the device API (`/api/v1`) shares: its route class and error shape, and
the bearer-token sessions.

Every error of these routes is JSON `{"error", "message" (中文), "message_en"}` with a 4xx
status: domain errors keep their status, malformed requests are 422, and a rate limit is 429
with `Retry-After`. Bearer tokens identify member devices (see `district.phones.devices`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from district.errors import DistrictError, Forbidden
from district.phones import devices
from district.phones.activation import RateLimited
from district.phones.tables import Device
from district.web_context import district_of

PREFIX = "/api/v1"
bearer = HTTPBearer(auto_error=False, description="the device token from activation")


def error_response(exc: DistrictError) -> JSONResponse:
    body: dict[str, object] = {"error": exc.code, "message": exc.zh, "message_en": exc.en}
    headers = {}
    if isinstance(exc, RateLimited):
        body["retry_after"] = exc.retry_after
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, devices.Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _invalid(exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                         for e in exc.errors()[:5])
    return JSONResponse({"error": "invalid_request", "message": "请求的格式不对",
                         "message_en": f"malformed request: {problems}"[:500]}, status_code=422)


class ApiRoute(APIRoute):
    """A route whose errors all come out in the API's JSON error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except DistrictError as exc:
                return error_response(exc)
            except RequestValidationError as exc:
                return _invalid(exc)
            except HTTPException as exc:  # starlette's: FastAPI raises it for unreadable bodies
                return JSONResponse({"error": "bad_request", "message": "请求的格式不对",
                                     "message_en": str(exc.detail)[:500]},
                                    status_code=exc.status_code, headers=exc.headers)

        return guarded


@contextmanager
def device_session(request: Request,
                   credentials: HTTPAuthorizationCredentials | None) -> Iterator[
                       tuple[Session, Device]]:
    """A transaction and the device the bearer token names (401 otherwise)."""
    header = f"Bearer {credentials.credentials}" if credentials else None
    with district_of(request).sessions.begin() as session:
        yield session, devices.authenticate(session, header)


@contextmanager
def member_session(request: Request,
                   credentials: HTTPAuthorizationCredentials | None) -> Iterator[
                       tuple[Session, Device, int]]:
    """`device_session` for the member API: a window device is refused (403); yields the
    member's id too."""
    with device_session(request, credentials) as (session, device):
        if device.member_id is None:
            raise Forbidden("景区窗口设备不能查看会员的资料",
                            "a scenic-spot window has no member data")
        yield session, device, device.member_id


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
