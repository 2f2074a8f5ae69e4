"""Push (`POST /api/v1/sync/push`) through a real uvicorn on loopback: exactly once, per change."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from district.sync import entities
from district.sync.handler import Handler
from tests.api_support import Server
from tests.sync_support import SPOUSE, activated, change, push


def test_a_change_pushed_twice_is_applied_once_then_answered_as_a_duplicate(
        server: Server) -> None:
    phone = activated(server)
    sent = change(1)
    [first] = push(phone, sent)
    assert (first["status"], first["server_copy"]["state"], first["reason"]) == (
        "applied", "pending", None)
    [again] = push(phone, sent)
    assert again["status"] == "duplicate"
    assert (again["version"], again["server_copy"]) == (first["version"], first["server_copy"])
    assert len(phone.get("/me").json()["family"]) == 1


def test_the_same_change_racing_in_two_requests_is_applied_once(server: Server) -> None:
    phone = activated(server)
    sent, barrier, results = change(1), threading.Barrier(2), []

    def send() -> None:
        with httpx.Client(base_url=server.url, headers=phone.headers, timeout=30) as http:
            barrier.wait()
            results.append(http.post("/api/v1/sync/push", json={"changes": [sent]}).json())

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers: list[dict[str, Any]] = [r["results"][0] for r in results]
    assert sorted(a["status"] for a in answers) == ["applied", "duplicate"]
    assert answers[0]["version"] == answers[1]["version"] is not None
    assert len(phone.get("/me").json()["family"]) == 1


def test_a_new_change_with_a_seq_not_above_the_last_is_rejected_and_not_applied(
        server: Server) -> None:
    phone = activated(server)
    assert push(phone, change(5))[0]["status"] == "applied"
    for seq in (5, 4):
        [answer] = push(phone, change(seq, fields={**SPOUSE, "name": "李四"}))
        assert (answer["status"], answer["reason"]) == ("rejected", "seq_not_increasing")
        assert answer["message"] and answer["message_en"]
    assert push(phone, change(6, fields={**SPOUSE, "name": "李四"}))[0]["status"] == "applied"
    assert [f["name"] for f in phone.get("/me").json()["family"]] == ["王喆", "李四"]


def test_unknown_entities_and_newer_schemas_are_rejected_while_the_rest_applies(
        server: Server) -> None:
    phone = activated(server)
    answers = push(phone, change(1, entity="visit"), change(2, schema=9), change(3),
                   change(4, fields={"name": "王喆"}))
    assert [(a["status"], a["reason"]) for a in answers] == [
        ("rejected", "unknown_entity"), ("rejected", "schema_too_new"), ("applied", None),
        ("rejected", "invalid_fields")]
    assert len(phone.get("/me").json()["family"]) == 1


def test_beyond_the_family_limit_is_a_conflict_with_the_server_copy(server: Server) -> None:
    phone = activated(server)
    names = ["甲", "乙", "丙", "丁", "戊"]
    answers = push(phone, *(change(i, fields={**SPOUSE, "name": n})
                            for i, n in enumerate(names, 1)))
    assert [a["status"] for a in answers] == ["applied"] * 4 + ["conflict"]
    assert answers[4]["reason"] == "family_limit"
    assert [f["name"] for f in answers[4]["server_copy"]["family"]] == names[:4]


def test_a_family_phone_cannot_push_a_family_request(server: Server) -> None:
    activated(server)
    server.add_family("WZ1", "王喆")
    phone = activated(server, "WZ1", family_no=1)
    [answer] = push(phone, change(1, fields={**SPOUSE, "name": "李四"}))
    assert (answer["status"], answer["reason"]) == ("rejected", "forbidden")


def test_push_and_pull_need_a_working_token(server: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        posted = server.http.post("/api/v1/sync/push", json={"changes": [change(1)]},
                                  headers=headers)
        pulled = server.http.get("/api/v1/sync/pull", headers=headers)
        assert posted.status_code == pulled.status_code == 401
        assert posted.json()["error"] == "unauthorized"


def _server_fault(session: Any, pusher: Any, change: Any) -> Any:
    raise RuntimeError("the server failed half-way through a batch")


def test_a_batch_that_fails_half_way_leaves_nothing_applied(
        server: Server, monkeypatch: Any) -> None:
    """A crash part-way through a batch must not leave its first changes committed, or the
    device's retry would find them applied under a seq it never saw acknowledged."""
    monkeypatch.setitem(entities.HANDLERS, "fault", Handler(1, _server_fault))
    phone = activated(server)
    first = change(1)
    # A client of its own: the server drops the connection that carried the failed request.
    answer = httpx.post(f"{server.http.base_url}/api/v1/sync/push", headers=phone.headers,
                        json={"changes": [first, change(2, entity="fault")]})
    assert answer.status_code == 500
    assert phone.get("/me").json()["family"] == []
    [retried] = push(phone, first)
    assert retried["status"] == "applied"
    assert len(phone.get("/me").json()["family"]) == 1
