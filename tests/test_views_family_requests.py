"""The family page: ask for a family card (saved on the phone, sent by the sync), a calm message
when offline, the page redrawn when a sync brings the approved card, withdraw asks to confirm."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import flet as ft
import pytest

from tests.fakes import CODE, MEMBER_NO
from tests.views_support import Member, all_text, click, demo_member, find, has_key, walk
from views.family_requests import FamilyPage
from views.services import Translator


def activated_member(auto_approve: bool = True) -> Member:
    member = demo_member(with_cards=False)
    member.district.auto_approve = auto_approve
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    return member


def page_for(member: Member, language: str = "zh") -> tuple[FamilyPage, list[ft.Control]]:
    drawn: list[ft.Control] = []
    page = FamilyPage(member.services.family, member.services.wallet, Translator(language),
                      print, activated=member.services.activation.is_activated(),
                      redraw=drawn.append)
    return page, drawn


def press(root: Any, key: str) -> None:
    """Tap a button as Flet does, awaiting an async handler."""
    handler = find(root, key).on_click  # type: ignore[attr-defined]
    outcome = handler()
    if inspect.iscoroutine(outcome):
        asyncio.run(outcome)


def fill(page: FamilyPage, name: str, relation: str, last4: str) -> None:
    page.name.value, page.relation.value, page.id_last4.value = name, relation, last4


def background_sync(member: Member, page: FamilyPage) -> None:
    """What the app's sync thread does after a save, and the redraw the shell then makes."""
    assert member.services.sync is not None
    member.services.sync.sync()
    page.render()


def test_the_form_offers_the_five_relations() -> None:
    page, _ = page_for(activated_member(), "en")
    assert page.relation.options is not None
    assert [o.text for o in page.relation.options] == ["Spouse", "Child", "Father", "Mother",
                                                       "Other"]
    assert "Ask for a family card" in all_text(page.view)


def test_an_approved_request_puts_the_family_card_on_the_page() -> None:
    member = activated_member()
    page, drawn = page_for(member)
    fill(page, "王芳", "配偶", "5208")
    press(page.view, "family-send")
    assert drawn and page.form.note.visible and not page.error.visible
    assert "申请已保存在本机" in str(page.form.note.value)
    assert page.name.value == "" and page.relation.value is None
    assert "待发送 · 联网后自动发送" in all_text(page.view)
    background_sync(member, page)
    assert "待发送" not in all_text(page.view)
    assert not page.form.note.visible  # "saved, will be sent" no longer holds once sent
    (card,) = member.services.wallet.family_cards()
    assert has_key(page.view, f"family-show-{card.serial}")
    assert "已批准" in all_text(page.view)


def test_offline_the_request_is_kept_and_said_calmly_then_sent_on_refresh() -> None:
    member = activated_member(auto_approve=False)
    member.district.reachable = False
    page, _ = page_for(member)
    fill(page, "陈小明", "子女", "123X")
    asyncio.run(page.request())
    assert not page.error.visible
    assert "申请已保存在本机" in str(page.form.note.value)
    assert "陈小明" in all_text(page.view) and "联网后自动发送" in all_text(page.view)
    press(page.view, "family-refresh")
    assert page.error.visible and "无法连接" in str(page.error.value)
    member.district.reachable = True
    press(page.view, "family-refresh")
    assert [m.name for m in member.district.family] == ["陈小明"]
    assert "等待区总工会批准" in all_text(page.view)


def test_a_bad_id_last4_is_explained_in_english_under_its_field() -> None:
    page, _ = page_for(activated_member(), "en")
    fill(page, "王芳", "配偶", "52")
    asyncio.run(page.request())
    assert "last 4" in str(page.id_last4.error)
    assert page.name.error is None and page.relation.error_text is None
    assert not page.error.visible


def form_controls(page: FamilyPage) -> list[int]:
    """The identity of every control of the form, from the page down."""
    return [id(c) for c in walk(find(page.view, "family-form"))]


