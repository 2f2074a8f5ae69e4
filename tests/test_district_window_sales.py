"""A window's sales pushed by sync: kept once, on the member's savings feed, flagged (never
refused) when they break the usage rules; on SQLite and PostgreSQL through a real uvicorn."""

from __future__ import annotations

import json
from functools import partial

import httpx
from sqlalchemy import select

from district.cards import printing
from district.cli import staff_commands
from district.tables import AuditEntry
from district.windows.tables import Redemption
from tests.api_support import Phone, Server, at_once
from tests.console_support import ADMIN, sign_in
from tests.district_window_support import sale, sale_change, window, with_catalog
from tests.sync_support import activated, pull_all, push


def _member(server: Server) -> tuple[Phone, int]:
    with_catalog(server)
    phone = activated(server)
    return phone, int(phone.get("/cards").json()["serial"])


def _stored(server: Server) -> list[Redemption]:
    with server.district.sessions() as session:
        return list(session.scalars(select(Redemption).order_by(Redemption.id)))


def test_a_sale_reaches_the_members_savings_once(server: Server) -> None:
    phone, serial = _member(server)
    tablet = window(server)
    sent = sale_change(1, sale(serial, server.clock()))
    [first] = push(tablet, sent)
    assert (first["status"], first["server_copy"]["received"]) == ("applied", True)
    assert push(tablet, sent)[0]["status"] == "duplicate"
    again = {**sent, "change_id": "0" * 32, "seq": 2}  # the same sale under a new change id
    assert push(tablet, again)[0]["status"] == "duplicate"
    [bought] = [c["fields"] for c in pull_all(phone) if c["entity"] == "redemption"]
    assert (bought["ticket_id"], bought["paid_fen"], bought["saved_fen"]) == ("mudu-4", 3978,
                                                                              3822)
    [row] = _stored(server)
    assert (row.source, row.device_id, row.kind) == (f"window:{tablet.answer['device_id']}",
                                                     tablet.answer["device_id"], "member")


def test_a_sale_for_another_spot_or_malformed_is_rejected(server: Server) -> None:
    _phone, serial = _member(server)
    tablet = window(server)
    other = push(tablet, sale_change(1, sale(serial, server.clock(), spot_id="qiyuan")))
    wrong_day = sale(serial, server.clock())
    wrong_day["day"] += 1
    bad = push(tablet, sale_change(2, wrong_day), sale_change(3, sale(serial, server.clock(),
                                                                      paid_fen=9000)))
    assert [r["reason"] for r in (*other, *bad)] == ["wrong_spot", "invalid_fields",
                                                     "invalid_fields"]
    assert all(r["status"] == "rejected" and r["message"] for r in (*other, *bad))
    assert _stored(server) == []


def test_an_unknown_serial_is_kept_with_a_flag(server: Server) -> None:
    with_catalog(server)
    tablet = window(server)
    [answer] = push(tablet, sale_change(1, sale(99, server.clock())))
    assert (answer["status"], answer["server_copy"]) == ("applied", {
        "sale_id": answer["server_copy"]["sale_id"], "received": True})
    [row] = _stored(server)
    assert (row.card_serial, row.member_id, row.flag) == (99, None, "unknown_card")


def test_one_card_at_two_windows_of_a_spot_and_twice_at_one_are_flagged(server: Server) -> None:
    _phone, serial = _member(server)
    first, second = window(server), window(server)
    now = server.clock()
    flags = [push(first, sale_change(1, sale(serial, now)))[0],
             push(second, sale_change(1, sale(serial, now + 60)))[0],
             push(first, sale_change(2, sale(serial, now + 120)))[0]]
    server.clock.now += 86_400
    flags.append(push(first, sale_change(3, sale(serial, now + 86_400)))[0])
    assert [f["status"] for f in flags] == ["applied"] * 4
    assert [r.flag for r in _stored(server)] == [None, "two_windows", "two_windows", None]
    server.clock.now += 86_400
    alone = window(server, "qiyuan")
    later = now + 2 * 86_400
    twice = [push(alone, sale_change(n, sale(serial, later, spot_id="qiyuan",
                                             ticket_id="qiyuan-1", list_fen=4500,
                                             paid_fen=2295)))[0]
             for n in (1, 2)]
    assert [t["status"] for t in twice] == ["applied", "applied"]
    assert [r.flag for r in _stored(server)] == [None, "two_windows", "two_windows", None, None,
                                                 "over_limit"]


