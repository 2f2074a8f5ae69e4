"""The console's 窗口设备 and 优惠统计 pages through a real server (sign-in, CSRF), on SQLite and
PostgreSQL: enrollment codes, revoking a tablet, statistics with charts, the company's CSV."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from app.keys import KeyPair
from district.tables import Card, Member
from tests.api_support import window_body
from tests.console_support import (
    ADMIN,
    CLERK,
    MUDU_MEMBER,
    OTHER_TOWN_MEMBER,
    Console,
    csrf,
    signed_in,
)
from tests.district_window_support import sale, sale_change

MUDU_COMPANY = "木渎古镇旅游公司"


def _code(http: httpx.Client, spot_id: str) -> str:
    page = http.post(f"/console/windows/{spot_id}/code",
                     data={"csrf": csrf(http, "/console/windows")})
    assert page.status_code == 200, page.text
    found = re.search(r'id="window-code">([A-Z0-9-]+)<', page.text)
    assert found
    return found.group(1)


def _enroll(console: Console, code: str) -> dict[str, Any]:
    answer = httpx.post(f"{console.url}/api/v1/windows/enroll",
                        json=window_body(KeyPair.generate(), code, "严家花园 2 号窗口"))
    assert answer.status_code == 200, answer.text
    grant: dict[str, Any] = answer.json()
    return grant


def _push(console: Console, grant: dict[str, Any], *changes: dict[str, Any]) -> list[Any]:
    answer = httpx.post(f"{console.url}/api/v1/sync/push", json={"changes": list(changes)},
                        headers={"Authorization": f"Bearer {grant['device_token']}"})
    assert answer.status_code == 200, answer.text
    results: list[Any] = answer.json()["results"]
    return results


def test_an_admin_enrolls_a_window_sees_its_sync_and_revokes_it(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        grant = _enroll(console, _code(http, "hongyin"))
        assert grant["spot_name"] == "虹饮山房"
        listed = http.get("/console/windows").text
        assert "严家花园 2 号窗口" in listed and "尚未同步" in listed
        auth = {"Authorization": f"Bearer {grant['device_token']}"}
        assert httpx.get(f"{console.url}/api/v1/sync/pull", headers=auth).status_code == 200
        assert "尚未同步" not in http.get("/console/windows").text
        revoked = http.post(f"/console/windows/device/{grant['device_id']}/revoke",
                            data={"csrf": csrf(http, "/console/windows")})
        assert revoked.status_code == 303
        assert "已注销这台窗口设备" in http.get(revoked.headers["location"]).text
    assert httpx.get(f"{console.url}/api/v1/sync/pull", headers=auth).status_code == 401


def test_a_town_clerk_enrolls_windows_of_their_town_only(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        listed = http.get("/console/windows").text
        assert "严家花园" in listed and "启园" not in listed
        refused = http.post("/console/windows/qiyuan/code",
                            data={"csrf": csrf(http, "/console/windows")})
        assert refused.status_code == 403 and "无权" in refused.text
        forged = http.post("/console/windows/yanjia/code", data={"csrf": "forged"})
        assert forged.status_code == 403 and "window-code" not in forged.text
        assert _enroll(console, _code(http, "yanjia"))["spot_id"] == "yanjia"


def _serial(console: Console, member_no: str) -> int:
    with console.district.sessions() as session:
        return session.scalars(select(Card.serial).join(Member, Member.id == Card.member_id)
                               .where(Member.member_no == member_no, Card.kind == 0)).one()


def _sell(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        first, second = (_enroll(console, _code(http, "gusong")) for _ in range(2))
    mudu, other = _serial(console, MUDU_MEMBER), _serial(console, OTHER_TOWN_MEMBER)
    now = time.time()
    answers = _push(console, first,
                    sale_change(1, sale(mudu, now, spot_id="gusong")),
                    sale_change(2, sale(other, now, spot_id="gusong", kind="family",
                                        paid_fen=5460, override=True)))
    answers += _push(console, second, sale_change(1, sale(mudu, now + 5, spot_id="gusong")))
    assert [a["status"] for a in answers] == ["applied"] * 3


def test_statistics_show_the_sales_by_spot_town_and_kind_and_the_flagged_one(
        console: Console) -> None:
    _sell(console)
    with signed_in(console, ADMIN) as http:
        shown = http.get("/console/stats").text
        csv_answer = http.get("/console/stats/export.csv", params={"company": MUDU_COMPANY})
    assert 'id="saved-total">99.84<' in shown  # 38.22 + 23.40 + 38.22 元
    assert shown.count('<svg class="chart"') == 4 and "古松园" in shown
    assert "木渎镇" in shown and "东山镇" in shown and "家属" in shown
    assert "同一人同一天在同一景点的两个窗口使用" in shown
    assert "名单过期，由主管放行" in shown  # a sale let through on stale lists is listed too
    kind_chart = shown.split('id="by_kind"')[1].split("</svg>")[0]
    assert ">会员<" in kind_chart and ">member<" not in kind_chart  # the bars say it in words
    with signed_in(console, CLERK) as http:
        mine = http.get("/console/stats").text
    assert 'id="saved-total">76.44<' in mine and "东山镇" not in mine.split('id="by_town"')[1]
    _check_csv(csv_answer)


def _check_csv(answer: httpx.Response) -> None:
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期 Date", "时间 Time", "景点 Spot"]
    sales, total = rows[1:-1], rows[-1]
    assert [(r[2], r[3], r[6], r[7], r[8]) for r in sales] == [
        ("古松园", "木渎古镇四景联票", "78.00", "39.78", "38.22"),
        ("古松园", "木渎古镇四景联票", "78.00", "54.60", "23.40"),
        ("古松园", "木渎古镇四景联票", "78.00", "39.78", "38.22")]
    assert [r[5] for r in sales] == ["会员 member", "家属 family", "会员 member"]
    assert sales[2][10] == "two_windows" and uuid.UUID(sales[0][11])
    assert (total[0], total[3], total[6:9]) == ("合计 Total", "3 笔 sales",
                                                ["234.00", "134.16", "99.84"])
