"""What one hostile or broken device can do to the district through the device API, on SQLite and
PostgreSQL through a real uvicorn: nothing to another device's changes, no 5xx, and a bad value
rejected alone while the rest of its batch is applied."""

from __future__ import annotations

from tests.api_support import Server
from tests.sync_support import SPOUSE, activated, change, push


def test_a_change_id_belongs_to_the_device_that_sent_it(server: Server) -> None:
    first, other = activated(server, "WZ1"), activated(server, "WZ2")
    stolen = change(1)
    [mine] = push(first, stolen)
    theirs = {**stolen, "fields": {"name": "王小红", "relation": "子女", "id_last4": "0420"}}
    [answer] = push(other, theirs)
    assert answer["status"] == "applied"
    assert answer["server_copy"]["name"] == "王小红" != mine["server_copy"]["name"] == SPOUSE["name"]
    assert [f["name"] for f in other.get("/me").json()["family"]] == ["王小红"]
    assert [f["name"] for f in first.get("/me").json()["family"]] == [SPOUSE["name"]]
