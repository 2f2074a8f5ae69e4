"""The console's member import over a real uvicorn, on SQLite and PostgreSQL: upload, how each
column was understood, the first rows, problems by line and column, confirm, done; the town
clerk's limits; every import audited; a storm of confirmations writes once."""

from __future__ import annotations

import re
import threading
import time

import httpx
from sqlalchemy import select

from district import audit
from district.registry.tables import MemberImport
from district.tables import Member
from tests.console_support import ADMIN, CLERK, Console, csrf, hidden, signed_in
from tests.district_support import xlsx_bytes

OFFICE_CSV = "\n".join((
    "吴中区总工会会员名册,,,,,,",
    "会员编号,姓名,性别,身份证号,所属工会,镇/街道,荣誉称号",
    "IMP0001,顾志强,男,32050619800101331X,木渎精工机械工会,木渎镇,蓝领之星",
    "IMP0002,沈月华,女,320506198203041234,东山旅游公司工会,东山,",
    "IMP0003,钱立新,男,32050619851212555X,开发区光电工会,WZ-KFQ,",
)).encode("gbk")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(http: httpx.Client, name: str, data: bytes, kind: str = "text/csv") -> str:
    """Upload a file; returns the import's page address."""
    sent = http.post("/console/import", data={"csrf": csrf(http, "/console/import")},
                     files={"file": (name, data, kind)})
    assert sent.status_code == 303, sent.text
    return sent.headers["location"]


def settled(http: httpx.Client, address: str) -> str:
    """The import's page once it stops refreshing itself (reading or writing is over)."""
    for _ in range(3000):
        shown = http.get(address)
        assert shown.status_code == 200, shown.text
        if 'http-equiv="refresh"' not in shown.text:
            return shown.text
        time.sleep(0.05)
    raise AssertionError(f"{address} still refreshing")


def confirm(http: httpx.Client, address: str) -> httpx.Response:
    return http.post(address + "/confirm", data={"csrf": hidden(http.get(address).text, "csrf")})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def stored(console: Console, *numbers: str) -> dict[str, Member]:
    with console.district.sessions() as session:
        return {m.member_no: m for m in session.scalars(
            select(Member).where(Member.member_no.in_(numbers)))}


