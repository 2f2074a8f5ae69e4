"""`POST /api/v1/windows/enroll`: a window device of a scenic spot enrolls with a one-time code.

Body `{"code", "public_key" (base64 of the raw 32-byte Ed25519 key), "device_name"}`; answer
`{"device_id", "device_token", "spot_id", "spot_name", "root_public_key", "trust_list",
"status_list", "server_time"}` with bytes in base64. The token then authenticates the window's
sync (role "window": the public scope only, and pushes of "sale").
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from district.api.activation import public_key_of
from district.api.common import ERRORS, PREFIX, ApiRoute, b64
from district.web_context import client_of, clock, district_of
from district.windows import window_devices

router = APIRouter(prefix=f"{PREFIX}/windows", tags=["windows"], route_class=ApiRoute,
                   responses=ERRORS)


class EnrollBody(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    code: str = Field(min_length=1, max_length=32, examples=["K7QM-3XPA"])
    public_key: str = Field(min_length=1, max_length=128,
                            description="base64 of the device's raw 32-byte Ed25519 public key")
    device_name: str = Field(default="", max_length=64)


class EnrollAnswer(BaseModel):
    device_id: str
    device_token: str
    spot_id: str
    spot_name: str
    root_public_key: str
    trust_list: str
    status_list: str
    server_time: int


@router.post("/enroll", response_model=EnrollAnswer)
def enroll(body: EnrollBody, request: Request) -> EnrollAnswer:
    """Redeem a window code: a device token for the code's spot, the root key and the lists.

    Wrong code: 403 `wrong_code`; used: 409 `code_used`; expired: 410 `code_expired`; too many
    wrong codes from this address: 429 `rate_limited`; malformed key: 422 `invalid_public_key`.
    """
    district, now = district_of(request), clock(request)
    done = window_devices.enroll(district.sessions, body.code, public_key_of(body.public_key),
                                 body.device_name, client_of(request), now,
                                 district.settings.daily_limit)
    return EnrollAnswer(device_id=done.device_id, device_token=done.device_token,
                        spot_id=done.spot_id, spot_name=done.spot_name,
                        root_public_key=b64(done.root_public_key),
                        trust_list=b64(done.trust_list), status_list=b64(done.status_list),
                        server_time=done.server_time)
