"""A cadre visits at most 3 needy workers, however many clerks assign one at the same moment:
20 requests at once against real uvicorn, on one server instance and on two sharing one
database (SQLite and PostgreSQL). What is counted is what a clerk sees (the answers) and what
the cadre's phone would pull."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import httpx
from sqlalchemy import select

from app.cadre_wire import NEEDY_WORKER
from district.cadres import needy, people
from district.cadres.needy_fields import IN_FILE
from district.cadres.tables import NeedyWorker
from district.cli import staff_commands
from tests.api_support import Server, at_once
from tests.cadre_registry_support import pulled, worker_fields
from tests.console_support import ADMIN, csrf, sign_in

CROWD = 20


@contextmanager
def admins(servers: list[Server]) -> Iterator[list[tuple[httpx.Client, str]]]:
    """A district admin signed in on each server instance, with their form token; and the
    cadre GB0101 with nobody assigned yet."""
    now = int(servers[0].clock())
    with servers[0].district.sessions.begin() as session:
        staff_commands.seed_staff(session, "test", now)
        people.add_cadre(session, "GB0101", people.CadreForm("周文华", "办公室"), "test", now)
    clients = [httpx.Client(base_url=s.url, timeout=60) for s in servers]
    try:
        assert [sign_in(http, *ADMIN).status_code for http in clients] == [303] * len(clients)
        yield [(http, csrf(http, "/console/needy/new")) for http in clients]
    finally:
        for http in clients:
            http.close()


def _file(http: httpx.Client, token: str, n: int) -> int:
    answer = http.post("/console/needy/new", data={
        "csrf": token, "name": f"职工{n}", "union_name": "木渎精工机械工会", "town_id": "WZ-MD",
        "phone": f"139{n:08d}", "category": "因病", "household": "", "status": IN_FILE,
        "cadre_no": "GB0101"})
    return answer.status_code


def _in_file(servers: list[Server]) -> tuple[list[int], set[str]]:
    """The cadre's 在档 workers, and the workers their phone would hold."""
    with servers[0].district.sessions() as session:
        cadre = people.cadre_by_no(session, "GB0101")
        workers = [w.id for w in needy.assigned(session, cadre.id)]
        phone = {rid for (entity, rid), got in pulled(session, cadre).items()
                 if entity == NEEDY_WORKER and got.op == "upsert"}
    return workers, phone


def test_twenty_new_files_for_one_cadre_at_once_give_them_three(servers: list[Server]) -> None:
    with admins(servers) as clerks:
        answers = at_once([partial(_file, *clerks[i % len(clerks)], i) for i in range(CROWD)])
    workers, phone = _in_file(servers)
    assert Counter(answers) == {303: needy.LIMIT, 409: CROWD - needy.LIMIT}
    assert len(workers) == needy.LIMIT and phone == {str(w) for w in workers}


def _assign(http: httpx.Client, token: str, worker: int, n: int) -> int:
    return http.post(f"/console/needy/{worker}/edit", data={
        "csrf": token, "name": f"职工{n}", "union_name": "木渎精工机械工会", "town_id": "WZ-MD",
        "phone": f"139{n:08d}", "category": "因病", "household": "", "status": IN_FILE,
        "cadre_no": "GB0101"}).status_code


def test_twenty_workers_assigned_to_one_cadre_at_once_leave_them_three(
        servers: list[Server]) -> None:
    now = int(servers[0].clock())
    with servers[0].district.sessions.begin() as session:
        ids = [needy.add_worker(session, worker_fields(f"职工{n}", f"139{n:08d}"), "", "test",
                                now).id for n in range(CROWD)]
    with admins(servers) as clerks:
        answers = at_once([partial(_assign, *clerks[n % len(clerks)], ids[n], n)
                           for n in range(CROWD)])
    workers, phone = _in_file(servers)
    with servers[0].district.sessions() as session:
        unassigned = session.scalars(select(NeedyWorker.id).where(
            NeedyWorker.cadre_id.is_(None))).all()
    assert Counter(answers) == {303: needy.LIMIT, 409: CROWD - needy.LIMIT}
    assert len(workers) == needy.LIMIT and phone == {str(w) for w in workers}
    assert len(unassigned) == CROWD - needy.LIMIT
