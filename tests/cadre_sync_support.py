"""Helpers for the cadre tests: cadres with needy workers in the test district, enrollment
codes, phones enrolled for a cadre (real keys, through the API), and their record changes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from hypothesis import strategies as st

from app.cadre_wire import ENROLL_PATH
from app.chinatime import china_date
from app.device_proof import sign_cadre
from app.keys import KeyPair
from district.cadres import enrollment
from district.cadres.tables import NeedyWorker
from district.tables import Cadre
from tests.api_support import Phone, Server, b64e

CADRE, OTHER = "GB001", "GB002"


def add_cadre(server: Server, cadre_no: str = CADRE, name: str = "张卫东",
              workers: int = 1) -> tuple[int, list[int]]:
    """A cadre with `workers` needy workers assigned; returns their ids."""
    now = int(server.clock())
    with server.district.sessions.begin() as session:
        cadre = Cadre(cadre_no=cadre_no, name=name, department="组织部")
        session.add(cadre)
        session.flush()
        needy = [NeedyWorker(name=f"困难职工{i}", union_name="木渎精工机械工会", town_id="WZ-MD",
                             phone="13800000000", category="因病", household="三口之家",
                             status="在档", cadre_id=cadre.id, created_at=now, updated_at=now)
                 for i in range(workers)]
        session.add_all(needy)
        session.flush()
        return cadre.id, [w.id for w in needy]


def cadre_code(server: Server, cadre_no: str = CADRE, days: int = 7) -> str:
    with server.district.sessions.begin() as session:
        return enrollment.create_cadre_code(session, cadre_no, "test", int(server.clock()),
                                            days).code


def enroll_body(key: KeyPair, code: str, device_name: str = "张卫东的手机") -> dict[str, str]:
    """The enrollment's body as the phone sends it: signed with the key made for it."""
    return {"code": code, "device_name": device_name, "public_key": b64e(key.public_raw),
            "signature": b64e(sign_cadre(key, code))}


def enroll(server: Server, code: str, key: KeyPair | None = None) -> httpx.Response:
    return server.http.post(ENROLL_PATH, json=enroll_body(key or KeyPair.generate(), code))


def cadre_phone(server: Server, cadre_no: str = CADRE) -> Phone:
    """A phone enrolled for the cadre (a `Phone` holding the cadre device's token)."""
    phone = server.phone()
    answer = enroll(server, cadre_code(server, cadre_no), phone.key)
    assert answer.status_code == 200, answer.text
    phone.answer = answer.json()
    return phone


def today(server: Server) -> str:
    return china_date(server.clock()).isoformat()


def record(duty: str, content: dict[str, Any], day: str, subject: str = "",
           revision: int = 1) -> dict[str, Any]:
    return {"duty": duty, "subject": subject, "activity_date": day, "revision": revision,
            "content": content}


def diary(day: str, revision: int = 1, **content: Any) -> dict[str, Any]:
    return record("work_day", {"enterprise": "木渎精工", "hours": 8, "work_done": "装配",
                               **content}, day, revision=revision)


def record_change(seq: int, fields: dict[str, Any], record_id: str | None = None,
                  entity: str = "cadre_record") -> dict[str, Any]:
    return {"change_id": str(uuid.uuid4()), "seq": seq, "entity": entity,
            "record_id": record_id or str(uuid.uuid4()), "op": "upsert", "base_version": None,
            "schema": 1, "fields": fields}


def json_values(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    """Any JSON value, a few levels deep."""
    return st.recursive(st.none() | st.booleans() | st.integers() | floats | st.text(max_size=30),
                        lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                        max_leaves=12)


def sent_fields(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A cadre record's fields as a phone — or anyone — might send them: mostly the right
    keys with values right or wrong."""
    return st.builds(
        lambda duty, subject, day, revision, content: {
            "duty": duty, "subject": subject, "activity_date": day, "revision": revision,
            "content": content},
        st.sampled_from(["work_day", "needy_visit", "enterprise_visit", "mentor_contact",
                         "study_meeting"]) | st.text(max_size=10),
        st.sampled_from(["", "1", "42"]) | st.text(max_size=12),
        st.dates().map(lambda d: d.isoformat()) | st.text(max_size=12),
        st.integers(-5, 2**40) | st.booleans(), values)
