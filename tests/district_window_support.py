"""Helpers for the window tests: the demo catalogue, enrolled window devices, their sales."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.chinatime import china_day
from app.keys import KeyPair
from district.cli import demo
from district.windows import window_devices
from tests.api_support import Phone, Server, window_body

MUDU_SPOT, MUDU_PACKAGE = "yanjia", "mudu-4"  # 严家花园 of 木渎古镇旅游公司, the 78 元 package


def with_catalog(server: Server) -> None:
    with server.district.sessions.begin() as session:
        demo.seed_catalog(session)


def window_code(server: Server, spot_id: str = MUDU_SPOT, days: int = 7) -> str:
    with server.district.sessions.begin() as session:
        return window_devices.create_window_code(session, spot_id, "test", int(server.clock()),
                                                 days)


def enroll(server: Server, code: str, key: KeyPair | None = None) -> httpx.Response:
    return server.http.post("/api/v1/windows/enroll",
                            json=window_body(key or KeyPair.generate(), code))


def window(server: Server, spot_id: str = MUDU_SPOT) -> Phone:
    """An enrolled window device (a `Phone` holding the window's token)."""
    device = server.phone()
    answer = enroll(server, window_code(server, spot_id), device.key)
    assert answer.status_code == 200, answer.text
    device.answer = answer.json()
    return device


def sale(serial: int, at: float, spot_id: str = MUDU_SPOT, kind: str = "member",
         ticket_id: str = MUDU_PACKAGE, list_fen: int = 7800, paid_fen: int = 3978,
         **extra: Any) -> dict[str, Any]:
    """A sale's fields as a window sends them."""
    moment = int(at)
    return {"serial": serial, "kind": kind, "spot_id": spot_id, "ticket_id": ticket_id,
            "list_fen": list_fen, "paid_fen": paid_fen, "at": moment,
            "day": china_day(moment), "presentation_id": "ab" * 16,
            "override": False, "hash": uuid.uuid4().hex * 2, "prev_hash": None, **extra}


def sale_change(seq: int, fields: dict[str, Any], sale_id: str | None = None) -> dict[str, Any]:
    return {"change_id": str(uuid.uuid4()), "seq": seq, "entity": "sale",
            "record_id": sale_id or uuid.uuid4().hex, "op": "upsert", "base_version": None,
            "schema": 1, "fields": fields}
