"""`POST /api/v1/cadres/enroll`: a cadre's phone enrolls for the "五个一" with a one-time code
(SPEC §10, `app.cadre_wire`).

Body `{"code", "public_key" (base64 of the raw 32-byte Ed25519 key the phone makes for this
enrollment — not its member card's key), "signature" (base64 of that key's Ed25519 signature
over b"UnionPass cadre enroll v1\n" + the code in capitals without spaces or dashes + b"\n" +
the raw public key), "device_name"}`; answer `{"device_id", "device_token", "cadre_no",
"cadre_name", "root_public_key", "trust_list", "status_list", "server_time"}` with bytes in
base64. The token then authenticates the cadre's sync (role "cadre": pushes of `cadre_record`;
pulls of the cadre's own scope, the cadres' scope and the public one). A new enrollment
revokes the cadre's previous phone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.cadre_wire import ENROLL_PATH
from district.api.activation import public_key_of, signature_of
from district.api.common import ERRORS, PREFIX, ApiRoute, b64
from district.api.fields import PlainText
from district.cadres import enrollment
from district.web_context import client_of, clock, district_of

router = APIRouter(prefix=PREFIX, tags=["cadres"], route_class=ApiRoute, responses=ERRORS)


class EnrollBody(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    code: PlainText = Field(min_length=1, max_length=32, examples=["K7QM-3XPA"])
    public_key: str = Field(min_length=1, max_length=128,
                            description="base64 of the phone's raw 32-byte Ed25519 public key, "
                            "made for this enrollment")
    signature: str = Field(min_length=1, max_length=128,
                           description="base64 of the key's signature (see above)")
    device_name: PlainText = Field(default="", max_length=64)


class EnrollAnswer(BaseModel):
    device_id: str
    device_token: str
    cadre_no: str
    cadre_name: str
    root_public_key: str
    trust_list: str
    status_list: str
    server_time: int


@router.post(ENROLL_PATH.removeprefix(PREFIX), response_model=EnrollAnswer)
def enroll(body: EnrollBody, request: Request) -> EnrollAnswer:
    """Redeem a cadre's code: a device token for the cadre's phone, the root key and the lists.

    Wrong code: 403 `wrong_code`; used: 409 `code_used`; replaced by a newer code: 410
    `code_cancelled`; expired: 410 `code_expired`; the cadre has left: 409 `conflict`; too many
    wrong codes from this address: 429 `rate_limited`; malformed key or signature: 422
    `invalid_public_key` / `invalid_signature`; a signature the key did not make: 403
    `invalid_signature`; a key bound to another device: 409 `key_in_use`.
    """
    district, now = district_of(request), clock(request)
    ask = enrollment.Enrollment(body.code, public_key_of(body.public_key),
                                signature_of(body.signature), body.device_name,
                                client_of(request))
    done = enrollment.enroll(district.sessions, ask, now)
    return EnrollAnswer(device_id=done.device_id, device_token=done.device_token,
                        cadre_no=done.cadre_no, cadre_name=done.cadre_name,
                        root_public_key=b64(done.root_public_key),
                        trust_list=b64(done.trust_list), status_list=b64(done.status_list),
                        server_time=done.server_time)
