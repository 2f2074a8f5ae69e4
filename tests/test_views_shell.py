"""The shell: routes, member tabs, roles and the language switch."""

from __future__ import annotations

import flet as ft
import pytest

from tests.views_support import all_text, click, find, has_key, make_shell


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
