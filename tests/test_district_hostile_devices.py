"""What one hostile or broken device can do to the district through the device API, on SQLite and
PostgreSQL through a real uvicorn: nothing to another device's changes, no 5xx, and a bad value
rejected alone while the rest of its batch is applied."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import select
from sqlalchemy.exc import TimeoutError as PoolTimeout

from district.api.common import ApiRoute
from district.windows import stats
from district.windows.tables import Redemption
from tests.api_support import Server
from tests.district_window_support import sale, sale_change, window, with_catalog
from tests.sync_support import SPOUSE, activated, change, pull_all, push

HUGE = 2**63


@pytest.mark.parametrize("bad", [
    {"seq": HUGE}, {"seq": -1}, {"entity": "family\x00request"}, {"record_id": "r\x00"},
    {"op": "explode"}, {"base_version": HUGE}, {"schema": HUGE},
    {"fields": {**SPOUSE, "name": "王\x00喆"}}, {"fields": {**SPOUSE, "extra": HUGE}},
    {"fields": {**SPOUSE, "name": "王喆\U0001F600"}}, {"fields": {**SPOUSE, "name": "王" * 41}},
    {"fields": {"name": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}}}},
    {"fields": ["not", "a", "map"]},
], ids=lambda bad: "-".join(f"{k}={str(v)[:12]!r}" for k, v in bad.items()))
def test_a_bad_value_is_rejected_alone_and_the_rest_of_the_batch_applies(
        server: Server, bad: dict[str, object]) -> None:
    phone = activated(server)
    results = push(phone, change(1), {**change(2), **bad}, change(3, fields={
        "name": "陈小明", "relation": "子女", "id_last4": "0420"}))
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["message"] and results[1]["reason"]
    assert [f["name"] for f in phone.get("/me").json()["family"]] == [SPOUSE["name"], "陈小明"]


@pytest.mark.parametrize("fields", [
    {"serial": HUGE}, {"list_fen": HUGE, "paid_fen": 1}, {"list_fen": 2**40, "paid_fen": 1},
    {"at": HUGE}, {"ticket_id": "mudu\x00"}, {"presentation_id": "ab" * 600},
], ids=lambda fields: "-".join(fields))
def test_a_bad_sale_is_rejected_alone(server: Server, fields: dict[str, object]) -> None:
    with_catalog(server)
    serial = int(activated(server).get("/cards").json()["serial"])
    tablet = window(server)
    good = sale(serial, server.clock())
    results = push(tablet, sale_change(1, {**sale(serial, server.clock()), **fields}),
                   sale_change(2, good))
    assert [r["status"] for r in results] == ["rejected", "applied"]


@pytest.mark.parametrize("path", [f"/sync/pull?cursor={HUGE}", "/sync/pull?cursor=-1",
                                  f"/family/{HUGE}", "/family/0"])
def test_out_of_range_numbers_in_a_request_are_422_or_404_never_5xx(server: Server,
                                                                    path: str) -> None:
    phone = activated(server)
    method = "DELETE" if path.startswith("/family") else "GET"
    answer = phone.send(method, path)
    assert answer.status_code in (404, 422), answer.text
    assert answer.json()["message"]


@pytest.mark.parametrize("body", [
    {**SPOUSE, "name": "王\x00喆"}, {**SPOUSE, "relation": "配\x07偶"},
    {**SPOUSE, "id_last4": "52\x008"}])
def test_a_control_character_in_a_family_request_is_422_with_a_message(
        server: Server, body: dict[str, str]) -> None:
    phone = activated(server)
    answer = phone.send("POST", "/family", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] and phone.get("/me").json()["family"] == []


@pytest.mark.parametrize("body", [
    {**SPOUSE, "name": "王喆\U0001F600"}, {**SPOUSE, "name": "王\u2764\ufe0f喆"},
    {**SPOUSE, "name": "王\u200d喆"}, {**SPOUSE, "name": "\ue000王喆"},
    {**SPOUSE, "relation": "配偶\u2b50"}, {**SPOUSE, "name": "王" * 41}],
    ids=["emoji", "heart-with-selector", "zero-width-joiner", "private-use", "relation-star",
         "41-characters"])
def test_an_emoji_symbol_or_overlong_name_is_422_with_a_message_and_not_stored(
        server: Server, body: dict[str, str]) -> None:
    phone = activated(server)
    answer = phone.send("POST", "/family", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] and phone.get("/me").json()["family"] == []


def test_every_cjk_name_the_form_allows_is_taken(server: Server) -> None:
    """Extension B (𠮷), extension A (䶮), a minority name's middle dot, 40 characters."""
    phone = activated(server, "WZ3")
    names = ["吉𠮷", "刘䶮", "阿依古丽·买买提", "王" * 40]
    for name in names:
        assert phone.send("POST", "/family", {**SPOUSE, "name": name}).status_code == 201
    assert [f["name"] for f in phone.get("/me").json()["family"]] == names


