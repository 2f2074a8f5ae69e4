"""A cadre's phone enrolls with a one-time code (SPEC §10), like a window: one code, once, the
newest only, rate-limited guessing, one working phone per cadre, never a key another device
holds, never for a cadre who left; through a real uvicorn on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import functools
import re
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.device_proof import sign_cadre
from app.keys import KeyPair
from app.trust import open_status_list, open_trust_list
from district.cadres import enrollment
from district.errors import Conflict
from district.phones.tables import Device
from district.service import District
from district.settings import Settings
from district.tables import Cadre
from tests.api_support import Server, at_once
from tests.cadre_sync_support import (
    CADRE,
    OTHER,
    add_cadre,
    cadre_code,
    cadre_phone,
    enroll,
    enroll_body,
)
from tests.district_support import Cli
from tests.sync_support import activated


def _leave(server: Server, cadre_no: str = CADRE) -> None:
    with server.district.sessions.begin() as session:
        cadre = session.scalars(select(Cadre).where(Cadre.cadre_no == cadre_no)).one()
        cadre.left_at = int(server.clock())


def test_a_code_enrolls_the_cadres_phone_once_with_the_root_key_and_lists(
        server: Server) -> None:
    add_cadre(server)
    code = cadre_code(server)
    answer = enroll(server, code.lower().replace("-", " "))
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert (got["cadre_no"], got["cadre_name"]) == (CADRE, "张卫东")
    root = base64.b64decode(got["root_public_key"])
    assert open_trust_list(base64.b64decode(got["trust_list"]), root).issuers
    assert open_status_list(base64.b64decode(got["status_list"]), root).version >= 1
    again = enroll(server, code)
    assert (again.status_code, again.json()["error"]) == (409, "code_used")
    assert "用过" in again.json()["message"]


def test_a_new_code_cancels_the_cadres_older_unused_ones(server: Server) -> None:
    add_cadre(server)
    first = cadre_code(server)
    with server.district.sessions.begin() as session:
        issued = enrollment.create_cadre_code(session, CADRE, "test", int(server.clock()))
    assert len(issued.cancelled) == 1
    old = enroll(server, first)
    assert (old.status_code, old.json()["error"]) == (410, "code_cancelled")
    assert "作废" in old.json()["message"]
    assert enroll(server, issued.code).status_code == 200


def test_expired_and_wrong_codes_are_refused_and_guessing_is_rate_limited(
        server: Server) -> None:
    add_cadre(server)
    expired = cadre_code(server, days=0)
    assert enroll(server, expired).json()["error"] == "code_expired"
    assert [enroll(server, "AAAA-AAAA").status_code for _ in range(5)] == [403] * 5
    good = cadre_code(server)
    limited = enroll(server, good)
    assert (limited.status_code, limited.json()["error"]) == (429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    server.clock.now += 16 * 60
    assert enroll(server, good).status_code == 200


def test_a_new_phone_retires_the_cadres_previous_one(server: Server) -> None:
    add_cadre(server)
    old, new = cadre_phone(server), cadre_phone(server)
    refused = old.get("/sync/pull")
    assert (refused.status_code, refused.json()["error"]) == (401, "unauthorized")
    assert "登记已失效" in refused.json()["message"]
    assert new.get("/sync/pull").status_code == 200
    with server.district.sessions() as session:
        working = session.scalars(select(Device.id).where(
            Device.role == "cadre", Device.revoked_at.is_(None))).all()
    assert working == [new.answer["device_id"]]


def test_a_key_another_device_holds_or_a_signature_by_another_key_is_refused(
        server: Server) -> None:
    add_cadre(server)
    add_cadre(server, OTHER, "李芳")
    member_phone, other_cadre = activated(server), cadre_phone(server, OTHER)
    for key in (member_phone.key, other_cadre.key):
        taken = enroll(server, cadre_code(server), key)
        assert (taken.status_code, taken.json()["error"]) == (409, "key_in_use")
    code, key = cadre_code(server), KeyPair.generate()
    forged = {**enroll_body(key, code), "public_key": base64.b64encode(
        KeyPair.generate().public_raw).decode()}
    answer = server.http.post("/api/v1/cadres/enroll", json=forged)
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_signature")
    assert enroll(server, code, key).status_code == 200  # the code was not used up


def test_a_cadre_who_left_gets_no_code_cannot_enroll_and_their_phone_stops_syncing(
        server: Server) -> None:
    add_cadre(server)
    add_cadre(server, OTHER, "李芳")
    phone, unused = cadre_phone(server), cadre_code(server, OTHER)
    _leave(server)
    _leave(server, OTHER)
    refused = phone.get("/sync/pull")
    assert (refused.status_code, refused.json()["error"]) == (401, "unauthorized")
    answer = enroll(server, unused)
    assert (answer.status_code, answer.json()["error"]) == (409, "conflict")
    assert "已离开" in answer.json()["message"]
    with pytest.raises(Conflict, match="已离开"), server.district.sessions.begin() as session:
        enrollment.create_cadre_code(session, CADRE, "test", int(server.clock()))


def test_a_cadre_phone_reads_no_member_data(server: Server) -> None:
    add_cadre(server)
    phone = cadre_phone(server)
    for path in ("/me", "/cards"):
        refused = phone.get(path)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")


def test_one_code_redeemed_at_once_by_two_phones_enrolls_one(servers: list[Server]) -> None:
    add_cadre(servers[0])
    code = cadre_code(servers[0])
    asks = [(servers[i % len(servers)], enroll_body(KeyPair.generate(), code))
            for i in range(4)]
    answers = at_once([functools.partial(s.http.post, "/api/v1/cadres/enroll", json=body)
                       for s, body in asks])
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    with servers[0].district.sessions() as session:
        working = session.scalars(select(Device).where(Device.role == "cadre")).all()
    assert len(working) == 1 and working[0].revoked_at is None


def test_codes_for_one_cadre_made_at_once_leave_exactly_one_that_works(
        servers: list[Server]) -> None:
    add_cadre(servers[0])
    codes = at_once([lambda: cadre_code(servers[0]) for _ in range(4)])
    statuses = sorted(enroll(servers[i % len(servers)], c).status_code
                      for i, c in enumerate(codes))
    assert statuses == [200, 410, 410, 410]


def test_enroll_cadre_prints_a_one_time_code_and_where_to_use_it(db_url: str,
                                                                 tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    [seeded] = cli.run(["demo"])
    assert seeded.returncode == 0, seeded.stderr
    made, unknown = cli.run(["enroll-cadre", "GB0001"], ["enroll-cadre", "GB9999"])
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert "周文华" in made.stderr and "/api/v1/cadres/enroll" in made.stderr
    assert unknown.returncode == 2 and "没有这位干部" in unknown.stderr
    district = District.open(Settings(cli.data, db_url if not db_url.startswith("sqlite")
                                      else f"sqlite:///{cli.data / 'district.db'}"))
    try:
        key = KeyPair.generate()
        ask = enrollment.Enrollment(code, key.public_raw, sign_cadre(key, code), "", "test")
        done = enrollment.enroll(district.sessions, ask, int(time.time()))
    finally:
        district.close()
    assert (done.cadre_no, done.cadre_name) == ("GB0001", "周文华")


@pytest.mark.parametrize("attempt", range(3))
def test_a_phone_enrolling_while_a_new_code_is_made_waits_its_turn(
        servers: list[Server], attempt: int) -> None:
    add_cadre(servers[0], name=f"张卫东{attempt}")
    code = cadre_code(servers[0])
    enrolled, newer = at_once([lambda: enroll(servers[-1], code),
                               lambda: cadre_code(servers[0])])
    assert isinstance(newer, str)
    assert isinstance(enrolled, httpx.Response)
    if enrolled.status_code == 200:  # enrolled first, then the new code was made
        assert enroll(servers[0], newer).status_code == 200
    else:  # the new code came first and cancelled this one
        assert enrolled.json()["error"] == "code_cancelled"
