"""The district's limits hold under 20 concurrent requests, on one server instance and on two
sharing one database (SQLite and PostgreSQL): real threads against real uvicorn on loopback.

What is counted is what a user sees: how many wrong codes or passwords got their "wrong" answer
before the lockout, how many phones still work, how many family members the member has.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

import httpx
import pytest
from sqlalchemy import select

from app.verify import Reason
from district import audit
from district.cli import staff_commands
from district.phones import activation
from district.phones.tables import ActivationCode
from district.registry import people
from district.staff import accounts
from district.tables import Card
from tests.api_support import Phone, Server, at_once
from tests.console_support import ADMIN, csrf, sign_in
from tests.district_window_support import enroll, window_code, with_catalog
from tests.sync_support import SPOUSE, activated, change

CROWD = 20


def _on(servers: list[Server], index: int) -> Server:
    return servers[index % len(servers)]


def _same_phone_on(server: Server, phone: Phone) -> Phone:
    """The phone talking to another server instance (same key, same token)."""
    return Phone(server, phone.key, phone.answer)


def test_twenty_wrong_codes_at_once_get_five_wrong_code_answers_then_429(
        servers: list[Server]) -> None:
    good = servers[0].code("WZ2")
    calls = [lambda i=i: _on(servers, i).phone().activate("WZ2", "WRNG-CODE")
             for i in range(CROWD)]
    answers = Counter(a.status_code for a in at_once(calls))
    assert answers == {403: activation.MAX_FAILURES, 429: CROWD - activation.MAX_FAILURES}
    assert servers[-1].phone().activate("WZ2", good).status_code == 429


def test_twenty_wrong_window_codes_at_once_get_five_answers_then_429(
        servers: list[Server]) -> None:
    with_catalog(servers[0])
    good = window_code(servers[0])
    calls = [partial(enroll, _on(servers, i), "WRNG-CODE") for i in range(CROWD)]
    answers = Counter(a.status_code for a in at_once(calls))
    assert answers == {403: activation.MAX_FAILURES, 429: CROWD - activation.MAX_FAILURES}
    assert enroll(servers[-1], good).status_code == 429


def _live_code(server: Server, member_no: str) -> str:
    """A live code stored directly, so that two live codes of one member exist at once (as a
    database from before codes cancelled the older ones may hold)."""
    code = activation.new_code()
    now = int(server.clock())
    with server.district.sessions.begin() as session:
        member = people.member_by_no(session, member_no)
        session.add(ActivationCode(member_id=member.id, family_id=None,
                                   code_hash=activation.code_hash(code), created_at=now,
                                   expires_at=now + activation.DAY, used_at=None,
                                   created_by="test"))
    return code


@pytest.mark.parametrize("trial", range(3))
def test_two_codes_racing_leave_one_working_phone_and_one_valid_card(
        servers: list[Server], trial: int) -> None:
    phones = [_on(servers, i).phone() for i in range(2)]
    codes = [_live_code(servers[0], "WZ1") for _ in phones]
    answers = at_once([partial(p.activate, "WZ1", c) for p, c in zip(phones, codes, strict=True)])
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
    working = [p for p in phones if p.answer and p.get("/me").status_code == 200]
    assert len(working) == 1
    valid = [p for p in phones if p.answer and p.verify(p.answer["card"]).reason is Reason.OK]
    assert valid == working


def test_twenty_family_requests_at_once_by_api_and_by_sync_never_pass_the_limit(
        servers: list[Server]) -> None:
    member = activated(servers[0], "WZ3")
    phones = [_same_phone_on(s, member) for s in servers]
    by_api = [lambda i=i: phones[i % len(phones)].send(
        "POST", "/family", {**SPOUSE, "name": f"家属{i}"}) for i in range(CROWD // 2)]
    by_sync = [lambda i=i: phones[i % len(phones)].send("POST", "/sync/push", {"changes": [
        change(i + 1, fields={**SPOUSE, "name": f"同步{i}"})]}) for i in range(CROWD // 2)]
    answers = at_once([*by_api, *by_sync])
    assert all(a.status_code < 500 for a in answers), [a.text for a in answers]
    family = member.get("/me").json()["family"]
    assert len(family) == 4
    accepted = sum(a.status_code == 201 for a in answers[:CROWD // 2]) + sum(
        a.json()["results"][0]["status"] == "applied" for a in answers[CROWD // 2:])
    assert accepted == 4


def _sign_in(server: Server, username: str, password: str) -> int:
    """A browser's sign-in (its form token and cookie); the HTTP status of the answer."""
    answer = server.http.post("/console/login", headers={"Cookie": "up_login=form-token"}, data={
        "username": username, "password": password, "login_token": "form-token"})
    return answer.status_code


def test_twenty_wrong_passwords_at_once_get_five_refusals_then_429(
        servers: list[Server]) -> None:
    with servers[0].district.sessions.begin() as session:
        accounts.add_staff(session, "clerk", "right-password", accounts.DISTRICT_ADMIN, None,
                           "test", int(servers[0].clock()))
    calls = [lambda i=i: _sign_in(_on(servers, i), "clerk", "wrong-password")
             for i in range(CROWD)]
    assert Counter(at_once(calls)) == {401: accounts.USER_FAILURES,
                                       429: CROWD - accounts.USER_FAILURES}
    assert _sign_in(servers[-1], "clerk", "right-password") == 429


def test_twenty_prints_at_once_of_one_person_leave_one_valid_printed_card(
        servers: list[Server]) -> None:
    """Clerks pressing 打印纸质卡 for 陈建国 at the same moment, on one or two instances: every
    page shows the same card, and he holds one valid printed card."""
    with servers[0].district.sessions.begin() as session:
        staff_commands.seed_staff(session, "test", int(servers[0].clock()))
    clerks = [httpx.Client(base_url=s.url, timeout=60) for s in servers]
    try:
        assert [sign_in(http, *ADMIN).status_code for http in clerks] == [303] * len(clerks)
        tokens = [csrf(http) for http in clerks]
        answers = at_once([partial(clerks[i % len(clerks)].post, "/console/members/WZ1/print",
                                   data={"csrf": tokens[i % len(clerks)]})
                           for i in range(CROWD)])
    finally:
        for http in clerks:
            http.close()
    assert {a.status_code for a in answers} == {303}
    shown = {a.headers["location"].split("?")[0] for a in answers}
    with servers[0].district.sessions() as session:
        member = people.member_by_no(session, "WZ1")
        printed = list(session.scalars(select(Card.serial).where(
            Card.member_id == member.id, Card.holder_key.is_(None), Card.status == "valid")))
        issued = audit.recent(session, action="card.issue")
    assert len(printed) == 1 and shown == {f"/console/cards/{printed[0]}/print"}
    assert len(issued) == 1
