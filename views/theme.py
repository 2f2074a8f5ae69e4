"""Union red theme with the bundled CJK font; sized for a ~400×860 phone held at a window.

Two looks: the standard one, and 长辈模式 (elder mode) after China's 2021 elder-friendly app
guidelines (《互联网应用适老化及无障碍改造专项行动方案》, GB/T 37668): body text at least 18 and
headings at least 30 logical pixels, touch targets at least 60, text contrast at least 4.5:1.
"""

from __future__ import annotations

from dataclasses import dataclass

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
ERROR_RED = "#B71C1C"  # Colors.RED_900
BADGE_BG = "#FFF3C4"

PHONE_WIDTH = 412
PHONE_HEIGHT = 860
TOUCH = 56  # minimum height of tappable rows and buttons

BODY = 17
SMALL = 15
TITLE = 22
NAME = 30


@dataclass(frozen=True)
class Look:
    """Text sizes and touch targets of the member screens, in logical pixels."""

    elder: bool
    body: int  # what a member reads: values, list rows, form fields
    small: int  # secondary lines: hints, subtitles, countdowns
    caption: int  # the smallest label (over a value on the card)
    title: int  # headings
    name: int  # the card holder's name
    touch: int  # height of every button and tappable row
    icon: int  # icons in the app bar and beside text


STANDARD = Look(elder=False, body=BODY, small=SMALL, caption=13, title=TITLE, name=NAME,
                touch=TOUCH, icon=24)
ELDER = Look(elder=True, body=20, small=18, caption=18, title=30, name=36, touch=64, icon=32)


def text_style(size: int, *, color: str | None = None,
               weight: ft.FontWeight | None = None) -> ft.TextStyle:
    """A text style in the bundled font: a style without one falls back to a font with no
    Chinese, which the browser draws as boxes."""
    return ft.TextStyle(size=size, color=color, weight=weight, font_family=FONT_FAMILY)


def look_of(elder: bool) -> Look:
    return ELDER if elder else STANDARD


# Text colour on its background, as the screens pair them: each must reach 4.5:1 (WCAG AA,
# GB/T 37668) — checked by the tests, so a new colour cannot slip under it.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    (INK, PAPER), (INK, "#FFFFFF"), (MUTED, PAPER), (MUTED, "#FFFFFF"),
    ("#FFFFFF", UNION_RED), ("#FFFFFF", UNION_RED_DARK), (GOLD, UNION_RED),
    (MEMBER_GREEN, "#FFFFFF"), (FAMILY_BLUE, "#FFFFFF"), (ERROR_RED, PAPER),
    (ERROR_RED, "#FFFFFF"), (UNION_RED_DARK, BADGE_BG), (UNION_RED_DARK, GOLD),
)


def _luminance(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two "#RRGGBB" colours (1 to 21)."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def build_theme(look: Look = STANDARD) -> ft.Theme:
    """The page theme: in elder mode the bottom bar's labels and the app bar grow too."""
    if not look.elder:
        return ft.Theme(color_scheme_seed=UNION_RED, font_family=FONT_FAMILY,
                        use_material3=True)
    label = text_style(look.small, weight=ft.FontWeight.BOLD)
    body = text_style(look.body)
    return ft.Theme(
        color_scheme_seed=UNION_RED, font_family=FONT_FAMILY, use_material3=True,
        navigation_bar_theme=ft.NavigationBarTheme(label_text_style=label, height=88),
        text_theme=ft.TextTheme(body_medium=body, body_large=body, title_medium=body,
                                label_large=body))


def configure_page(page: ft.Page, title: str, look: Look = STANDARD) -> None:
    """Fonts, theme and window size shared by every route."""
    page.title = title
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme = build_theme(look)
    page.theme_mode = ft.ThemeMode.LIGHT
    page.bgcolor = PAPER
    page.window.width = PHONE_WIDTH
    page.window.height = PHONE_HEIGHT


LOCALES = {"zh": ft.Locale("zh", country_code="CN", script_code="Hans"),
           "en": ft.Locale("en", country_code="US")}


def restyle(page: ft.Page, look: Look, language: str) -> None:
    """Switch the page between the standard look and elder mode, and Flutter's own words (a
    field's counter, a tooltip) to the UI's language."""
    page.theme = build_theme(look)
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=list(LOCALES.values()),
        current_locale=LOCALES.get(language, LOCALES["zh"]))
