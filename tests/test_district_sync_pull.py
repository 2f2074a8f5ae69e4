"""Pull (`GET /api/v1/sync/pull`) through a real uvicorn on loopback: scope, tombstones, pages,
only the newest entry of each record, and a cursor that never skips a committed change under
concurrent writers (PostgreSQL)."""

from __future__ import annotations

import base64
import threading

import httpx
import pytest
from sqlalchemy import select

from app.trust import Status, open_status_list
from district.cards import issuance
from district.cli import demo
from district.feed import changelog, publish
from district.feed.tables import SyncLogEntry
from district.registry import people
from district.tables import Card
from tests.api_support import Server
from tests.sync_support import SPOUSE, activated, approve, change, pull_all, push


def cards(changes: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(c["op"], c["record_id"]) for c in changes if c["entity"] == "card"]


def test_after_a_family_approval_the_family_card_arrives(server: Server) -> None:
    phone = activated(server)
    own = phone.get("/cards").json()["serial"]
    [asked] = push(phone, change(1))
    number = asked["server_copy"]["number"]
    approve(server, "WZ1", number)
    changes = pull_all(phone)
    [family_card] = phone.get("/cards").json()["family_cards"]
    issued = [c for c in changes if c["entity"] == "card" and c["op"] == "upsert"]
    assert [c["fields"]["kind"] for c in issued] == ["member", "family"]
    assert issued[0]["record_id"] == str(own) and issued[1]["fields"]["cose"] == family_card
    states = [c["fields"]["state"] for c in changes if c["entity"] == "family"]
    assert states == ["approved"]  # the request's "pending" was replaced by its answer
    assert [c["cursor"] for c in changes] == sorted({c["cursor"] for c in changes})


def test_withdrawal_and_revocation_arrive_as_tombstones(server: Server) -> None:
    phone = activated(server)
    own = phone.get("/cards").json()["serial"]
    [asked] = push(phone, change(1))
    approve(server, "WZ1", asked["server_copy"]["number"])
    seen = pull_all(phone)
    family_serial = [r for op, r in cards(seen) if op == "upsert"][-1]
    assert phone.send("DELETE", f"/family/{asked['server_copy']['number']}").status_code == 200
    with server.district.sessions.begin() as session:
        issuance.revoke(session, server.district.keys(), own, "lost", "clerk", int(server.clock()))
    later = pull_all(phone, seen[-1]["cursor"])
    assert cards(later) == [("tombstone", family_serial), ("tombstone", str(own))]
    assert [c["fields"] for c in later if c["entity"] == "card"] == [
        {"reason": "withdrawn"}, {"reason": "lost"}]


def test_pages_follow_the_limit_and_join_up_exactly(server: Server) -> None:
    phone = activated(server)
    with server.district.sessions.begin() as session:
        demo.seed_catalog(session)
    everything = pull_all(phone)
    assert {c["entity"] for c in everything} == {"card", "list", "spot", "ticket"}
    first = phone.get("/sync/pull?cursor=0&limit=7").json()
    assert len(first["changes"]) == 7 and first["more"]
    assert first["next_cursor"] == first["changes"][-1]["cursor"]
    assert pull_all(phone, limit=7) == everything
    last = phone.get(f"/sync/pull?cursor={everything[-1]['cursor']}").json()
    assert last == {"changes": [], "next_cursor": everything[-1]["cursor"], "more": False,
                    "generation": first["generation"], "start_over": False}


def test_a_device_never_sees_another_members_entries(server: Server) -> None:
    mine, theirs = activated(server, "WZ1"), activated(server, "WZ2")
    push(theirs, change(1))
    with server.district.sessions.begin() as session:
        card = issuance.get_card(session, theirs.get("/cards").json()["serial"])
        publish.record_redemption(session, card, "S01", "T01", 8000, 4000, 1, "window:1")
    their_changes = pull_all(theirs)
    assert {c["entity"] for c in their_changes} == {"card", "family", "list", "redemption"}
    assert cards(pull_all(mine)) == [("upsert", str(mine.get("/cards").json()["serial"]))]
    assert {c["entity"] for c in pull_all(mine)} == {"card", "list"}  # lists are public


def test_a_family_members_phone_sees_only_their_own_card(server: Server) -> None:
    member_phone = activated(server)
    [asked] = push(member_phone, change(1, fields=SPOUSE))
    approve(server, "WZ1", asked["server_copy"]["number"])
    family_phone = activated(server, "WZ1", family_no=asked["server_copy"]["number"])
    own = family_phone.get("/cards").json()["serial"]
    changes = pull_all(family_phone)
    assert {c["entity"] for c in changes} == {"card", "list"}
    assert all(c["fields"]["kind"] == "family" for c in changes
               if c["op"] == "upsert" and c["entity"] == "card")
    assert live_cards(changes) == {str(own)}


def live_cards(changes: list[dict[str, object]]) -> set[object]:
    """The cards a phone holds after applying the changes in order."""
    held: set[object] = set()
    for op, record_id in cards(changes):
        (held.add if op == "upsert" else held.discard)(record_id)
    return held


