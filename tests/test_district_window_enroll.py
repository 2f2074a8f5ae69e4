"""Window devices enroll with a one-time code for one spot, pull nothing of any member, and stop
working when revoked; through a real uvicorn on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64

from app.keys import KeyPair
from app.trust import open_status_list, open_trust_list
from district.windows import window_devices
from tests.api_support import Server, window_body
from tests.district_window_support import (
    MUDU_SPOT,
    enroll,
    sale,
    sale_change,
    window,
    window_code,
    with_catalog,
)
from tests.sync_support import activated, change, pull_all, push


def test_a_code_enrolls_a_window_once_with_its_spot_and_lists(server: Server) -> None:
    with_catalog(server)
    code = window_code(server)
    answer = enroll(server, code.lower().replace("-", " "))
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert (got["spot_id"], got["spot_name"]) == (MUDU_SPOT, "严家花园")
    root = base64.b64decode(got["root_public_key"])
    assert open_trust_list(base64.b64decode(got["trust_list"]), root).issuers
    assert open_status_list(base64.b64decode(got["status_list"]), root).version >= 1
    again = enroll(server, code)
    assert (again.status_code, again.json()["error"]) == (409, "code_used")
    assert "用过" in again.json()["message"]


def test_wrong_and_expired_codes_are_refused_and_guessing_is_rate_limited(
        server: Server) -> None:
    with_catalog(server)
    expired = window_code(server, days=0)
    assert enroll(server, expired).json()["error"] == "code_expired"
    statuses = [enroll(server, "AAAA-AAAA").status_code for _ in range(5)]
    assert statuses == [403] * 5
    good = window_code(server)
    limited = enroll(server, good)
    assert (limited.status_code, limited.json()["error"]) == (429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    server.clock.now += 16 * 60
    assert enroll(server, good).status_code == 200


def test_a_window_pulls_lists_spots_and_tickets_but_nothing_of_any_member(
        server: Server) -> None:
    with_catalog(server)
    phone = activated(server)
    push(phone, change(1))
    tablet = window(server)
    serial = phone.get("/cards").json()["serial"]
    assert push(tablet, sale_change(1, sale(serial, server.clock())))[0]["status"] == "applied"
    entities = {c["entity"] for c in pull_all(tablet)}
    assert entities == {"list", "spot", "ticket", "rule"}  # the usage rule: its spot only
    assert {"card", "family", "redemption"} <= {c["entity"] for c in pull_all(phone)}
    for path in ("/me", "/cards"):
        refused = tablet.get(path)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")


def test_a_phone_cannot_push_a_sale_nor_a_window_a_family_request(server: Server) -> None:
    with_catalog(server)
    phone, tablet = activated(server), window(server)
    serial = phone.get("/cards").json()["serial"]
    [by_phone] = push(phone, sale_change(1, sale(serial, server.clock())))
    [by_window] = push(tablet, change(1))
    assert (by_phone["status"], by_phone["reason"]) == ("rejected", "forbidden")
    assert (by_window["status"], by_window["reason"]) == ("rejected", "forbidden")
    assert "redemption" not in {c["entity"] for c in pull_all(phone)}


def test_a_revoked_window_token_stops_working_at_once(server: Server) -> None:
    with_catalog(server)
    tablet = window(server)
    assert tablet.get("/sync/pull").status_code == 200
    with server.district.sessions.begin() as session:
        window_devices.revoke_window(session, tablet.answer["device_id"], None, "admin",
                                     int(server.clock()))
    refused = tablet.get("/sync/pull")
    assert (refused.status_code, refused.json()["error"]) == (401, "unauthorized")
    assert "注销" in refused.json()["message"]


def test_control_characters_and_huge_integers_are_422_in_the_error_shape(
        server: Server) -> None:
    with_catalog(server)
    code = window_code(server)
    good = window_body(KeyPair.generate(), code)
    bodies = [*({**good, field: text} for field in ("code", "device_name")
                for text in ("K7QM\u0000-3XPA", "窗口\n1", "\u001b[0m", "a\u0085b")),
              *({**good, field: 2**63} for field in good)]
    for body in bodies:
        answer = server.http.post("/api/v1/windows/enroll", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert set(answer.json()) == {"error", "message", "message_en"}
    assert server.http.post("/api/v1/windows/enroll", json=good).status_code == 200
