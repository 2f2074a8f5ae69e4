"""Settings: the language and which role this device is used in; window and cadre placeholders."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.i18n import LANGUAGES, text
from views import theme
from views.services import Navigate, Translator
from views.widgets import empty_state, heading, panel

ROLE_ROUTES: tuple[tuple[str, str, ft.IconData], ...] = (
    ("role.member", "/card", ft.Icons.BADGE),
    ("role.window", "/window", ft.Icons.STOREFRONT),
    ("role.cadre", "/cadre", ft.Icons.ASSIGNMENT_IND),
)


def _language_button(language: str, current: str,
                     choose: Callable[[str], None]) -> ft.Control:
    label = text("lang.name", language)
    key = f"language-{language}"
    if language == current:
        return ft.FilledButton(label, key=key, icon=ft.Icons.CHECK, height=theme.TOUCH,
                               expand=True)
    return ft.OutlinedButton(label, key=key, height=theme.TOUCH, expand=True,
                             on_click=lambda: choose(language))


def _role_tile(label_key: str, route: str, icon: ft.IconData, tr: Translator,
               navigate: Navigate) -> ft.ListTile:
    return ft.ListTile(
        key=f"role-{route.strip('/')}",
        min_height=theme.TOUCH,
        leading=ft.Icon(icon, color=theme.UNION_RED),
        title=ft.Text(tr(label_key), size=theme.BODY),
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
        on_click=lambda: navigate(route),
    )


def settings_page(tr: Translator, choose_language: Callable[[str], None],
                  navigate: Navigate, sync: ft.Control | None = None) -> ft.Column:
    languages = ft.Row(spacing=12, controls=[
        _language_button(language, tr.language, choose_language) for language in LANGUAGES
    ])
    roles = ft.Column(spacing=0, controls=[
        _role_tile(label_key, route, icon, tr, navigate)
        for label_key, route, icon in ROLE_ROUTES
    ])
    activate = ft.ListTile(
        key="settings-activate", min_height=theme.TOUCH,
        leading=ft.Icon(ft.Icons.VERIFIED_USER, color=theme.UNION_RED),
        title=ft.Text(tr("activate.title"), size=theme.BODY),
        subtitle=ft.Text(tr("settings.activate_hint"), size=theme.SMALL, color=theme.MUTED),
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT), on_click=lambda: navigate("/activate"))
    return ft.Column(key="settings", spacing=12, controls=[
        heading(tr("settings.language")),
        languages,
        heading(tr("settings.card")),
        panel(activate, padding=4),
        *([heading(tr("sync.title")), sync] if sync is not None else []),
        heading(tr("settings.role")),
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
                        key="not-enrolled"),
            ft.OutlinedButton(tr("role.member"), key="back-to-member", icon=ft.Icons.BADGE,
                              height=theme.TOUCH, on_click=lambda: navigate("/card")),
        ],
    )
