"""The activation screen: fields, progress while the district is asked, the card afterwards, and
errors in words in the member's language."""

from __future__ import annotations

import asyncio

import flet as ft

from tests.fakes import CODE, MEMBER_NO
from tests.views_support import Member, all_text, click, demo_member, find, has_key
from views.activate import ActivationForm
from views.services import Translator
from views.shell import Shell


def form_for(member: Member, language: str = "zh") -> tuple[ActivationForm, list[str],
                                                            list[bool]]:
    went: list[str] = []
    busy_seen: list[bool] = []
    form: ActivationForm

    def redraw(_control: ft.Control) -> None:
        busy_seen.append(bool(form.busy.visible))

    form = ActivationForm(member.services.activation, Translator(language), went.append,
                          redraw=redraw)
    return form, went, busy_seen


def fill(form: ActivationForm, member_no: str, code: str) -> None:
    form.member_no.value, form.code.value = member_no, code


def test_the_form_offers_the_default_server_address() -> None:
    form, _, _ = form_for(demo_member(with_cards=False))
    assert form.server.value == "http://127.0.0.1:8600"
    shown = all_text(form.view)
    assert "会员号" in shown and "激活码" in shown and "区总工会服务器地址" in shown


def test_a_good_code_shows_progress_then_the_card() -> None:
    member = demo_member(with_cards=False)
    form, went, busy_seen = form_for(member)
    fill(form, MEMBER_NO, CODE)
    asyncio.run(form.activate())
    assert busy_seen == [True, False]
    assert went == ["/card"]
    card = member.services.wallet.member_card()
    assert card is not None and card.name == "李明"
    assert not form.error.visible


def test_a_wrong_code_is_explained_and_what_was_typed_stays() -> None:
    member = demo_member()
    form, went, _ = form_for(member, "en")
    fill(form, MEMBER_NO, "NOPE-NOPE")
    asyncio.run(form.activate())
    assert went == []
    assert form.error.visible and "not valid" in str(form.error.value)
    assert (form.member_no.value, form.code.value) == (MEMBER_NO, "NOPE-NOPE")
    assert not form.submit.disabled and not form.busy.visible
    card = member.services.wallet.member_card()
    assert card is not None and card.name == "陈建国"  # the demo card is still there


def test_an_unreachable_server_says_so_in_chinese() -> None:
    member = demo_member()
    member.district.reachable = False
    form, went, _ = form_for(member)
    fill(form, MEMBER_NO, CODE)
    asyncio.run(form.activate())
    assert went == []
    assert str(form.error.value).startswith("无法连接区总工会服务器")


def test_the_empty_card_screen_and_settings_lead_to_activation() -> None:
    went: list[str] = []
    shell = Shell(demo_member(with_cards=False).services, language="zh", save_language=print,
                  navigate=went.append)
    click(find(shell.screen("/card").views, "card-activate"))
    click(find(shell.screen("/settings").views, "settings-activate"))
    assert went == ["/activate", "/activate"]
    screen = shell.screen("/activate")
    assert [v.route for v in screen.views] == ["/card", "/activate"]
    assert has_key(screen.views, "activate-submit")