def test_after_an_error_the_corrected_form_is_sent() -> None:
    """Issue 11.3: the form was rebuilt around its fields on every message, and Flet then no
    longer told the app what was typed (the browser test shows it). Messages change properties
    only; the form's controls stay the very same through an error and a sync's redraw."""
    member = activated_member(auto_approve=False)
    page, _ = page_for(member)
    before = form_controls(page)
    press(page.view, "family-send")
    assert page.name.error == "请填写家属姓名"
    assert page.relation.error_text == "请选择与您的关系"
    assert "身份证后4位" in str(page.id_last4.error)
    page.render()  # what a sync's redraw does
    assert form_controls(page) == before
    fill(page, "王芳", "配偶", "5208")
    press(page.view, "family-send")
    assert [r.name for r in member.services.family.pending()] == ["王芳"]
    assert "申请已保存在本机" in str(page.form.note.value)
    assert page.name.value == "" and page.name.error is None  # a new form for the next one
    assert not set(form_controls(page)[1:]) & set(before)


def type_name(page: FamilyPage, name: str) -> None:
    page.name.value = name
    click(page.name, "on_change")


@pytest.mark.parametrize(("name", "says"), [
    ("王" * 41, "家属姓名最多40个字，现在是41个"),
    ("王芳\U0001F600", "不能有表情符号"),
    ("王\x07芳", "控制字符"),
])
def test_a_long_name_or_an_emoji_is_said_under_the_name_as_it_is_typed(
        name: str, says: str) -> None:
    member = activated_member()
    page, _ = page_for(member)
    type_name(page, name)
    assert says in str(page.name.error)
    assert page.name.counter == f"{len(name)}/40"
    fill(page, name, "配偶", "5208")
    press(page.view, "family-send")
    assert says in str(page.name.error) and member.services.family.pending() == []


def test_the_counter_counts_every_cjk_character_once_and_typing_clears_the_message() -> None:
    page, _ = page_for(activated_member())
    press(page.view, "family-send")
    assert page.name.error == "请填写家属姓名"
    type_name(page, "吉𠮷")
    assert page.name.error is None and page.name.counter == "2/40"
    page.id_last4.value = "5"
    click(page.id_last4, "on_change")
    assert page.id_last4.error is None
    page.relation.value = "配偶"
    click(page.relation, "on_select")
    assert page.relation.error_text is None


def test_the_relation_dropdown_is_named_for_screen_readers() -> None:
    page, _ = page_for(activated_member())
    label = find(page.view, "family-relation-label")
    assert isinstance(label, ft.Semantics) and label.label == "与您的关系"
    assert has_key(label, "family-relation")
    press(page.view, "family-send")
    assert label.label == "与您的关系：请选择与您的关系"
    page.relation.value = "子女"
    click(page.relation, "on_select")
    assert label.label == "与您的关系"


def test_withdraw_asks_to_confirm_then_removes_the_card() -> None:
    member = activated_member()
    page, _ = page_for(member)
    fill(page, "王芳", "配偶", "5208")
    asyncio.run(page.request())
    background_sync(member, page)
    click(find(page.view, "family-withdraw-1"))
    assert has_key(page.view, "family-confirm-1")
    click(find(page.view, "family-cancel-1"))
    assert not has_key(page.view, "family-confirm-1")
    click(find(page.view, "family-withdraw-1"))
    press(page.view, "family-confirm-1")
    assert member.services.wallet.family_cards() == []
    assert "已撤回王芳的家属卡" in str(page.message.value)


def test_a_phone_not_yet_activated_is_sent_to_activation() -> None:
    went: list[str] = []
    member = demo_member(with_cards=False)
    page = FamilyPage(member.services.family, member.services.wallet, Translator("zh"),
                      went.append, activated=False, redraw=print)
    assert not has_key(page.view, "family-form")
    click(find(page.view, "family-go-activate"))
    assert went == ["/activate"]
