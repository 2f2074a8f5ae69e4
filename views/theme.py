"""Union red theme with the bundled CJK font; sized for a ~400×860 phone held at a window."""

from __future__ import annotations

import flet as ft

FONT_FAMILY = "NotoSansSC"
FONT_ASSET = "fonts/NotoSansSC-Names.otf"

UNION_RED = "#B71C1C"
UNION_RED_DARK = "#7F0000"
GOLD = "#FFD54F"
PAPER = "#FFF8F6"
INK = "#1F1B1B"
MUTED = "#5F5656"
MEMBER_GREEN = "#1B5E20"
FAMILY_BLUE = "#0D47A1"

PHONE_WIDTH = 412
PHONE_HEIGHT = 860
TOUCH = 56  # minimum height of tappable rows and buttons

BODY = 17
SMALL = 15
TITLE = 22
NAME = 30


def build_theme() -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=UNION_RED,
        font_family=FONT_FAMILY,
        use_material3=True,
    )


def configure_page(page: ft.Page, title: str) -> None:
    """Fonts, theme and window size shared by every route."""
    page.title = title
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme = build_theme()
    page.theme_mode = ft.ThemeMode.LIGHT
    page.bgcolor = PAPER
    page.window.width = PHONE_WIDTH
    page.window.height = PHONE_HEIGHT
