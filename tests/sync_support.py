"""Helpers for the sync tests: an activated phone that pushes changes and pulls the log."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from district.phones import family
from tests.api_support import Phone, Server

SPOUSE = {"name": "王喆", "relation": "配偶", "id_last4": "5208"}


def activated(server: Server, member_no: str = "WZ1", family_no: int | None = None) -> Phone:
    phone = server.phone()
    answer = phone.activate(member_no, server.code(member_no, family_no))
    assert answer.status_code == 200, answer.text
    return phone


def change(seq: int, entity: str = "family_request", fields: dict[str, Any] | None = None,
           schema: int = 1, change_id: str | None = None) -> dict[str, Any]:
    return {"change_id": change_id or str(uuid.uuid4()), "seq": seq, "entity": entity,
            "record_id": str(uuid.uuid4()), "op": "upsert", "base_version": None,
            "schema": schema, "fields": SPOUSE if fields is None else fields}


def push(phone: Phone, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    answer = phone.send("POST", "/sync/push", {"changes": list(changes)})
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def pull_all(phone: Phone, cursor: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    """Every change after `cursor`, page by page."""
    changes: list[dict[str, Any]] = []
    while True:
        page = phone.get(f"/sync/pull?cursor={cursor}&limit={limit}").json()
        changes.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["more"]:
            return changes


def approve(server: Server, member_no: str, number: int) -> None:
    with server.district.sessions.begin() as session:
        family.approve_family(session, server.district.keys(), member_no, number, "clerk",
                              int(server.clock()))


class Network(httpx.BaseTransport):
    """Loopback HTTP with switches: `down` refuses every connection; `lose_next_push_reply`
    lets the district commit a push, then drops its reply."""

    def __init__(self) -> None:
        self.down = False
        self.lose_next_push_reply = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        with httpx.HTTPTransport() as wire:
            answer = wire.handle_request(request)
            content = answer.read()
        if self.lose_next_push_reply and request.url.path.endswith("/sync/push"):
            self.lose_next_push_reply = False
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=content)
