"""长辈模式 (elder mode, issue 11.7): the sizes and colours of the two looks, every member screen
drawn in elder mode at once, the choice saved on the phone, and screen-reader names in the UI's
language (返回, 设置, the relation dropdown)."""

from __future__ import annotations

import dataclasses
from typing import Any

import flet as ft
import pytest

import main
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO
from tests.views_support import Member, click, demo_member, find, walk
from views.shell import Shell
from views.theme import ELDER, STANDARD, TEXT_PAIRS, contrast

MEMBER_ROUTES = ("/card", "/family", "/family/100002", "/spots", "/savings", "/settings",
                 "/activate", "/sync")
BUTTONS = (ft.FilledButton, ft.OutlinedButton, ft.TextButton, ft.IconButton)


def elder_shell(member: Member) -> Shell:
    return Shell(member.services, language="zh", save_language=print, navigate=print,
                 elder=True)


def screen_controls(shell: Shell, route: str) -> list[Any]:
    """What the route shows on top (a pushed screen without the tab under it)."""
    return list(walk(shell.screen(route).views[-1]))


def test_elder_mode_meets_the_2021_guideline_sizes() -> None:
    assert min(ELDER.body, ELDER.small, ELDER.caption) >= 18
    assert ELDER.title >= 30 and ELDER.name >= ELDER.title
    assert ELDER.touch >= 60 and ELDER.icon >= 30
    assert (STANDARD.body, STANDARD.title, STANDARD.touch) == (17, 22, 56)  # unchanged


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_every_text_colour_reaches_4_5_to_1_on_its_background(foreground: str,
                                                              background: str) -> None:
    assert contrast(foreground, background) >= 4.5


def test_contrast_is_measured_as_wcag_does() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast("#777777", "#FFFFFF"), 2) == 4.48  # the classic just-too-light grey


@pytest.mark.parametrize("route", MEMBER_ROUTES)
def test_every_member_screen_is_drawn_large_in_elder_mode(route: str) -> None:
    member = demo_member()
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    shell = elder_shell(member)
    controls = screen_controls(shell, route)
    small = [(c.value, c.size) for c in controls
             if isinstance(c, ft.Text) and c.size is not None and c.size < 18]
    assert small == []
    low = [(type(c).__name__, c.key, c.height) for c in controls
           if isinstance(c, BUTTONS) and c.height is not None and c.height < 60]
    assert low == []
    tiles = [c.min_height for c in controls if isinstance(c, ft.ListTile)]
    assert all(h is not None and h >= 60 for h in tiles)


def test_the_standard_look_is_what_it_was() -> None:
    shell = Shell(demo_member().services, language="zh", save_language=print, navigate=print)
    name = find(shell.screen("/card").views[-1], "card-name")
    assert isinstance(name, ft.Text) and name.size == 30


def test_switching_elder_mode_saves_it_and_redraws_the_screen() -> None:
    saved: list[bool] = []
    shell = Shell(demo_member().services, language="zh", save_language=print, navigate=print,
                  save_elder=saved.append)
    redrawn: list[bool] = []
    shell.on_language_change = lambda: redrawn.append(shell.tr.look.elder)
    settings = shell.screen("/settings").views[-1]
    switch = find(settings, "settings-elder-switch")
    assert isinstance(switch, ft.Switch) and switch.value is False
    find(settings, "settings-elder").on_click()  # type: ignore[attr-defined]
    assert saved == [True] and redrawn == [True]
    name = find(shell.screen("/card").views[-1], "card-name")
    assert isinstance(name, ft.Text) and name.size == ELDER.name


def test_the_choice_is_kept_on_the_phone_with_the_other_settings() -> None:
    device = in_memory_device()
    device.settings.save(dataclasses.replace(device.settings.load(), language="en"))
    main.elder_saver(device.settings)(True)
    saved = device.settings.load()
    assert (saved.elder_mode, saved.language) == (True, "en")
    main.elder_saver(device.settings)(False)
    assert device.settings.load().elder_mode is False


@pytest.mark.parametrize(("language", "back", "gear"), [("zh", "返回", "设置"),
                                                        ("en", "Back", "Settings")])
def test_the_app_bar_buttons_are_named_in_the_ui_language(language: str, back: str,
                                                          gear: str) -> None:
    went: list[str] = []
    shell = Shell(demo_member().services, language=language, save_language=print,
                  navigate=went.append)
    view = shell.screen("/family/100002").views[-1]
    named = find(view, "back-named")
    assert isinstance(named, ft.Semantics) and (named.label, named.button) == (back, True)
    assert isinstance(view.appbar, ft.AppBar) and view.appbar.automatically_imply_leading is False
    click(named, "on_click")  # a screen reader's tap (the event the Dart side sends)
    assert went == ["/family"]
    gear_named = find(view, "open-settings-named")
    assert isinstance(gear_named, ft.Semantics) and gear_named.label == gear


def test_flutter_own_words_follow_the_ui_language() -> None:
    styled: list[tuple[bool, str]] = []
    shell = Shell(demo_member().services, language="zh", save_language=print, navigate=print,
                  restyle=lambda look, language: styled.append((look.elder, language)))
    shell.screen("/card")
    assert styled == []  # mount styled the page already
    shell.set_language("en")
    shell.screen("/card")
    shell.set_elder(True)
    shell.screen("/settings")
    shell.screen("/card")
    assert styled == [(False, "en"), (True, "en")]
