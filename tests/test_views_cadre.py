"""The cadre's screens without a browser (views/cadre_*.py, routed by views/shell.py): the
enrollment form, the dashboard's rows in colour and words, a tap that starts a draft, a form
that saves as typed and refuses an incomplete record in words, a submitted record that says it
waits to be sent, a returned one with the reviewer's comment and its resubmission, a conflict
in words."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import TypeVar

import flet as ft
from flet.controls.control_event import get_event_field_type

from app.cadre_station import CadreStation
from app.cadre_wire import PROFILE
from app.duties import Duty, RecordState
from storage.memory import in_memory_device
from tests.cadre_phone_support import CADRE_CODE, CadreDistrict, cadre_phone, enrolled_phone
from tests.fakes import Clock
from tests.views_support import all_text, click, demo_member, find, has_key
from views.cadre_enroll import CadreEnrollForm
from views.services import Translator
from views.session import subscriptions
from views.shell import Screen, Shell

T = TypeVar("T")


async def at_once(call: Callable[[], T]) -> T:
    return call()


def shell_for(station: CadreStation, language: str = "zh") -> tuple[Shell, list[str]]:
    member = demo_member()
    services = dataclasses.replace(member.services, cadre=station)
    went: list[str] = []
    return Shell(services, language=language, save_language=lambda _: None,
                 navigate=went.append), went


def top(screen: Screen) -> ft.View:
    return screen.views[-1]


def typed(screen: Screen, key: str, value: str) -> None:
    box = find(screen.views, key)
    assert isinstance(box, ft.TextField)
    box.value = value
    click(box, "on_change")


def test_the_cadre_tab_offers_enrollment_then_shows_the_dashboard() -> None:
    district, clock = CadreDistrict(), Clock()
    station = cadre_phone(in_memory_device(), district, clock)
    shell, went = shell_for(station)
    screen = shell.screen("/cadre")
    assert has_key(screen.views, "cadre-enroll-form") and "机关干部登记" in all_text(screen.views)
    form = CadreEnrollForm(station, Translator("zh"), went.append, redraw=lambda _c: None,
                           run_blocking=at_once)
    form.code.value = "WRONG"
    asyncio.run(form.enroll())
    assert form.error.visible and "登记码" in str(form.error.value)
    form.code.value = CADRE_CODE
    asyncio.run(form.enroll())
    assert went[-1] == "/cadre?enrolled"
    board = shell.screen("/cadre")
    text = all_text(top(board))
    assert "当好一天工人" in text and "待完成，截止 2026-11-30" in text
    assert "周敏 · 干部编号 GB0007" in text and "区总工会尚未分配困难职工" in text
    district.note(PROFILE, "GB0007", {"name": "周敏", "department": "组织部",
                                      "enterprise": "苏州精工机械", "mentor": "张建华"})
    station.sync.sync()
    assert "重点企业：苏州精工机械 · 劳模导师：张建华" in all_text(top(shell.screen("/cadre")))


def test_a_tap_on_a_due_row_starts_a_draft_that_saves_as_typed() -> None:
    station = enrolled_phone(in_memory_device(), CadreDistrict(), Clock())
    shell, went = shell_for(station)
    board = shell.screen("/cadre")
    click(find(board.views, "row-work_day:2026-11:"))
    [draft] = station.book.drafts()
    assert went[-1] == f"/cadre/record/{draft.record_id}"
    form = shell.screen(went[-1])
    typed(form, "cadre-enterprise", "苏州精工机械")
    typed(form, "cadre-reflections", "一线辛苦")
    assert station.book.drafts()[0].current.content == {"enterprise": "苏州精工机械",
                                                       "reflections": "一线辛苦"}
    saved = find(form.views, "cadre-saved")
    assert isinstance(saved, ft.Text) and str(saved.value).startswith("已保存 ")
    click(find(form.views, "cadre-submit"))
    error = find(form.views, "cadre-record-error")
    assert isinstance(error, ft.Text) and error.value == "请填写「做了哪些工作」"
    assert station.book.drafts() != []
    assert "草稿（1）" in all_text(shell.screen("/cadre").views)
    drafts = shell.screen("/cadre/drafts")
    assert has_key(drafts.views, f"draft-{draft.record_id}")


def test_a_submitted_record_is_locked_and_says_it_waits_to_be_sent() -> None:
    station = enrolled_phone(in_memory_device(), CadreDistrict(), Clock())
    shell, went = shell_for(station)
    draft = station.book.start(Duty.WORK_DAY)
    form = shell.screen(f"/cadre/record/{draft.record_id}")
    typed(form, "cadre-enterprise", "苏州精工机械")
    typed(form, "cadre-work_done", "跟班装配")
    typed(form, "cadre-date", "2026-11-3x")
    date = find(form.views, "cadre-date")
    assert isinstance(date, ft.TextField) and date.error == "日期请写成 2026-11-28 的样子"
    click(find(form.views, "cadre-submit"))
    assert went[-1] == f"/cadre/record/{draft.record_id}?submitted"
    shown = shell.screen(went[-1])
    text = all_text(top(shown))
    assert "已提交，待审核" in text and "待发送：联网后自动发送" in text
    assert not has_key(shown.views, "cadre-submit") and "跟班装配" in text
    board = all_text(shell.screen("/cadre").views)
    assert "1 条待发送" in board and "2026年11月 · 待发送" in board


def test_a_returned_record_shows_the_comment_and_edits_as_a_new_revision() -> None:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock())
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "电话", "learned": "安全生产"})
    station.book.submit(draft.record_id)
    station.sync.sync()
    district.review(draft.record_id, RecordState.RETURNED, "请写具体学到的方法")
    station.sync.sync()
    shell, went = shell_for(station)
    board = all_text(top(shell.screen("/cadre")))
    assert "已退回，请修改" in board and "审核意见：请写具体学到的方法" in board
    record = shell.screen(f"/cadre/record/{draft.record_id}")
    assert "审核意见：请写具体学到的方法" in all_text(top(record))
    click(find(record.views, "cadre-revise"))
    assert went[-1].endswith("?revision=2")
    again = shell.screen(went[-1])
    assert has_key(again.views, "cadre-submit") and has_key(again.views, "revision-1")
    assert "第 2 版" in all_text(top(again))


def test_a_record_on_screen_offers_to_revise_once_a_sync_brings_its_return() -> None:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock())
    draft = station.book.start(Duty.WORK_DAY)
    station.book.save(draft.record_id, {"enterprise": "苏州精工机械", "work_done": "跟班装配"})
    station.book.submit(draft.record_id)
    station.sync.sync()
    shell, went = shell_for(station)
    record = shell.screen(f"/cadre/record/{draft.record_id}")  # submitted: nothing to revise
    revise = find(record.views, "cadre-revise")
    assert isinstance(revise, ft.FilledButton) and not revise.visible
    district.review(draft.record_id, RecordState.RETURNED, "请写明工时")
    station.sync.sync()
    for redraw in record.live:  # what the session runs when it hears the sync
        redraw()
    assert "审核意见：请写明工时" in all_text(top(record)) and revise.visible
    click(revise)
    assert went[-1].endswith("?revision=2")


def test_a_conflict_is_shown_in_words_in_english_too() -> None:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock())
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "微信", "learned": "班组管理"})
    station.book.submit(draft.record_id)
    district.conflict = ("under_review", "", "")
    station.sync.sync()
    shell, _ = shell_for(station, "en")
    record = shell.screen(f"/cadre/record/{draft.record_id}")
    assert ("The district did not take revision 1: the record is under review and cannot "
            "change now") in all_text(top(record))
    click(find(record.views, "cadre-conflict-ok"))
    assert station.sync.parked() == []


def test_the_app_bars_back_can_be_activated_by_a_screen_reader_without_an_error() -> None:
    """Flet resolves a handler's event type from its annotation when the event arrives: a
    string annotation ended the session ("[resolve error] on_click")."""
    station = enrolled_phone(in_memory_device(), CadreDistrict(), Clock())
    shell, went = shell_for(station)
    back = find(shell.screen("/cadre/drafts").views[-1], "back-named")
    assert get_event_field_type(back, "on_click") is not None
    click(back)
    assert went[-1] == "/cadre"


def test_a_page_session_hears_the_cadres_sync_as_well_as_the_members() -> None:
    station = enrolled_phone(in_memory_device(), CadreDistrict(), Clock())
    member = demo_member()
    services = dataclasses.replace(member.services, cadre=station)
    subscribe = subscriptions(services)
    assert subscribe is not None
    heard: list[str] = []
    unsubscribe = subscribe(heard.append)
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "面谈", "learned": "带徒经验"})
    station.book.submit(draft.record_id)
    assert heard == ["recorded"]
    unsubscribe()
    station.sync.sync()
    assert heard == ["recorded"]


def choose(screen: Screen, key: str, value: str) -> None:
    box = find(screen.views, key)
    assert isinstance(box, ft.Dropdown)
    box.value = value
    click(box, "on_select")


def test_a_needy_visit_is_written_with_choices_an_amount_in_yuan_and_consent() -> None:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock())
    shell, went = shell_for(station)
    click(find(shell.screen("/cadre").views, "row-needy_visit:2026-Q4:NW2"))
    form = shell.screen(went[-1])
    worker = find(form.views, "cadre-subject")
    assert isinstance(worker, ft.Dropdown) and worker.value == "NW2"
    assert [o.text for o in worker.options or []] == ["李国庆", "王秀兰", "陈小妹"]
    typed(form, "cadre-family_situation", "独居老人，腿脚不便")
    choose(form, "cadre-help_type", "慰问金")
    typed(form, "cadre-help_fen", "500.5")
    typed(form, "cadre-public_summary", "走访慰问困难职工")
    consent = find(form.views, "cadre-consent")
    assert isinstance(consent, ft.Checkbox)
    consent.value = True
    click(consent, "on_change")
    click(find(form.views, "cadre-submit"))
    error = find(form.views, "cadre-record-error")
    assert isinstance(error, ft.Text) and error.value == "请填写「同意方式」"
    choose(form, "cadre-consent_way", "书面")
    click(find(form.views, "cadre-submit"))
    [change] = station.sync.pending()
    content = change.fields["content"]
    assert (change.fields["subject"], content["help_fen"], content["consent"],
            content["consent_way"]) == ("NW2", 50050, True, "书面")
    shown = all_text(top(shell.screen(went[-1])))
    assert "¥500.50" in shown and "李国庆" in shown and "是" in shown


def test_a_conflict_is_flagged_on_the_dashboard_and_named_on_the_sync_page() -> None:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock())
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "微信", "learned": "班组管理"})
    station.book.submit(draft.record_id)
    district.conflict = ("stale", "区总工会已有第 2 版", "The district holds revision 2")
    station.sync.sync()
    shell, _ = shell_for(station)
    assert "区总工会未接受，请打开查看原因" in all_text(top(shell.screen("/cadre")))
    sync_page = all_text(top(shell.screen("/cadre/sync")))
    assert "五个一记录：拜师（联系劳模）" in sync_page and "区总工会已有第 2 版" in sync_page


def test_a_cadres_phone_without_a_card_offers_the_way_to_the_dashboard() -> None:
    station = enrolled_phone(in_memory_device(), CadreDistrict(), Clock())
    services = dataclasses.replace(demo_member(with_cards=False).services, cadre=station)
    went: list[str] = []
    shell = Shell(services, language="zh", save_language=lambda _: None, navigate=went.append)
    click(find(shell.screen("/card").views, "card-cadre"))
    assert went == ["/cadre"]
    assert not has_key(shell_for(station)[0].screen("/card").views, "card-cadre")  # a card
