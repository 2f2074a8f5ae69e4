"""Small building blocks shared by the member screens."""

from __future__ import annotations

import flet as ft

from views import theme


def heading(value: str, *, key: str | None = None) -> ft.Text:
    return ft.Text(value, key=key, size=theme.TITLE, weight=ft.FontWeight.BOLD, color=theme.INK)


def hint(value: str, *, key: str | None = None) -> ft.Text:
    return ft.Text(value, key=key, size=theme.SMALL, color=theme.MUTED)


def empty_state(icon: ft.IconData, title: str, body: str, *, key: str) -> ft.Container:
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
                ft.Text(title, size=theme.TITLE, weight=ft.FontWeight.BOLD,
                        text_align=ft.TextAlign.CENTER, color=theme.INK),
                ft.Text(body, size=theme.BODY, text_align=ft.TextAlign.CENTER,
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


def field(label: str, key: str, value: str = "", *,
          capitalization: ft.TextCapitalization | None = None,
          keyboard_type: ft.KeyboardType = ft.KeyboardType.TEXT) -> ft.TextField:
    return ft.TextField(label=label, key=key, value=value, text_size=theme.BODY,
                        capitalization=capitalization, keyboard_type=keyboard_type)


def error_text(key: str) -> ft.Text:
    """A form's message line: hidden until there is something to say."""
    return ft.Text("", key=key, visible=False, size=theme.BODY, color=ft.Colors.RED_900,
                   weight=ft.FontWeight.BOLD)
