"""The day report the clerk closes the day with, and its CSV for the tourism company."""

from __future__ import annotations

import csv
import io

from app.chinatime import china_day
from app.day_report import DayReport, mask_name
from app.models import CardKind
from tests.fakes import DAY, NOW
from tests.window_support import SPOT, Window


def sell_three(window: Window) -> None:
    """Two members and a family member buy the 木渎 package; a member buys 严家花园 tomorrow."""
    window.desk.sell(window.scan_phone(100_001), "mudu-4")
    window.clock.now += 60
    window.desk.sell(window.scan_phone(100_002, CardKind.FAMILY, name="王喆"), "mudu-4")
    window.clock.now += 60
    window.desk.sell(window.scan_phone(100_007, name="李四"), "mudu-4")
    window.clock.now += DAY
    window.desk.sell(window.scan_phone(100_001), "yanjia-1")


def test_the_day_report_counts_kinds_and_totals_in_fen(window: Window) -> None:
    sell_three(window)
    report = DayReport.of(window.device.sales, china_day(NOW), SPOT)
    assert (report.count(), report.count(CardKind.MEMBER), report.count(CardKind.FAMILY)) == (
        3, 2, 1)
    assert (report.list_fen, report.paid_fen, report.discount_fen) == (
        3 * 7800, 3978 + 5460 + 3978, 3 * 7800 - (3978 + 5460 + 3978))
    assert report.overrides == 0
    assert report.date.isoformat() == "2026-11-18"
    tomorrow = DayReport.of(window.device.sales, china_day(NOW + DAY), SPOT)
    assert (tomorrow.count(), tomorrow.paid_fen) == (1, 1530)


def test_the_csv_opens_in_excel_with_one_header_row_yuan_and_a_totals_row(
        window: Window) -> None:
    sell_three(window)
    text = DayReport.of(window.device.sales, china_day(NOW), SPOT).to_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    # One header row, each column named in both languages: the first data row is a sale.
    assert rows[0][:3] == ["日期 Date", "时间 Time", "序号 Seq"]
    assert rows[0][7:10] == ["原价(元) List (yuan)", "实收(元) Charged (yuan)",
                             "优惠(元) Discount (yuan)"]
    assert len(rows) == 1 + 3 + 1
    first = rows[1]
    assert first[:10] == ["2026-11-18", "19:06:40", "1", "100001", "陈*国", "会员",
                          "木渎古镇四景联票", "78.00", "39.78", "38.22"]
    assert rows[2][4:6] == ["王*", "家属"] and rows[2][8] == "54.60"
    assert rows[-1][1:3] == ["合计 Total", "3"]
    assert rows[-1][5] == "会员 2 / 家属 1"
    assert rows[-1][7:11] == ["234.00", "134.16", "99.84", "0"]


def test_an_empty_day_still_exports_headers_and_zero_totals(window: Window) -> None:
    rows = list(csv.reader(io.StringIO(
        DayReport.of(window.device.sales, china_day(NOW), SPOT).to_csv().removeprefix("\ufeff"))))
    assert len(rows) == 2 and rows[-1][7:11] == ["0.00", "0.00", "0.00", "0"]


def test_an_overridden_sale_is_marked_and_counted(window: Window) -> None:
    window.kit.lists_issued_at = NOW - 8 * DAY
    window.pin()
    window.desk.override("李主任", "断网")
    window.desk.sell(window.scan_phone(), "mudu-4")
    report = DayReport.of(window.device.sales, china_day(NOW), SPOT)
    assert report.overrides == 1
    rows = list(csv.reader(io.StringIO(report.to_csv().removeprefix("\ufeff"))))
    assert rows[1][10] == "是" and rows[-1][10] == "1"


def test_the_csv_file_is_named_for_the_spot_and_day_and_is_utf8_with_a_bom(
        window: Window) -> None:
    sell_three(window)
    made = DayReport.of(window.device.sales, china_day(NOW), SPOT).csv_file()
    assert made.name == f"日报-{SPOT}-2026-11-18.csv" and made.mime_type == "text/csv"
    assert made.data.startswith(b"\xef\xbb\xbf") and b"39.78" in made.data
    assert made.data.decode("utf-8-sig").splitlines()[0].startswith("日期 Date,时间 Time,")


def test_names_are_masked_for_the_company() -> None:
    assert [mask_name(n) for n in ("陈建国", "王喆", "李", "欧阳明月")] == [
        "陈*国", "王*", "李", "欧**月"]
