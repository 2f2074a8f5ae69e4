"""Settings: the language, 长辈模式 (elder mode), the card, sync, and which role this device is
used in; window and cadre placeholders."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.i18n import LANGUAGES, text
from views import theme
from views.services import Navigate, Translator
from views.theme import Look
from views.widgets import empty_state, heading, panel

ROLE_ROUTES: tuple[tuple[str, str, ft.IconData], ...] = (
    ("role.member", "/card", ft.Icons.BADGE),
    ("role.window", "/window", ft.Icons.STOREFRONT),
    ("role.cadre", "/cadre", ft.Icons.ASSIGNMENT_IND),
)


def _language_button(language: str, current: str, choose: Callable[[str], None],
                     look: Look) -> ft.Control:
    label = text("lang.name", language)
    key = f"language-{language}"
    style = ft.ButtonStyle(text_style=theme.text_style(look.body))
    if language == current:
        return ft.FilledButton(label, key=key, icon=ft.Icons.CHECK, height=look.touch,
                               expand=True, style=style)
    return ft.OutlinedButton(label, key=key, height=look.touch, expand=True, style=style,
                             on_click=lambda: choose(language))


def _role_tile(label_key: str, route: str, icon: ft.IconData, tr: Translator,
               navigate: Navigate) -> ft.ListTile:
    return ft.ListTile(
        key=f"role-{route.strip('/')}",
        min_height=tr.look.touch,
        leading=ft.Icon(icon, color=theme.UNION_RED, size=tr.look.icon),
        title=ft.Text(tr(label_key), size=tr.look.body),
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
        on_click=lambda: navigate(route),
    )


def _elder_tile(tr: Translator, choose: Callable[[bool], None]) -> ft.ListTile:
    """长辈模式: a whole row to tap, its state said in words beside the switch."""
    on = tr.look.elder
    state = tr("settings.elder_on" if on else "settings.elder_off")
    return ft.ListTile(
        key="settings-elder", min_height=tr.look.touch,
        leading=ft.Icon(ft.Icons.TEXT_INCREASE, color=theme.UNION_RED, size=tr.look.icon),
        title=ft.Text(f"{tr('settings.elder')} · {state}", size=tr.look.body,
                      weight=ft.FontWeight.BOLD),
        subtitle=ft.Text(tr("settings.elder_hint"), size=tr.look.small, color=theme.MUTED),
        trailing=ft.Switch(key="settings-elder-switch", value=on,
                           on_change=lambda: choose(not on)),
        on_click=lambda: choose(not on))


def settings_page(tr: Translator, choose_language: Callable[[str], None],
                  navigate: Navigate, sync: ft.Control | None = None, *,
                  choose_elder: Callable[[bool], None]) -> ft.Column:
    look = tr.look
    languages = ft.Row(spacing=12, controls=[
        _language_button(language, tr.language, choose_language, look)
        for language in LANGUAGES
    ])
    roles = ft.Column(spacing=0, controls=[
        _role_tile(label_key, route, icon, tr, navigate)
        for label_key, route, icon in ROLE_ROUTES
    ])
    activate = ft.ListTile(
        key="settings-activate", min_height=look.touch,
        leading=ft.Icon(ft.Icons.VERIFIED_USER, color=theme.UNION_RED, size=look.icon),
        title=ft.Text(tr("activate.title"), size=look.body),
        subtitle=ft.Text(tr("settings.activate_hint"), size=look.small, color=theme.MUTED),
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT), on_click=lambda: navigate("/activate"))
    return ft.Column(key="settings", spacing=12, controls=[
        heading(tr("settings.language"), look=look),
        languages,
        heading(tr("settings.look"), look=look),
        panel(_elder_tile(tr, choose_elder), padding=4),
        heading(tr("settings.card"), look=look),
        panel(activate, padding=4),
        *([heading(tr("sync.title"), look=look), sync] if sync is not None else []),
        heading(tr("settings.role"), look=look),
        panel(roles, padding=4),
    ])


def not_enrolled(role_key: str, body_key: str, tr: Translator, navigate: Navigate) -> ft.Column:
    """Window and cadre screens until enrollment exists: say so plainly, offer the way back.

    `role_key` names the role (the app bar shows it) and keys the screen for tests.
    """
    return ft.Column(
        key=f"{role_key}-not-enrolled",
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        controls=[
            empty_state(ft.Icons.LOCK_CLOCK, tr("role.not_enrolled"), tr(body_key),
                        key="not-enrolled", look=tr.look),
            ft.OutlinedButton(tr("role.member"), key="back-to-member", icon=ft.Icons.BADGE,
                              height=tr.look.touch, on_click=lambda: navigate("/card")),
        ],
    )
