"""Two `serve` processes on one PostgreSQL (the district's configuration when it outgrows one
machine): a phone whose requests land on either instance still has each change applied once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api_support import Server
from tests.sync_support import activated, change


def test_a_change_sent_to_both_instances_at_once_is_applied_once(
        two_instances: list[Server]) -> None:
    phone = activated(two_instances[0])
    sent = [change(n) for n in range(1, 4)]

    def push_to(server: Server) -> httpx.Response:
        return server.http.post("/api/v1/sync/push", json={"changes": sent},
                                headers=phone.headers)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(push_to, two_instances * 4))
    assert [a.status_code for a in answers] == [200] * 8
    statuses = [[r["status"] for r in a.json()["results"]] for a in answers]
    assert sum(row.count("applied") for row in statuses) == 3
    assert all(set(row) <= {"applied", "duplicate"} for row in statuses), statuses
    assert len(phone.get("/me").json()["family"]) == 3
