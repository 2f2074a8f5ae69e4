"""The family page: ask for a family card (saved on the phone, sent by the sync), a calm message
when offline, the page redrawn when a sync brings the approved card, withdraw asks to confirm."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import flet as ft

from tests.fakes import CODE, MEMBER_NO
from tests.views_support import Member, all_text, click, demo_member, find, has_key
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
    assert drawn and page.message.visible and not page.error.visible
    assert "申请已保存在本机" in str(page.message.value)
    assert page.name.value == "" and page.relation.value is None
    assert "待发送 · 联网后自动发送" in all_text(page.view)
    background_sync(member, page)
    assert "待发送" not in all_text(page.view)
    assert not page.message.visible  # "saved, will be sent" no longer holds once it was sent
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
    assert "申请已保存在本机" in str(page.message.value)
    assert "陈小明" in all_text(page.view) and "联网后自动发送" in all_text(page.view)
    press(page.view, "family-refresh")
    assert page.error.visible and "无法连接" in str(page.error.value)
    member.district.reachable = True
    press(page.view, "family-refresh")
    assert [m.name for m in member.district.family] == ["陈小明"]
    assert "等待区总工会批准" in all_text(page.view)


def test_a_bad_id_last4_is_explained_in_english() -> None:
    page, _ = page_for(activated_member(), "en")
    fill(page, "王芳", "配偶", "52")
    asyncio.run(page.request())
    assert page.error.visible and "last 4" in str(page.error.value)


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
