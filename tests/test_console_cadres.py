"""The console's cadres, key enterprises and needy-worker files over a real uvicorn (SQLite and
PostgreSQL), on the demo district: what each kind of staff sees, what is refused in words, and
that every read of a needy worker's file is in the audit log."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select

from district import audit
from district.cadres.tables import NeedyWorker
from district.tables import AuditEntry, Cadre
from tests.cadre_registry_support import FORBIDDEN, REVIEWER
from tests.console_support import ADMIN, CLERK, Console, csrf, signed_in

DEMO_MENTOR = "WZ2014000101"  # the demo's 劳动模范
NOT_A_MODEL = "WZ2014000201"  # the demo's 蓝领之友 of 东山镇
GB0001_PHONE = "13912345601"  # 张秀英's


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def worker_id(console: Console, name: str) -> int:
    with console.district.readers() as session:
        return session.scalars(select(NeedyWorker.id).where(NeedyWorker.name == name)).one()


def audited(console: Console, actor: str, action: str) -> list[AuditEntry]:
    with console.district.readers() as session:
        return [e for e in audit.recent(session, 500, action) if e.actor == actor]


def test_the_console_finds_cadre_gb0001_by_number_and_by_name(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        by_number = text_of(http.get("/console/cadres", params={"q": "gb0001"}).text)
        by_name = text_of(http.get("/console/cadres", params={"q": "文华"}).text)
    assert "GB0001 周文华 区总工会机关 木渎精工机械有限公司" in by_number
    assert "3 / 3" in by_number and "GB0002" not in by_number
    assert "GB0001 周文华" in by_name


def test_a_cadre_page_shows_enterprise_mentor_workers_and_the_enrollment_form(
        console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        html = http.get("/console/cadres/GB0001").text
    shown = text_of(html)
    assert "木渎精工机械有限公司 · 木渎镇 · 木渎精工机械有限公司工会" in shown
    assert f"{DEMO_MENTOR} · 劳动模范" in shown
    assert "联系的困难职工（3 / 3）" in shown
    assert all(name in shown for name in ("张秀英", "刘建军", "陈小梅")) and GB0001_PHONE in shown
    form = re.search(r'<form method="post" action="/console/cadres/GB0001/code".*?</form>', html,
                     re.S)
    assert form and 'name="csrf"' in form.group(0) and "生成手机登记码" in form.group(0)


def test_a_town_clerk_sees_a_cadre_s_workers_by_name_only_and_no_files(
        console: Console) -> None:
    with signed_in(console, CLERK) as http:
        page = text_of(http.get("/console/cadres/GB0001").text)
        files = [http.get(path) for path in
                 ("/console/needy", f"/console/needy/{worker_id(console, '张秀英')}")]
    assert "张秀英" in page and GB0001_PHONE not in page and "生成手机登记码" not in page
    assert [f.status_code for f in files] == [403, 403]
    assert all(FORBIDDEN in f.text and "无权操作" in f.text for f in files)
    assert "困难职工档案" not in text_of(files[0].text).split("退出登录")[0]  # not in the nav


def test_every_read_of_needy_worker_files_is_in_the_audit_log(console: Console) -> None:
    worker = worker_id(console, "王国良")
    with signed_in(console, REVIEWER) as http:
        listed = http.get("/console/needy", params={"town": "WZ-LZ", "status": "在档"})
        read = http.get(f"/console/needy/{worker}")
        http.get("/console/cadres/GB0002")
        log = text_of(http.get("/console/audit").text)
    assert "王国良" in listed.text and "张秀英" not in listed.text
    assert "工伤致右手残疾" in read.text  # the household notes, in the console only
    lists = audited(console, "review", "needy.list")
    assert [a.details for a in lists[:2]] == [
        '{"cadre": "GB0002", "count": 1}',
        '{"cadre": "", "count": 1, "status": "在档", "town": "WZ-LZ"}']
    assert [a.subject for a in audited(console, "review", "needy.read")][:1] == [str(worker)]
    assert "review 查看了困难职工档案：王国良" in log
    assert "review 查看了困难职工档案列表（甪直镇、在档，共 1 份）" in log


def test_a_reviewer_reads_but_does_not_manage(console: Console) -> None:
    with signed_in(console, REVIEWER) as http:
        token = csrf(http, "/console/needy")
        answers = [http.get("/console/cadres/new"), http.get("/console/enterprises/new"),
                   http.post("/console/needy/new", data={"csrf": token, "name": "某人"})]
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert "只有区总工会管理员可以办理" in answers[2].text


def _cadre_form(http: httpx.Client, number: str, mentor: str) -> httpx.Response:
    return http.post("/console/cadres/new", data={
        "csrf": csrf(http, "/console/cadres/new"), "cadre_no": number, "name": "顾建明",
        "department": "区总工会组织部", "enterprise_id": "", "mentor_no": mentor,
        "mentor_name": ""})


def test_an_admin_adds_a_cadre_whose_mentor_must_be_a_model_worker(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        refused = _cadre_form(http, "GB0101", NOT_A_MODEL)
        added = _cadre_form(http, "gb0101", DEMO_MENTOR)
        page = text_of(http.get(added.headers["location"]).text)
    assert refused.status_code == 422
    assert f"（{NOT_A_MODEL}）不是劳动模范" in refused.text and 'value="顾建明"' in refused.text
    assert added.status_code == 303 and added.headers["location"].startswith(
        "/console/cadres/GB0101")
    assert "已添加干部" in page and f"{DEMO_MENTOR} · 劳动模范" in page


def _worker_form(http: httpx.Client, **changes: str) -> httpx.Response:
    form = {"csrf": csrf(http, "/console/needy/new"), "name": "徐阿妹",
            "union_name": "胥口建设集团工会", "town_id": "WZ-XK", "phone": "13962151234",
            "category": "因病", "household": "婆婆卧床", "status": "在档",
            "cadre_no": ""} | changes
    return http.post("/console/needy/new", data=form)


def test_a_fourth_worker_for_a_cadre_and_a_bad_phone_are_refused_in_words(
        console: Console) -> None:
    with console.district.readers() as session:
        before = session.scalar(select(func.count()).select_from(NeedyWorker))
    with signed_in(console, ADMIN) as http:
        full = _worker_form(http, cadre_no="GB0001")
        bad_phone = _worker_form(http, phone="1396215123")
    with console.district.readers() as session:
        after = session.scalar(select(func.count()).select_from(NeedyWorker))
    assert full.status_code == 409 and "周文华（GB0001）已联系 3 名在档困难职工" in full.text
    assert bad_phone.status_code == 422 and "11 位手机号" in bad_phone.text
    assert 'value="徐阿妹"' in bad_phone.text and "婆婆卧床" in bad_phone.text
    assert after == before


def test_an_admin_files_a_worker_for_a_new_cadre_who_then_leaves(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        assert _cadre_form(http, "GB0102", DEMO_MENTOR).status_code == 303
        filed = _worker_form(http, name="徐小妹", phone="13962159999", cadre_no="GB0102")
        shown = text_of(http.get(filed.headers["location"]).text)
        left = http.post("/console/cadres/GB0102/leave",
                         data={"csrf": csrf(http, "/console/cadres/GB0102/leave")})
        after = text_of(http.get(left.headers["location"]).text)
    assert "已建档" in shown and "顾建明（GB0102）" in shown
    assert left.status_code == 303 and "已登记离开" in after and "联系的困难职工（0 / 3）" in after
    with console.district.readers() as session:
        cadre = session.scalars(select(Cadre).where(Cadre.cadre_no == "GB0102")).one()
        worker = session.get(NeedyWorker, worker_id(console, "徐小妹"))
    assert cadre.left_at is not None and worker is not None and worker.cadre_id is None


def test_key_enterprises_are_added_and_edited_by_an_admin(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        form = {"csrf": csrf(http, "/console/enterprises/new"), "name": "越溪智能装备有限公司",
                "town_id": "WZ-YX", "union_name": "越溪智能装备工会"}
        empty = http.post("/console/enterprises/new", data=form | {"name": " "})
        added = http.post("/console/enterprises/new", data=form)
        listed = text_of(http.get("/console/enterprises").text)
    assert empty.status_code == 422 and "请填写企业名称" in empty.text
    assert added.status_code == 303
    assert "越溪智能装备有限公司 越溪街道 越溪智能装备工会 0" in listed


def test_the_nav_leads_admins_and_reviewers_to_cadres_and_needy_files(console: Console) -> None:
    with signed_in(console, REVIEWER) as http:
        page = http.get("/console/cadres").text
        nav = page.split("</nav>")[0]
        english = http.get("/console/lang/en", params={"next": "/console/cadres"},
                           follow_redirects=True).text
    assert "机关干部" in nav and "困难职工档案" in nav and "review · 审核人员" in page
    assert "District cadres" in english and "Needy workers" in english


IMPORT_HEADER = "姓名,所在工会,镇/街道,手机号码,困难类别,家庭情况,状态,联系干部(干部编号)"


def _upload(http: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return http.post("/console/needy/import", data={"csrf": csrf(http, "/console/needy/import")},
                     files={"file": (name, data, "text/csv")})


def test_an_import_with_problems_lists_them_and_writes_nothing(console: Console) -> None:
    bad = f"{IMPORT_HEADER}\r\n钱阿大,横泾工会,横泾,1391234,因病,,在档,\r\n".encode("gb18030")
    good = f"{IMPORT_HEADER}\r\n钱阿大,横泾工会,横泾,13912347777,因病,,在档,\r\n".encode("gb18030")
    with signed_in(console, ADMIN) as http:
        refused = _upload(http, "困难职工.csv", bad)
        imported = _upload(http, "困难职工.csv", good)
        template = http.get("/console/needy/import/needy-workers.csv")
    shown = text_of(refused.text)
    assert refused.status_code == 422
    assert "「困难职工.csv」有 1 处问题，没有写入任何数据" in shown
    assert "2 D · 手机号码 电话号码应为 11 位手机号" in shown
    assert "「困难职工.csv」已导入：共 1 行，新建 1 份" in text_of(imported.text)
    assert [a.details for a in audited(console, "admin", "needy.import_refused")][:1] == [
        '{"file": "困难职工.csv", "problems": 1}']
    assert template.content.decode("utf-8-sig").strip() == IMPORT_HEADER


def test_a_town_clerk_cannot_import_needy_workers(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        answer = http.get("/console/needy/import")
    assert answer.status_code == 403 and "只有区总工会管理员可以办理" in answer.text
