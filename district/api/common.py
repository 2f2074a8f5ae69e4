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
from pydantic import BaseModel, Field
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from district.db import Busy
from district.errors import DistrictError, Forbidden
from district.phones import devices
from district.phones.activation import RateLimited
from district.phones.tables import Device
from district.web_context import district_of

PREFIX = "/api/v1"


class ErrorOut(BaseModel):
    """Every refusal of the device API: a code for programs, the reason in Chinese and English."""

    error: str = Field(examples=["wrong_code"], description="a stable code for programs")
    message: str = Field(examples=["会员号或激活码不对"], description="the reason, in Chinese")
    message_en: str = Field(examples=["wrong member number or activation code"])
    retry_after: int | None = Field(default=None, description="seconds to wait (429 only)")


def _error(text: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": text}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("the request cannot be read"),
    401: _error("no device token, or the token of a replaced or revoked device"),
    403: _error("this device may not do this (a window asking for member data, …)"),
    404: _error("no such member, card or family member"),
    409: _error("a rule says no: a used or expired code, the family limit, …"),
    422: _error("a field is missing, malformed, out of range or holds a control character"),
    429: _error("too many wrong attempts: wait `retry_after` seconds (also a Retry-After header)"),
    503: _error("the district's keys are locked: try again later"),
}
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
            except PoolTimeout:  # every database connection stayed busy: the device retries
                return error_response(Busy("服务器正忙，请稍后再试",
                                           "the server is busy: try again in a moment"))

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
            raise Forbidden("景区窗口设备和干部的“五个一”登记不能查看会员的资料",
                            "a scenic-spot window or a cadre's enrollment has no member data")
        yield session, device, device.member_id


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