def _printed(server: Server, member_no: str = "WZ1", family_no: int | None = None) -> int:
    """The person's printed card (the console's 打印纸质卡)."""
    with server.district.sessions.begin() as session:
        return printing.static_card(session, server.district.keys(), member_no, family_no,
                                    "clerk", int(server.clock())).card.serial


def _flagged_on_the_console(server: Server) -> str:
    """The console's 需要核查的售票, as the district admin sees it."""
    with server.district.sessions.begin() as session:
        staff_commands.seed_staff(session, "test", int(server.clock()))
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert sign_in(http, *ADMIN).status_code == 303
        return http.get("/console/stats").text.split('id="flagged"')[1].split("</section>")[0]


def test_one_person_with_a_phone_card_and_a_printed_card_is_flagged_as_one(
        server: Server) -> None:
    """Issue 11.2: the phone card bought at 严家花园; the same member's printed card bought again
    the same day at that window and at another: both flagged, and listed on the console. His
    wife's printed card is a person of its own."""
    _phone, on_phone = _member(server)
    printed = _printed(server)
    server.add_family("WZ1", "王喆")
    wife = _printed(server, "WZ1", 1)
    first, second = window(server), window(server)
    now = server.clock()
    answers = [push(first, sale_change(1, sale(on_phone, now)))[0],
               push(first, sale_change(2, sale(printed, now + 60)))[0],
               push(second, sale_change(1, sale(printed, now + 120)))[0],
               push(first, sale_change(3, sale(wife, now + 180, kind="family",
                                                paid_fen=5460)))[0]]
    assert [a["status"] for a in answers] == ["applied"] * 4
    assert [(r.card_serial, r.flag) for r in _stored(server)] == [
        (on_phone, None), (printed, "over_limit"), (printed, "two_windows"), (wife, None)]
    shown = _flagged_on_the_console(server)
    assert shown.count(f"<td>{printed}</td>") == 2
    assert "同一人同一天在同一景点超过优惠次数" in shown
    assert "同一人同一天在同一景点的两个窗口使用" in shown
    assert f"<td>{on_phone}</td>" not in shown and f"<td>{wife}</td>" not in shown


def test_windows_selling_to_one_person_at_once_with_two_cards_leave_one_sale_unflagged(
        servers: list[Server]) -> None:
    """Eight windows (over one or two server instances) push, at the same moment, a sale of the
    same member: four with the phone card, four with the printed card."""
    server = servers[0]
    _phone, on_phone = _member(server)
    printed = _printed(server)
    tablets = [window(servers[n % len(servers)]) for n in range(8)]
    now = server.clock()
    answers = at_once([partial(push, tablet, sale_change(1, sale((on_phone, printed)[n % 2],
                                                                  now + n)))
                       for n, tablet in enumerate(tablets)])
    assert [a[0]["status"] for a in answers] == ["applied"] * 8
    flags = [r.flag for r in _stored(server)]
    assert len(flags) == 8 and flags.count(None) == 1, flags


def test_the_override_the_presentation_and_the_hash_chain_are_kept_as_sent(
        server: Server) -> None:
    _phone, serial = _member(server)
    tablet = window(server)
    fields = sale(serial, server.clock(), kind="family", paid_fen=5460, override=True,
                  presentation_id="C0FFEE", prev_hash="ab" * 32)
    fields |= {"override_by": "李主任", "override_reason": "网络中断，名单无法同步"}
    push(tablet, sale_change(1, fields))
    [row] = _stored(server)
    with server.district.sessions() as session:
        [logged] = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "sale.override")).all()
        assert (logged.subject, json.loads(logged.details)["supervisor"]) == (
            row.sale_id, "李主任")
    assert (row.kind, row.paid_fen, row.override, row.presentation_id) == ("family", 5460, True,
                                                                           "c0ffee")
    assert (row.sale_hash, row.prev_hash, row.day) == (fields["hash"], "ab" * 32, fields["day"])
