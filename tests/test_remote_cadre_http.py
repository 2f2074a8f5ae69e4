"""`HttpDistrictClient.enroll_cadre` (remote/district_http.py): the request as app/cadre_wire.py
documents it, the answer read into a grant, a refusal in the district's words, a malformed
answer a `BadAnswer` (the district's side is built separately: these speak its documented
wire through httpx's mock transport)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from app.cadre_enroll import CadreEnrollRefused
from app.device_proof import cadre_message, sign_cadre
from app.keys import KeyPair, verify_signature
from remote.district_http import BadAnswer, HttpDistrictClient

KEY = KeyPair.generate()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def district(answer: dict[str, object], status: int = 200) -> tuple[HttpDistrictClient,
                                                                     list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/cadres/enroll"
        seen.append(json.loads(request.content))
        return httpx.Response(status, json=answer)

    return HttpDistrictClient(transport=httpx.MockTransport(handle)), seen


def test_the_enrollment_is_signed_as_the_wire_says_and_the_grant_read() -> None:
    client, seen = district({"device_id": "d9", "device_token": "t9", "cadre_no": "GB0007",
                             "cadre_name": "周敏", "root_public_key": b64(b"r" * 32),
                             "trust_list": b64(b"T"), "status_list": b64(b"S"),
                             "server_time": 1_795_000_000})
    grant = client.enroll_cadre("http://d", "CAD7X2QP", KEY.public_raw,
                                sign_cadre(KEY, "cad7-x2qp"), "干部手机")
    assert (grant.device_token, grant.cadre_no, grant.cadre_name) == ("t9", "GB0007", "周敏")
    assert grant.root_public_key == b"r" * 32 and grant.server_time == 1_795_000_000
    sent = seen[0]
    assert set(sent) == {"code", "public_key", "signature", "device_name"}
    public = base64.b64decode(sent["public_key"])
    message = b"UnionPass cadre enroll v1\nCAD7X2QP\n" + public
    assert cadre_message("cad7-x2qp", public) == message
    assert verify_signature(public, base64.b64decode(sent["signature"]), message)


def test_a_refusal_speaks_the_districts_words_and_a_bad_answer_is_named() -> None:
    client, _ = district({"error": "code_used", "message": "登记码已用过",
                          "message_en": "Code already used"}, 409)
    with pytest.raises(CadreEnrollRefused) as refused:
        client.enroll_cadre("http://d", "X", KEY.public_raw, b"s", "n")
    assert (refused.value.code, refused.value.message("zh")) == ("code_used", "登记码已用过")
    client, _ = district({"device_id": "d9"})
    with pytest.raises(BadAnswer):
        client.enroll_cadre("http://d", "X", KEY.public_raw, b"s", "n")
