"""Small building blocks shared by the member screens, sized by the look (standard or elder)."""

from __future__ import annotations

import flet as ft

from views import theme
from views.named_button import NamedButton as NamedButton  # re-exported for the screens
from views.theme import STANDARD, Look


def heading(value: str, *, key: str | None = None, look: Look = STANDARD) -> ft.Text:
    return ft.Text(value, key=key, size=look.title, weight=ft.FontWeight.BOLD, color=theme.INK)


def hint(value: str, *, key: str | None = None, look: Look = STANDARD) -> ft.Text:
    return ft.Text(value, key=key, size=look.small, color=theme.MUTED)


def empty_state(icon: ft.IconData, title: str, body: str, *, key: str,
                look: Look = STANDARD) -> ft.Container:
    """A friendly centred message for a screen with nothing to show yet."""
    return ft.Container(
        key=key,
        padding=ft.Padding.symmetric(horizontal=24, vertical=48),
        alignment=ft.Alignment.CENTER,
        content=ft.Column(
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=12,
            controls=[
                ft.Icon(icon, size=64, color=theme.UNION_RED),
                ft.Text(title, size=look.title, weight=ft.FontWeight.BOLD,
                        text_align=ft.TextAlign.CENTER, color=theme.INK),
                ft.Text(body, size=look.body, text_align=ft.TextAlign.CENTER,
                        color=theme.MUTED),
            ],
        ),
    )



def panel(content: ft.Control, *, key: str | None = None, padding: int = 16) -> ft.Container:
    """A white rounded surface on the paper background."""
    return ft.Container(
        key=key,
        content=content,
        bgcolor=ft.Colors.WHITE,
        border_radius=16,
        padding=padding,
        border=ft.Border.all(1, "#E8DADA"),
    )


def list_row(*, key: str, leading: ft.Control, title: ft.Text, subtitle: ft.Text,
             trailing: ft.Control | None = None, on_click: ft.ControlEventHandler[ft.Container]
             | None = None, look: Look = STANDARD) -> ft.Container:
    """A list's row: icon, two lines, and its button at full size (a ListTile holds its
    trailing button to 48 pixels, under elder mode's 60). Two lines keep it `look.touch`
    high at least. A screen reader reads the two lines as the row's name (as a ListTile's),
    then the button."""
    column = ft.Column(spacing=2, expand=True, controls=[title, subtitle])
    row = ft.Row(spacing=12, vertical_alignment=ft.CrossAxisAlignment.CENTER,
                 controls=[leading, column])
    content: ft.Control = row
    if trailing is not None:
        column.expand = False
        row.controls = [leading, ft.Semantics(exclude_semantics=True, expand=True,
                                              content=column), trailing]
        content = ft.Semantics(container=True, label=f"{title.value}\n{subtitle.value}",
                               content=row)
    return ft.Container(
        key=key, on_click=on_click, ink=on_click is not None,
        padding=ft.Padding.symmetric(horizontal=12, vertical=10 if look.elder else 8),
        content=content)


def field(label: str, key: str, value: str = "", *,
          capitalization: ft.TextCapitalization | None = None,
          keyboard_type: ft.KeyboardType = ft.KeyboardType.TEXT,
          look: Look = STANDARD) -> ft.TextField:
    aside = theme.text_style(look.small) if look.elder else None  # counter, helper line
    return ft.TextField(label=label, key=key, value=value, text_size=look.body,
                        label_style=theme.text_style(look.body) if look.elder else None,
                        error_style=error_style(look), error_max_lines=3,
                        counter_style=aside, helper_style=aside,
                        capitalization=capitalization, keyboard_type=keyboard_type)


def error_style(look: Look) -> ft.TextStyle:
    """A field's own message: bold dark red, as large as the screen's secondary text."""
    return theme.text_style(look.small, color=theme.ERROR_RED, weight=ft.FontWeight.BOLD)


def error_text(key: str, *, look: Look = STANDARD) -> ft.Text:
    """A form's message line: hidden until there is something to say."""
    return ft.Text("", key=key, visible=False, size=look.body, color=ft.Colors.RED_900,
                   weight=ft.FontWeight.BOLD)