def test_a_change_id_belongs_to_the_device_that_sent_it(server: Server) -> None:
    first, other = activated(server, "WZ1"), activated(server, "WZ2")
    stolen = change(1)
    [mine] = push(first, stolen)
    theirs = {**stolen, "fields": {"name": "王小红", "relation": "子女", "id_last4": "0420"}}
    [answer] = push(other, theirs)
    assert answer["status"] == "applied"
    assert answer["server_copy"]["name"] == "王小红"
    assert mine["server_copy"]["name"] == SPOUSE["name"]
    assert [f["name"] for f in other.get("/me").json()["family"]] == ["王小红"]
    assert [f["name"] for f in first.get("/me").json()["family"]] == [SPOUSE["name"]]


def test_an_implausible_sale_is_kept_for_review_and_never_counted_as_savings(
        server: Server) -> None:
    with_catalog(server)
    phone = activated(server)
    serial = int(phone.get("/cards").json()["serial"])
    tablet = window(server)
    now = server.clock()
    made_up = [sale(serial, now, ticket_id="no-such-ticket", list_fen=99_999_999, paid_fen=0),
               sale(serial, now, list_fen=99_999_999, paid_fen=0),
               sale(serial, now, paid_fen=1),
               sale(serial, 4_102_444_800),  # 2100-01-01
               sale(serial, now - 30 * 86_400)]  # before the window was enrolled
    answers = push(tablet, *(sale_change(n + 1, f) for n, f in enumerate(made_up)))
    assert [a["status"] for a in answers] == ["applied"] * 5
    assert not [c for c in pull_all(phone) if c["entity"] == "redemption"]
    with server.district.sessions() as session:
        shown = stats.report(session, stats.recent(stats.today(int(now)), 60))
        flags = [r.flag for r in session.scalars(select(Redemption).order_by(Redemption.id))]
    assert flags == ["wrong_ticket", "wrong_price", "wrong_price", "wrong_time", "wrong_time"]
    assert shown.total.count == 0 and len(shown.flagged) == 4  # the 2100 one is out of range


def test_a_window_cannot_tell_which_serials_exist(server: Server) -> None:
    with_catalog(server)
    serial = int(activated(server).get("/cards").json()["serial"])
    tablet = window(server)
    known, unknown = push(tablet, sale_change(1, sale(serial, server.clock())),
                          sale_change(2, sale(serial + 999, server.clock())))
    assert set(known["server_copy"]) == set(unknown["server_copy"]) == {"sale_id", "received"}
    assert (known["status"], known["reason"]) == (unknown["status"], unknown["reason"])


def test_a_district_out_of_database_connections_answers_busy_not_a_crash() -> None:
    router = APIRouter(route_class=ApiRoute)

    @router.get("/crowded")
    def crowded() -> None:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    app = FastAPI()
    app.include_router(router)

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://district") as client:
            return await client.get("/crowded")

    answer = asyncio.run(ask())
    assert answer.status_code == 503
    assert answer.json()["error"] == "busy" and answer.json()["message"] == "服务器正忙，请稍后再试"
