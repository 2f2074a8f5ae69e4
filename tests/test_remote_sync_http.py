"""The sync adapter's mapping of HTTP to the engine's terms, over httpx's MockTransport."""

from __future__ import annotations

import json

import httpx
import pytest

from app.district_errors import DistrictRefused, DistrictUnreachable
from app.models import Change, DistrictAccess, Pulled, PullPage, PushResult
from app.sync import TokenExpired
from remote.district_http import BadAnswer
from remote.sync_http import HttpSyncTransport

ACCESS = DistrictAccess("http://district.test", "tok-1")
CHANGE = Change("7f1c0d5e-0000-4000-8000-000000000001", 3, "family_request", "r-1", "upsert",
                None, 1, {"name": "王喆"}, 100)


def answering(status: int, body: object, seen: list[httpx.Request] | None = None
              ) -> HttpSyncTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return HttpSyncTransport(transport=httpx.MockTransport(handle))


def test_a_push_sends_every_field_with_the_token_and_reads_each_result() -> None:
    seen: list[httpx.Request] = []
    result: dict[str, object] = {
        "change_id": CHANGE.change_id, "status": "conflict", "version": None,
        "server_copy": {"family": []}, "reason": "family_limit", "message": "已满",
        "message_en": "full"}
    [got] = answering(200, {"results": [result]}, seen).push(ACCESS, [CHANGE])
    assert got == PushResult(CHANGE.change_id, "conflict", None, {"family": []}, "family_limit",
                             "已满", "full")
    assert seen[0].headers["Authorization"] == "Bearer tok-1"
    assert str(seen[0].url) == "http://district.test/api/v1/sync/push"
    assert json.loads(seen[0].content)["changes"] == [{
        "change_id": CHANGE.change_id, "seq": 3, "entity": "family_request", "record_id": "r-1",
        "op": "upsert", "base_version": None, "schema": 1, "fields": {"name": "王喆"}}]


def test_a_pull_asks_from_the_cursor_and_reads_the_page() -> None:
    seen: list[httpx.Request] = []
    body = {"changes": [{"cursor": 9, "entity": "card", "record_id": "5", "op": "tombstone",
                         "version": 9, "fields": None}], "next_cursor": 9, "more": True}
    page = answering(200, body, seen).pull(ACCESS, 4, 50)
    assert page == PullPage((Pulled(9, "card", "5", "tombstone", 9, None),), 9, True)
    assert seen[0].url.params["cursor"] == "4" and seen[0].url.params["limit"] == "50"
    assert "generation" not in seen[0].url.params  # as an older phone asked


def test_the_generation_goes_with_the_cursor_and_comes_back_in_every_answer() -> None:
    seen: list[httpx.Request] = []
    over = {"changes": [], "next_cursor": 0, "more": True, "generation": "g2",
            "start_over": True}
    page = answering(200, over, seen).pull(ACCESS, 592, 50, "g1")
    assert page == PullPage((), 0, True, "g2", start_over=True)
    assert seen[0].url.params["generation"] == "g1"
    result = {"change_id": CHANGE.change_id, "status": "applied", "version": 3}
    [got] = answering(200, {"results": [result], "generation": "g2"}).push(ACCESS, [CHANGE])
    assert got.generation == "g2"
    for nonsense in (42, "", "x" * 65, ["g"]):
        with pytest.raises(BadAnswer):
            answering(200, {**over, "generation": nonsense}).pull(ACCESS, 0, 50, "g1")


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, {"error": "unauthorized"}, TokenExpired),
    (503, {}, DistrictUnreachable),
    (422, {"error": "invalid", "message": "太多了", "message_en": "too many"}, DistrictRefused),
    (200, {"results": []}, BadAnswer),
    (200, ["not", "an", "object"], BadAnswer),
])
def test_http_answers_map_to_the_engines_errors(status: int, body: object,
                                                error: type[Exception]) -> None:
    with pytest.raises(error):
        answering(status, body).push(ACCESS, [CHANGE])


def test_a_connection_that_fails_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DistrictUnreachable):
        HttpSyncTransport(transport=httpx.MockTransport(refuse)).pull(ACCESS, 0, 10)
