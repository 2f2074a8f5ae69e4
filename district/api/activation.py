"""`POST /api/v1/activate`: a member number, a one-time code and the phone's public key."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from district.api.common import ERRORS, PREFIX, ApiRoute, b64
from district.errors import Invalid
from district.phones import enrollment
from district.web_context import client_of, clock, district_of

router = APIRouter(prefix=PREFIX, tags=["activation"], route_class=ApiRoute,
                   responses=ERRORS)
KEY_BYTES = 32


class ActivateBody(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    member_no: str = Field(min_length=1, max_length=32, examples=["WZ2014012345"])
    code: str = Field(min_length=1, max_length=32, examples=["K7QM-3XPA"])
    public_key: str = Field(min_length=1, max_length=128,
                            description="base64 of the phone's raw 32-byte Ed25519 public key")
    device_name: str = Field(default="", max_length=64)


class ActivateAnswer(BaseModel):
    device_id: str
    device_token: str
    role: str = Field(description='"member", or "family" for a family member\'s own phone')
    root_public_key: str
    card: str
    family_cards: list[str]
    trust_list: str
    status_list: str
    server_time: int


class InvalidKey(Invalid):
    code = "invalid_public_key"


def public_key_of(text: str) -> bytes:
    """The raw Ed25519 key from base64 (standard or URL-safe alphabet), or InvalidKey."""
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidKey("手机公钥格式不对", "public_key is not base64") from exc
    if len(raw) != KEY_BYTES or raw == bytes(KEY_BYTES):
        raise InvalidKey("手机公钥格式不对", "public_key must be a raw 32-byte Ed25519 key")
    return raw


@router.post("/activate", response_model=ActivateAnswer)
def activate(body: ActivateBody, request: Request) -> ActivateAnswer:
    """Redeem a one-time code: the card bound to the phone's key, a device token, the lists.

    Wrong member number or code: 403 `wrong_code` (one message for both); used code: 409
    `code_used`; expired: 410 `code_expired`; too many wrong codes: 429 `rate_limited`;
    malformed key: 422 `invalid_public_key`.
    """
    district = district_of(request)
    now = clock(request)
    ask = enrollment.Request(body.member_no, body.code, public_key_of(body.public_key),
                             body.device_name, client_of(request))
    done = enrollment.activate(district.sessions, district.keys(), ask, now,
                               district.settings.card_years)
    return ActivateAnswer(device_id=done.device_id, device_token=done.device_token,
                          role=done.role, root_public_key=b64(done.root_public_key),
                          card=b64(done.card), family_cards=[b64(c) for c in done.family_cards],
                          trust_list=b64(done.trust_list), status_list=b64(done.status_list),
                          server_time=now)
