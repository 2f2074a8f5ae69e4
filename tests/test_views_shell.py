"""The shell: routes, member tabs, roles, the language switch and the QR ticker's lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

import flet as ft
import pytest

from tests.fakes import CODE, MEMBER_NO
from tests.views_support import all_text, click, demo_member, find, has_key, make_shell
from views.shell import Session


class FakeHost:
    """Stands in for ft.Page: a route, a view stack, and a count of updates."""

    def __init__(self, route: str = "/") -> None:
        self.route = route
        self.views: list[ft.View] = []
        self.updates = 0

    def update(self) -> None:
        self.updates += 1


class Tasks:
    def __init__(self) -> None:
        self.started: list[Future[None]] = []

    def __call__(self, handler: Callable[[], Coroutine[Any, Any, None]]) -> Future[None]:
        handler().close()  # never awaited here: the ticker itself is tested in test_views_card
        future: Future[None] = Future()
        self.started.append(future)
        return future


@pytest.mark.parametrize(("route", "key"), [
    ("/", "card-100001"),
    ("/card", "card-100001"),
    ("/family", "family-list"),
    ("/family/100002", "card-100002"),
    ("/spots", "spots-list"),
    ("/savings", "savings-list"),
    ("/settings", "settings"),
    ("/window", "role.window-not-enrolled"),
    ("/cadre", "role.cadre-not-enrolled"),
    ("/no-such-page", "card-100001"),
])
def test_each_route_shows_its_screen(route: str, key: str) -> None:
    shell, _, _ = make_shell()
    screen = shell.screen(route)
    assert has_key(screen.views[-1], key)


def test_a_family_card_opens_over_the_family_list_so_back_returns_to_it() -> None:
    shell, _, _ = make_shell()
    screen = shell.screen("/family/100003")
    assert [v.route for v in screen.views] == ["/family", "/family/100003"]
    assert screen.qr is not None
    assert "吴中区总工会 家属优惠证" in all_text(screen.views[-1])


def test_an_unknown_family_card_says_it_is_not_on_this_phone() -> None:
    shell, _, _ = make_shell()
    screen = shell.screen("/family/999")
    assert screen.qr is None
    assert "找不到这张家属卡" in all_text(screen.views[-1])


def test_window_and_cadre_say_not_enrolled_yet() -> None:
    shell, went, _ = make_shell()
    for route in ("/window", "/cadre"):
        view = shell.screen(route).views[-1]
        assert "尚未登记" in all_text(view)
    click(find(shell.screen("/cadre").views[-1], "back-to-member"))
    assert went == ["/card"]


def test_the_tab_bar_navigates_between_member_screens() -> None:
    shell, went, _ = make_shell()
    nav = shell.screen("/card").views[0].navigation_bar
    assert isinstance(nav, ft.NavigationBar)
    assert [d.label for d in nav.destinations] == ["会员证", "家属", "景区", "优惠"]
    nav.selected_index = 2
    click(nav, "on_change")
    assert went == ["/spots"]


def test_settings_lists_the_three_roles() -> None:
    shell, went, _ = make_shell()
    view = shell.screen("/settings").views[-1]
    for role in ("card", "window", "cadre"):
        click(find(view, f"role-{role}"))
    assert went == ["/card", "/window", "/cadre"]


def test_switching_language_saves_it_and_redraws_in_english() -> None:
    shell, _, saved = make_shell()
    redrawn: list[str] = []
    shell.on_language_change = lambda: redrawn.append(shell.tr.language)
    click(find(shell.screen("/card").views[0], "lang-toggle"))
    assert saved == ["en"] and redrawn == ["en"]
    shown = all_text(shell.screen("/card").views[0])
    assert "Wuzhong Union Member Card" in shown and "中文" in shown


def test_choosing_chinese_in_settings_switches_back() -> None:
    shell, _, saved = make_shell(language="en")
    click(find(shell.screen("/settings").views[-1], "language-zh"))
    assert saved == ["zh"]
    assert "吴中区总工会 会员证" in all_text(shell.screen("/card").views[0])


def test_the_session_runs_the_ticker_only_while_a_card_is_shown() -> None:
    shell, _, _ = make_shell()
    host, tasks = FakeHost("/card"), Tasks()
    session = Session(host, shell, tasks)
    session.show()
    assert [v.route for v in host.views] == ["/card"] and host.updates == 1
    assert len(tasks.started) == 1
    host.route = "/spots"
    session.show()
    assert tasks.started[0].cancelled()
    assert len(tasks.started) == 1


def test_changing_language_restarts_the_ticker_on_the_redrawn_card() -> None:
    shell, _, _ = make_shell()
    host, tasks = FakeHost("/card"), Tasks()
    Session(host, shell, tasks).show()
    shell.toggle_language()
    assert tasks.started[0].cancelled() and not tasks.started[1].cancelled()
    assert "Member Card" in all_text(host.views[0])


def test_back_from_a_family_card_goes_to_the_family_list() -> None:
    shell, went, _ = make_shell()
    host = FakeHost("/family/100002")
    session = Session(host, shell, Tasks())
    session.show()
    session.pop()
    assert went == ["/family"]


def test_news_from_the_sync_redraws_the_shown_screen_in_place_keeping_a_half_typed_form() -> None:
    member = demo_member(with_cards=False)
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    shell, _, _ = make_shell(member)
    host = FakeHost("/family")
    session = Session(host, shell, Tasks())
    session.show()
    name = find(host.views, "family-name")
    assert isinstance(name, ft.TextField)
    name.value = "陈小"  # the member is typing
    member.services.family.request("王芳", "配偶", "5208")
    assert member.services.sync is not None
    member.services.sync.sync()
    asyncio.run(session.redraw_live())
    assert host.updates == 2 and find(host.views, "family-name") is name
    assert name.value == "陈小" and "已批准" in all_text(host.views)
    assert "全部已发送" in all_text(host.views)