def _write(server: Server, scope: str, writes: int) -> None:
    for i in range(writes):
        with server.district.sessions.begin() as session:
            changelog.log_change(session, scope, "note", f"{threading.get_ident()}-{i}",
                                 changelog.UPSERT, fields={"i": i})


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_concurrent_writers_never_make_a_reader_skip_or_repeat_a_cursor(server: Server) -> None:
    phone = activated(server)
    scope = changelog.member_scope(1)
    writers = [threading.Thread(target=_write, args=(server, scope, 60)) for _ in range(6)]
    for writer in writers:
        writer.start()
    collected, cursor = [], 0
    with httpx.Client(base_url=server.url, headers=phone.headers, timeout=30) as http:
        while any(w.is_alive() for w in writers) or cursor == 0:
            page = http.get(f"/api/v1/sync/pull?cursor={cursor}&limit=5").json()
            collected += [c["cursor"] for c in page["changes"]]
            cursor = page["next_cursor"]
        for writer in writers:
            writer.join()
        collected += [c["cursor"] for c in pull_all(phone, cursor, 5)]
    with server.district.sessions() as session:
        committed = list(session.scalars(select(SyncLogEntry.cursor).where(
            SyncLogEntry.scope.in_((scope, changelog.PUBLIC))).order_by(SyncLogEntry.cursor)))
    assert len(committed) >= 361
    assert collected == committed


def test_a_revocation_brings_the_newly_signed_status_list_down(server: Server) -> None:
    phone = activated(server)
    seen = pull_all(phone)
    own = int(next(c["record_id"] for c in seen if c["entity"] == "card"))
    with server.district.sessions.begin() as session:
        issuance.revoke(session, server.district.keys(), own, "lost", "clerk", int(server.clock()))
    later = pull_all(phone, seen[-1]["cursor"])
    order = {(c["entity"], c["record_id"]) for c in later}
    assert order == {("list", "status"), ("card", str(own))}
    fields = next(c["fields"] for c in later if c["entity"] == "list")
    root = base64.b64decode(server.http.get("/api/v1/lists/status").json()["root_public_key"])
    status = open_status_list(base64.b64decode(fields["data"]), root)
    assert status.version == fields["version"] and status.status(own) is Status.REVOKED


def _revoke_new_cards(server: Server, member_no: str, count: int) -> list[int]:
    """Issue `count` printed cards to the member, then revoke each in its own transaction
    (each revocation re-signs the status list)."""
    keys, now = server.district.keys(), int(server.clock())
    with server.district.sessions.begin() as session:
        member = people.member_by_no(session, member_no)
        serials = [issuance.issue_card(session, keys, member, actor="clerk", now=now).serial
                   for _ in range(count)]
    for serial in serials:
        with server.district.sessions.begin() as session:
            issuance.revoke(session, keys, serial, "lost", "clerk", now)
    return serials


def _root(server: Server) -> bytes:
    return base64.b64decode(server.http.get("/api/v1/lists/status").json()["root_public_key"])


def test_a_first_sync_after_five_revocations_brings_only_the_newest_status_list(
        server: Server) -> None:
    revoked = _revoke_new_cards(server, "WZ2", 5)
    changes = pull_all(activated(server))
    [entry] = [c for c in changes if (c["entity"], c["record_id"]) == ("list", "status")]
    served = server.http.get("/api/v1/lists/status").json()
    assert entry["fields"]["version"] == served["version"]
    assert entry["fields"]["data"] == served["data"]
    status = open_status_list(base64.b64decode(entry["fields"]["data"]), _root(server))
    assert [status.status(s) for s in revoked] == [Status.REVOKED] * 5
    assert len([c for c in changes if c["entity"] == "list"]) == 2  # trust and status


def test_a_record_changed_twice_after_a_pull_arrives_once_as_it_is_now(server: Server) -> None:
    phone = activated(server)
    [asked] = push(phone, change(1))
    number = asked["server_copy"]["number"]
    seen = pull_all(phone)
    approve(server, "WZ1", number)
    family_serial = _family_card(server)
    assert phone.send("DELETE", f"/family/{number}").status_code == 200
    later = pull_all(phone, seen[-1]["cursor"])
    assert [(c["entity"], c["fields"]["state"]) for c in later if c["entity"] == "family"] == [
        ("family", "withdrawn")]
    assert cards(later) == [("tombstone", family_serial)]  # issued, then withdrawn: one entry
    assert [c["cursor"] for c in later] == sorted({c["cursor"] for c in later})


def _family_card(server: Server) -> str:
    with server.district.sessions() as session:
        return str(session.scalars(select(Card.serial).where(Card.family_id.is_not(None))).one())


def test_a_cursor_of_an_older_generation_is_told_to_start_over(server: Server) -> None:
    phone = activated(server)
    first = phone.get("/sync/pull?cursor=0").json()
    old, cursor = first["generation"], first["next_cursor"]
    [answer] = push(phone, change(1))
    assert answer["status"] == "applied"
    with server.district.sessions.begin() as session:
        new = changelog.new_generation(session)  # what a restore from a backup does
    again = phone.get(f"/sync/pull?cursor={cursor}&generation={old}").json()
    assert again == {"changes": [], "next_cursor": 0, "more": True, "generation": new,
                     "start_over": True}
    fresh = phone.get(f"/sync/pull?cursor=0&generation={new}").json()
    assert fresh["generation"] == new and fresh["changes"] and not fresh["start_over"]
    unaware = phone.get(f"/sync/pull?cursor={cursor}").json()  # an older phone: pages as ever
    assert unaware["changes"] and not unaware["start_over"]
    answer = phone.send("POST", "/sync/push", {"changes": [change(2)]}).json()
    assert answer["generation"] == new
