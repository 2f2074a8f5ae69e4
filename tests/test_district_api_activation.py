"""POST /api/v1/activate through a real uvicorn on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random

from app.card import decode_claims
from app.cose import decode_sign1
from app.keys import KeyPair
from app.trust import Status, open_status_list
from app.verify import Reason
from district.cli import demo
from district.phones import activation
from tests.api_support import Server, activation_body, b64d

DAY = 86_400


def test_an_activated_card_is_bound_to_the_phone_key_and_verifies_at_a_window(
        server: Server) -> None:
    phone = server.phone()
    answer = phone.activate("WZ1", server.code("WZ1"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    claims = decode_claims(decode_sign1(b64d(body["card"])).payload)
    assert (claims.holder_key, claims.member_no, claims.titles) == (
        phone.key.public_raw, "WZ1", ("蓝领之星", "劳动模范"))
    assert (body["role"], body["family_cards"], body["server_time"]) == ("member", [],
                                                                         int(server.clock()))
    assert phone.verify(body["card"]).reason is Reason.OK
    served = server.http.get("/api/v1/lists/trust").json()
    assert b64d(body["root_public_key"]) == b64d(served["root_public_key"])
    assert b64d(body["trust_list"]) == b64d(served["data"])


def test_a_code_is_typed_loosely_but_works_only_once(server: Server) -> None:
    code = server.code("WZ2")
    first = server.phone().activate("WZ2", f" {code.lower().replace('-', ' ')} ")
    again = server.phone().activate("WZ2", code)
    assert first.status_code == 200, first.text
    assert again.status_code == 409
    assert again.json() == {"error": "code_used",
                            "message": "这个激活码已经用过了，请向工会索取新的激活码",
                            "message_en": "this activation code has been used: ask your union "
                                          "for a new one"}


def test_an_expired_code_is_refused_with_its_own_message(server: Server) -> None:
    code = server.code("WZ2", days=7, at=server.clock() - 7 * DAY - 1)
    answer = server.phone().activate("WZ2", code)
    assert answer.status_code == 410
    assert answer.json()["error"] == "code_expired" and "过期" in answer.json()["message"]


def test_an_unknown_member_and_a_wrong_code_get_the_same_answer_naming_the_number(
        server: Server) -> None:
    server.code("WZ2")
    unknown = server.phone().activate("NOBODY", "AAAA-AAAA")
    wrong = server.phone().activate("WZ2", "AAAA-AAAA")
    assert unknown.status_code == wrong.status_code == 403
    assert wrong.json() == {"error": "wrong_code",
                            "message": "会员号 WZ2 的激活码不对（或没有这个会员号）",
                            "message_en": "wrong activation code for member number WZ2 (or no "
                                          "such member)"}
    assert unknown.json()["message"] == wrong.json()["message"].replace("WZ2", "NOBODY")


def test_a_second_phone_revokes_the_first_card_and_its_token(server: Server) -> None:
    first, second = server.phone(), server.phone()
    assert first.activate("WZ1", server.code("WZ1")).status_code == 200
    server.clock.now += 60
    assert second.activate("WZ1", server.code("WZ1")).status_code == 200
    old = decode_claims(decode_sign1(b64d(first.answer["card"])).payload).serial
    status = open_status_list(b64d(second.answer["status_list"]),
                              b64d(second.answer["root_public_key"]))
    assert status.status(old) is Status.REVOKED
    assert first.verify(first.answer["card"]).reason is Reason.REVOKED
    assert second.verify(second.answer["card"]).reason is Reason.OK
    refused = first.get("/me")
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert second.get("/me").json()["name"] == "陈建国"


def test_five_wrong_codes_lock_that_member_number_but_not_others_at_the_same_address(
        server: Server) -> None:
    code = server.code("WZ2")
    answers = [server.phone().activate("WZ2", "WRNG-CODE").status_code
               for _ in range(activation.MAX_FAILURES)]
    blocked = server.phone().activate("WZ2", code)
    colleague = server.phone().activate("WZ3", server.code("WZ3"))  # same office, same address
    assert answers == [403] * activation.MAX_FAILURES
    assert (blocked.status_code, colleague.status_code) == (429, 200)
    assert blocked.json()["error"] == "rate_limited"
    assert blocked.json()["message"] == "会员号 WZ2 的激活码错误次数过多，请 15 分钟后再试"
    assert 0 < int(blocked.headers["Retry-After"]) <= activation.WINDOW
    server.clock.now += activation.WINDOW + 1
    assert server.phone().activate("WZ2", code).status_code == 200


def test_guessing_across_many_member_numbers_from_one_address_is_stopped(
        server: Server) -> None:
    code = server.code("WZ1")
    for n in range(activation.ADDRESS_FAILURES):
        assert server.phone().activate(f"GUESS{n}", "WRNG-CODE").status_code == 403
    stopped = server.phone().activate("WZ1", code)
    assert (stopped.status_code, stopped.json()["error"]) == (429, "rate_limited")
    assert "网络地址" in stopped.json()["message"]


def test_a_malformed_public_key_is_422_and_does_not_use_the_code(server: Server) -> None:
    code = server.code("WZ2")
    for key in ("not base64!", "AAAA", "A" * 44):
        answer = server.http.post("/api/v1/activate", json={
            "member_no": "WZ2", "code": code, "public_key": key, "signature": "A" * 88})
        assert answer.status_code == 422, key
        assert answer.json()["error"] == "invalid_public_key"
    assert server.phone().activate("WZ2", code).status_code == 200


def _mangled(rng: random.Random) -> bytes:
    good = {"member_no": "WZ1", "code": "K7QM-3XPA", "public_key": "A" * 43 + "=",
            "device_name": "x"}
    choice = rng.randrange(5)
    if choice == 0:
        return json.dumps(good).encode()[: rng.randrange(60)]
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
    if choice == 2:
        key = rng.choice(list(good))
        value: object = rng.choice([None, 7, [], {}, "", "x" * 5000, True, 1e308, "\u0000"])
        return json.dumps({**good, key: value}).encode()
    if choice == 3:
        return json.dumps(rng.choice([[], "text", 5, None, [good]])).encode()
    return json.dumps({k: v for k, v in good.items() if rng.random() < 0.5}).encode()


def test_malformed_bodies_never_give_a_server_error(server: Server) -> None:
    for path in ("/api/v1/activate", "/api/v1/family"):
        rng = random.Random(path)
        for _ in range(40):
            answer = server.http.post(path, content=_mangled(rng),
                                      headers={"Content-Type": "application/json"})
            assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text)
            assert "error" in answer.json()


def test_the_demo_prints_codes_that_activate_a_member_and_a_family_phone(server: Server) -> None:
    with server.district.sessions.begin() as session:
        report = demo.seed(session, server.district.keys(), "demo", int(server.clock()))
    member_no = report.members[0]
    member = server.phone().activate(member_no, report.codes[member_no])
    spouse = server.phone().activate(member_no, report.codes[f"{member_no} 家属1"])
    assert (member.status_code, spouse.status_code) == (200, 200), spouse.text
    assert (member.json()["role"], spouse.json()["role"]) == ("member", "family")
    assert len(report.codes) == len(report.members) + 1


HOSTILE_TEXT = ["WZ\u00001", "WZ\n1", "\u001b[31mWZ1", "WZ\u007f1", "WZ\u00851"]


def test_control_characters_and_huge_integers_are_422_in_the_error_shape(
        server: Server) -> None:
    key = KeyPair.generate()
    code = server.code("WZ1")
    good = activation_body(key, "WZ1", code)
    bodies = [*({**good, field: text} for field in ("member_no", "code", "device_name")
                for text in HOSTILE_TEXT),
              *({**good, field: 2**63} for field in good), {**good, "member_no": 2**64 + 1}]
    for body in bodies:
        answer = server.http.post("/api/v1/activate", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert set(answer.json()) == {"error", "message", "message_en"}
    assert server.http.post("/api/v1/activate", json=good).status_code == 200


def test_a_new_code_cancels_the_persons_older_unused_code_only(server: Server) -> None:
    server.add_family("WZ1", "王芳")
    older, spouse = server.code("WZ1"), server.code("WZ1", family_no=1)
    newer = server.code("WZ1")
    cancelled = server.phone().activate("WZ1", older)
    assert (cancelled.status_code, cancelled.json()["error"]) == (410, "code_cancelled")
    assert "作废" in cancelled.json()["message"]
    assert server.phone().activate("WZ1", newer).status_code == 200
    assert server.phone().activate("WZ1", spouse).json()["role"] == "family"
