"""The member import and the audit log in Debian's Chromium at 1280×900, on PostgreSQL: an
office's 120,000-row export is previewed, confirmed, watched while it is written, and done; a
workbook with mistakes lists them by line and column; the audit log reads as sentences.

Screenshots go to artifacts/screenshots/console-import-*.png and console-audit.png. The page
is caught mid-write deterministically: the test holds one member's row, which the import
updates in its third batch of 5,000, until the screenshot is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from district.registry.towns import WUZHONG_TOWNS
from district.settings import Settings
from district.tables import Member
from tests.browser_support import SHOTS, launch
from tests.console_support import ADMIN, Console, _drop, _pg_schema, _serve
from tests.district_support import PASSPHRASE, xlsx_bytes

pytestmark = pytest.mark.browser
ROWS = 120_000
HELD = "WZ2014000106"  # a demo member of 甪直镇; the file changes their titles at row 12,000
WAIT = 180_000  # ms: 120,000 rows on a shared 2-core machine


@pytest.fixture(scope="module")
def pg_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    schema, url = _pg_schema()
    data = tmp_path_factory.mktemp("import-browser") / "data"
    try:
        yield from _serve(Settings(data, url, PASSPHRASE))
    finally:
        _drop(schema)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def office_export(path: Path) -> Path:
    """120,000 members as a town office exports them: GBK, a title row, Chinese headers, town
    names, full ID numbers, a column the registry does not keep."""
    lines = ["吴中区总工会会员名册（2026年11月）,,,,,,",
             "会员编号,姓名,性别,身份证号,所属工会,镇/街道,荣誉称号"]
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭", "建国秀英伟芳敏静磊军洋勇艳杰娟涛"
    for n in range(ROWS):
        town = WUZHONG_TOWNS[n % len(WUZHONG_TOWNS)][1]
        name = surnames[n % 16] + given[(n // 16) % 16] + given[(n // 256) % 16]
        number = HELD if n == 11_999 else f"WZ2026{n + 1:06d}"
        title = "蓝领之星" if n % 40 == 0 or n == 11_999 else ""
        lines.append(f"{number},{name},{'男女'[n % 2]},3205061980{n % 10**8:08d},"
                     f"{town}第{n % 40 + 1}企业工会,{town},{title}")
    path.write_bytes("\n".join(lines).encode("gbk"))
    return path


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=False)


def signed_in_page(browser: Browser, console: Console) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "http://127.0.0.1:") else route.abort())
    page.goto(f"{console.url}/console/")
    page.get_by_label("用户名").fill(ADMIN[0])
    page.get_by_label("密码").fill(ADMIN[1])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="会员查询")).to_be_visible()
    return page


def test_an_office_export_is_previewed_written_with_progress_and_audited(
        pg_console: Console, browser: Browser, tmp_path: Path) -> None:
    page = signed_in_page(browser, pg_console)
    page.get_by_role("link", name="导入名册").click()
    expect(page.get_by_role("heading", name="导入会员名册")).to_be_visible()
    shot(page, "import-upload")
    page.get_by_label(re.compile("名册文件")).set_input_files(office_export(tmp_path / "名册.csv"))
    page.get_by_role("button", name="上传并检查").click()
    confirm = page.get_by_role("button", name="确认导入 120,000 行")
    expect(confirm).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("cell", name="不导入：无法识别的列名，这一列被忽略")).to_be_visible()
    shot(page, "import-preview")
    with pg_console.district.sessions.begin() as session:
        session.execute(select(Member.id).where(Member.member_no == HELD).with_for_update())
        confirm.click()
        expect(page.get_by_text("10,000 / 120,000 行（8%）")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("正在写入会员名册")).to_be_visible()
        shot(page, "import-progress")
    done = page.get_by_text(re.compile("导入完成：共 120,000 行，新增会员 119,999 位，更新 1 位"))
    expect(done).to_be_visible(timeout=WAIT)
    shot(page, "import-done")
    page.get_by_role("link", name="审计日志").first.click()
    expect(page.get_by_text(re.compile("导入了会员名册：共 120,000 行"))).to_be_visible()
    shot(page, "audit")
    page.close()


def test_a_workbook_with_mistakes_lists_them_by_line_and_column(
        pg_console: Console, browser: Browser, tmp_path: Path) -> None:
    workbook = tmp_path / "木渎镇会员.xlsx"
    workbook.write_bytes(xlsx_bytes(
        ["会员编号", "姓名", "身份证号", "所属工会", "镇/街道", "荣誉称号", "手机号"],
        ["MD0001", "顾志强", "32050619800101331X", "木渎精工机械工会", "木渎镇", "蓝领之星",
         13800000001],
        ["MD0002", "", "320506198203041234", "木渎精工机械工会", "木渎", "", 13800000002],
        ["MD0003", "钱立新", 320506198512125551, "木渎旅游公司工会", "西山镇", "", None],
        ["MD0001", "沈月华", "32050619900101002X", "木渎旅游公司工会", "WZ-MD", "", None]))
    page = signed_in_page(browser, pg_console)
    page.goto(f"{pg_console.url}/console/import")
    page.get_by_label(re.compile("名册文件")).set_input_files(workbook)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("alert")).to_contain_text("发现 4 处问题，没有写入任何数据",
                                                      timeout=WAIT)
    expect(page.get_by_role("cell", name="C · 身份证号")).to_be_visible()
    shot(page, "import-errors")
    page.close()


def test_a_second_activation_code_says_the_first_one_stopped_working(
        pg_console: Console, browser: Browser) -> None:
    page = signed_in_page(browser, pg_console)
    for _ in range(2):
        page.goto(f"{pg_console.url}/console/members/WZ2014000105/code")
        page.get_by_role("button", name="生成激活码").click()
    expect(page.locator("#cancelled-codes")).to_have_text(
        "此前为此人生成、尚未使用的 1 个激活码已作废：只有这个新激活码有效。")
    shot(page, "code-cancelled")
    page.close()
