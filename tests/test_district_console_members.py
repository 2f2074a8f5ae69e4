"""Console pages over a real uvicorn: search, town scope, codes, cards, family, audit log."""

from __future__ import annotations

import io
import re
import time

import httpx
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from app.keys import KeyPair
from app.trust import Status
from district import audit
from district.cards import lists
from district.phones import family
from district.tables import Card, Member
from tests.api_support import activation_body
from tests.console_support import (
    ADMIN,
    CLERK,
    MUDU_MEMBER,
    OTHER_TOWN_MEMBER,
    Console,
    csrf,
    hidden,
    signed_in,
)


def serials(console: Console, member_no: str) -> list[int]:
    with console.district.sessions() as session:
        member = session.scalars(select(Member).where(Member.member_no == member_no)).one()
        return list(session.scalars(select(Card.serial).where(
            Card.member_id == member.id, Card.status == "valid").order_by(Card.serial)))


def card_count(console: Console) -> int:
    with console.district.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Card)) or 0)


def shown_code(page: httpx.Response) -> str:
    found = re.search(r'id="activation-code">([A-Z0-9-]+)<', page.text)
    assert found, page.text
    return found.group(1)


def test_search_finds_members_by_number_name_and_union(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        by_number = http.get("/console/members", params={"q": "wz20140123"}).text
        by_name = http.get("/console/members", params={"q": "陈建国"}).text
        by_union = http.get("/console/members", params={"q": "精工机械"}).text
        nobody = http.get("/console/members", params={"q": "没有这个人"}).text
    assert MUDU_MEMBER in by_number and "陈建国" in by_number
    assert MUDU_MEMBER in by_name
    assert by_union.count("<tr>") > 10 and "精工机械" in by_union
    assert "没有找到会员" in nobody


def test_search_pages_through_the_district_twenty_at_a_time(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        first = http.get("/console/members").text
        second = http.get("/console/members", params={"page_no": 2}).text
    assert first.count('<tr><td><a href="/console/members/') == 20
    assert "page_no=2" in first and "第 2 页" in second and "page_no=1" in second


def test_a_town_clerk_neither_sees_nor_acts_on_another_towns_member(console: Console) -> None:
    other = serials(console, OTHER_TOWN_MEMBER)[0]
    before = card_count(console)
    with signed_in(console, CLERK) as http:
        token = csrf(http)
        assert OTHER_TOWN_MEMBER not in http.get("/console/members", params={"q": "WZ"}).text
        page = http.get(f"/console/members/{OTHER_TOWN_MEMBER}")
        assert page.status_code == 403 and "不属于您所在的镇" in page.text
        answers = [
            http.post(f"/console/members/{OTHER_TOWN_MEMBER}/print", data={"csrf": token}),
            http.post(f"/console/members/{OTHER_TOWN_MEMBER}/code", data={"csrf": token}),
            http.post(f"/console/cards/{other}/revoke", data={"csrf": token, "reason": "x"}),
            http.post(f"/console/cards/{other}/replace", data={"csrf": token}),
            http.get(f"/console/cards/{other}/qr.png"), http.get(f"/console/cards/{other}/revoke"),
        ]
        assert [a.status_code for a in answers] == [403] * 6
        assert http.get(f"/console/members/{MUDU_MEMBER}").status_code == 200
    assert card_count(console) == before and other in serials(console, OTHER_TOWN_MEMBER)


def test_a_code_made_in_the_console_activates_a_phone(console: Console) -> None:
    phone = KeyPair.generate()
    with signed_in(console, CLERK) as http:
        form = http.get(f"/console/members/{MUDU_MEMBER}/code")
        page = http.post(f"/console/members/{MUDU_MEMBER}/code",
                         data={"csrf": hidden(form.text, "csrf"), "family_no": ""})
        assert page.status_code == 200 and "离开本页后无法再次查看" in page.text
        assert page.headers["cache-control"] == "no-store"
        answer = http.post("/api/v1/activate", json=activation_body(
            phone, MUDU_MEMBER, shown_code(page), "测试手机"))
        assert answer.status_code == 200, answer.text
        assert "测试手机" in http.get(f"/console/members/{MUDU_MEMBER}").text


def test_a_new_code_says_the_older_unused_one_no_longer_works(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        first = http.post("/console/members/WZ2014000102/code", data={"csrf": csrf(http)})
        second = http.post("/console/members/WZ2014000102/code", data={"csrf": csrf(http)})
    assert 'id="cancelled-codes"' not in first.text
    assert "此前为此人生成、尚未使用的 1 个激活码已作废：只有这个新激活码有效。" in second.text
    answer = httpx.post(f"{console.url}/api/v1/activate", json=activation_body(
        KeyPair.generate(), "WZ2014000102", shown_code(first), "旧码手机"))
    assert answer.status_code != 200


def activate_phone(http: httpx.Client, member_no: str) -> dict[str, str]:
    """Make a code in the console and activate a new phone with it through the member API."""
    form = http.get(f"/console/members/{member_no}/code")
    page = http.post(f"/console/members/{member_no}/code", data={"csrf": hidden(form.text, "csrf")})
    answer = http.post("/api/v1/activate", json=activation_body(
        KeyPair.generate(), member_no, shown_code(page), "新手机"))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_replacing_a_phone_card_retires_the_phone_so_the_member_activates_again(
        console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        activate_phone(http, "WZ2014000001")
        phone_card = serials(console, "WZ2014000001")[-1]
        token = hidden(http.get(f"/console/cards/{phone_card}/replace").text, "csrf")
        answer = http.post(f"/console/cards/{phone_card}/replace", data={"csrf": token})
        page = http.get(answer.headers["location"])
        assert "请为会员生成新的激活码" in page.text and "已停用" in page.text
        assert phone_card not in serials(console, "WZ2014000001")
        activate_phone(http, "WZ2014000001")
    assert len(serials(console, "WZ2014000001")) == 2  # the printed card and the new phone's


def test_revoking_asks_for_a_reason_and_the_status_list_then_says_revoked(
        console: Console) -> None:
    serial = serials(console, "WZ2014000002")[0]
    with signed_in(console, CLERK) as http:
        token = hidden(http.get(f"/console/cards/{serial}/revoke").text, "csrf")
        empty = http.post(f"/console/cards/{serial}/revoke", data={"csrf": token, "reason": " "})
        assert empty.status_code == 422 and "请填写注销原因" in empty.text
        done = http.post(f"/console/cards/{serial}/revoke",
                         data={"csrf": token, "reason": "会员退会"})
        assert done.status_code == 303
        page = http.get(done.headers["location"])
    assert "已注销这张卡" in page.text and "会员退会" in page.text
    with console.district.sessions() as session:
        _trust, status = lists.opened(session)
    assert status.status(serial) == Status.REVOKED


def test_a_printed_card_png_decodes_to_a_static_card_the_window_accepts(
        console: Console) -> None:
    with signed_in(console, CLERK) as http:
        made = http.post("/console/members/WZ2014000003/print", data={"csrf": csrf(http)})
        serial = int(made.headers["location"].split("/")[3])
        page = http.get(made.headers["location"])
        png = http.get(f"/console/cards/{serial}/qr.png", params={"download": 1})
    assert "打印" in page.text and f"/console/cards/{serial}/qr.png" in page.text
    assert png.headers["content-type"] == "image/png"
    assert "attachment" in png.headers["content-disposition"]
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    with console.district.sessions() as session:
        verdict = lists.verifier(session).verify(decoded.text, time.time())
    assert decoded.ec_level == "Q"
    assert verdict.valid and verdict.static and verdict.check_id and verdict.serial == serial


def test_replacing_a_printed_card_revokes_it_and_prints_a_new_one(console: Console) -> None:
    old = serials(console, "WZ2014000004")[0]
    with signed_in(console, ADMIN) as http:
        token = hidden(http.get(f"/console/cards/{old}/replace").text, "csrf")
        answer = http.post(f"/console/cards/{old}/replace", data={"csrf": token})
    new = int(answer.headers["location"].split("/")[3])
    assert answer.status_code == 303 and serials(console, "WZ2014000004") == [new]


def test_printing_again_shows_the_persons_card_and_a_replacement_revokes_it(
        console: Console) -> None:
    """Issue 11.2: 打印纸质卡 pressed twice used to issue a second valid printed card."""
    member = "WZ2014000102"
    [held] = serials(console, member)  # the demo's printed card
    with signed_in(console, ADMIN) as http:
        token = csrf(http)
        pressed = [http.post(f"/console/members/{member}/print", data={"csrf": token})
                   for _ in range(2)]
        again = http.get(pressed[1].headers["location"]).text
        form = hidden(http.get(f"/console/cards/{held}/replace").text, "csrf")
        replaced = http.post(f"/console/cards/{held}/replace", data={"csrf": form})
        new_page = http.get(replaced.headers["location"]).text
        old_page = http.get(f"/console/cards/{held}/print")
    assert [p.headers["location"] for p in pressed] == [
        f"/console/cards/{held}/print?done=again"] * 2
    assert "这是此人现有的纸质卡，再次打印即可；没有发新卡。" in again
    [new] = serials(console, member)
    assert replaced.headers["location"] == f"/console/cards/{new}/print?done=replaced"
    assert "此人原来的纸质卡已注销" in new_page and str(new) in new_page
    assert old_page.status_code == 409


def test_family_requests_are_approved_or_rejected_with_a_reason(console: Console) -> None:
    with console.district.sessions.begin() as session:
        for name in ("张小红", "张小明"):
            family.request_family(session, console.district.keys(), "WZ2014000005", name, "子女",
                                  "1234", actor="phone", now=int(time.time()))
    with signed_in(console, CLERK) as http:
        queue = http.get("/console/family").text
        assert "张小红" in queue and "张小明" in queue
        token = hidden(queue, "csrf")
        approved = http.post("/console/family/WZ2014000005/1/approve", data={"csrf": token})
        assert approved.status_code == 303
        empty = http.post("/console/family/WZ2014000005/2/reject", data={"csrf": token})
        assert empty.status_code == 422 and "请填写驳回的原因" in empty.text
        http.post("/console/family/WZ2014000005/2/reject",
                  data={"csrf": token, "reason": "关系证明不全"})
        member = http.get("/console/members/WZ2014000005").text
        assert "没有待审批的家属申请" in http.get("/console/family").text
    assert "已批准" in member and "已撤回" in member
    with console.district.sessions() as session:
        [entry] = audit.recent(session, 1, "family.reject")
    assert audit.details_of(entry)["reason"] == "关系证明不全" and entry.actor == "mudu"


def test_the_audit_log_lists_actions_newest_first_with_filters(console: Console) -> None:
    serial = serials(console, "WZ2014000006")[0]
    with signed_in(console, ADMIN) as http:
        token = csrf(http)
        http.post(f"/console/cards/{serial}/revoke", data={"csrf": token, "reason": "遗失"})
        everything = http.get("/console/audit").text
        revokes = http.get("/console/audit", params={"action": "card.revoke"}).text
    assert everything.index(f"注销了卡 {serial}，原因：遗失") < everything.index("登录了管理台")
    assert "登录了管理台" not in revokes and "遗失" in revokes and "admin" in revokes
    with signed_in(console, CLERK) as http:
        own = http.get("/console/audit").text
    assert "镇办事员只能查看自己的操作记录" in own and "遗失" not in own


def test_search_by_name_is_a_range_over_the_name_index(console: Console) -> None:
    if not console.district.settings.is_sqlite:
        pytest.skip("the query plan is checked on SQLite; PostgreSQL plans by table size")
    with console.district.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM members WHERE name >= ? AND name < ?",
            ("陈", "陈\U0010ffff")).all()
    assert "USING INDEX ix_members_name" in " ".join(str(row[-1]) for row in plan)