def test_an_office_export_is_previewed_then_imported_on_confirmation(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        address = upload(http, "会员名册.csv", OFFICE_CSV)
        checked = text_of(settled(http, address))
        assert not stored(console, "IMP0001")
        assert confirm(http, address).status_code == 303
        done = text_of(settled(http, address))
    assert "已检查全部 3 行，没有发现问题" in checked and "确认导入 3 行" in checked
    assert "列名在第 2 行" in checked
    assert "会员编号 A 会员号" in checked and "镇/街道 F 镇（街道）" in checked
    assert "性别 C 不导入：无法识别的列名，这一列被忽略" in checked
    assert "身份证号 D 身份证后四位（从身份证号取后四位，身份证号本身不保存）" in checked
    assert "3 IMP0001 顾志强 331X 木渎精工机械工会 木渎镇 蓝领之星 在册" in checked
    assert "32050619800101331X" not in checked
    assert "导入完成：共 3 行，新增会员 3 位，更新 0 位，未变 0 位；新建基层工会 3 个。" in done
    members = stored(console, "IMP0001", "IMP0002", "IMP0003")
    assert {n: (m.town_id, m.id_last4) for n, m in members.items()} == {
        "IMP0001": ("WZ-MD", "331X"), "IMP0002": ("WZ-DS", "1234"), "IMP0003": ("WZ-KFQ", "555X")}
    with console.district.sessions() as session:
        [entry] = audit.recent(session, 1, "members.import")
        job = session.get_one(MemberImport, address.rsplit("/", 1)[1])
    assert entry.actor == "admin" and audit.details_of(entry)["created"] == 3
    assert job.staged is None and "32050619800101331X" not in repr(vars(job))


def test_a_file_with_problems_lists_them_by_line_and_column_and_writes_nothing(
        console: Console) -> None:
    bad = xlsx_bytes(["会员编号", "姓名", "身份证后四位", "工会", "镇"],
                     ["BAD0001", "周建华", "0012", "木渎精工机械工会", "木渎"],
                     ["BAD0002", "", 12, "东山旅游公司工会", "西山镇"],
                     ["BAD0001", "吴芳", "3344", "东山旅游公司工会", "东山"])
    with signed_in(console, ADMIN) as http:
        page = text_of(settled(http, upload(http, "有错.xlsx", bad, XLSX)))
    assert "发现 4 处问题，没有写入任何数据" in page and "确认导入" not in page
    assert "Excel 文件 · 工作表「会员名册」" in page
    assert "3 B · 姓名 不能为空" in page
    assert ("3 C · 身份证后四位 身份证后四位应为 3 位数字加 1 位数字或 X"
            "（Excel 可能去掉了开头的 0") in page
    assert "3 E · 镇 没有这个镇（街道、开发区）：西山镇" in page
    assert "4 A · 会员编号 会员号与第 2 行重复" in page
    assert "2 BAD0001 周建华 0012 木渎精工机械工会 木渎镇" in page
    assert not stored(console, "BAD0001", "BAD0002")
    with console.district.sessions() as session:
        [entry] = audit.recent(session, 1, "members.import_refused")
    assert audit.details_of(entry) == {"file": "有错.xlsx", "problems": 4}


def test_a_town_clerk_imports_only_their_towns_members(console: Console) -> None:
    other_town = ("会员编号,姓名,身份证后四位,工会,镇\n"
                  "CLK0001,邹晓梅,1111,木渎精工机械工会,木渎\n"
                  "CLK0002,丁国强,2222,东山旅游公司工会,东山\n").encode()
    own_town = "会员编号,姓名,身份证后四位,工会\nCLK0003,邹晓梅,1111,木渎精工机械工会\n".encode()
    with signed_in(console, CLERK) as http:
        form = text_of(http.get("/console/import").text)
        refused = text_of(settled(http, upload(http, "两个镇.csv", other_town)))
        address = upload(http, "本镇.csv", own_town)
        checked = text_of(settled(http, address))
        confirm(http, address)
        done = text_of(settled(http, address))
    assert "镇办事员只能导入本镇（木渎镇）的会员" in form
    assert "3 E · 镇 只能导入本镇（木渎镇）的会员，这一行是东山镇" in refused
    assert "（文件里没有镇一列） 镇（街道）：全部为木渎镇" in checked
    assert "新增会员 1 位" in done
    assert stored(console, "CLK0003")["CLK0003"].town_id == "WZ-MD"
    assert not stored(console, "CLK0001", "CLK0002")


def test_a_clerk_cannot_open_anothers_import_and_a_form_without_its_token_does_nothing(
        console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        address = upload(http, "区里的.csv", OFFICE_CSV)
    with signed_in(console, CLERK) as http:
        assert http.get(address).status_code == 403
        listed = http.get("/console/import").text
        forged = http.post("/console/import", data={"csrf": "wrong"},
                           files={"file": ("x.csv", OFFICE_CSV, "text/csv")})
    assert "区里的.csv" not in listed
    assert forged.status_code == 403


def test_many_confirmations_at_once_write_the_file_once(console: Console) -> None:
    data = "会员编号,姓名,身份证后四位,工会,镇\nONCE001,许文静,5678,木渎精工机械工会,木渎\n"
    with signed_in(console, ADMIN) as http:
        address = upload(http, "一次.csv", data.encode())
        settled(http, address)
        token = hidden(http.get(address).text, "csrf")
        cookies = dict(http.cookies)
    answers: list[int] = []

    def click() -> None:
        with httpx.Client(base_url=console.url, cookies=cookies, timeout=60) as own:
            answers.append(own.post(address + "/confirm", data={"csrf": token}).status_code)

    clicks = [threading.Thread(target=click) for _ in range(8)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    with signed_in(console, ADMIN) as http:
        assert "新增会员 1 位" in text_of(settled(http, address))
    assert answers == [303] * 8
    with console.district.sessions() as session:
        imports = [e for e in audit.recent(session, 50, "members.import")
                   if audit.details_of(e).get("created") == 1 and e.actor == "admin"]
        job = session.get_one(MemberImport, address.rsplit("/", 1)[1])
    assert job.state == "done" and job.writing is None
    assert len([e for e in imports if e.at >= job.created_at]) == 1
