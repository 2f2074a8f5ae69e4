"""Routes, role navigation and the language switch: the screen each route shows."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from views import theme
from views.activate import ActivationForm
from views.cadre_enroll import CADRE_ROUTE
from views.cadre_routes import cadre_screen
from views.card import QrPanel, card_content
from views.family_requests import FamilyPage
from views.savings import savings_list
from views.services import MemberServices, Navigate, SaveElder, SaveLanguage, Translator
from views.settings import not_enrolled, settings_page
from views.sounds import Speaker
from views.spots import spots_list
from views.sync import SYNC_ROUTE, SyncPanel, SyncStrip
from views.theme import Look, look_of
from views.widgets import NamedButton, empty_state
from views.window import DeskScreen
from views.window_enroll import WINDOW_ROUTE, WindowEnrollForm
from views.window_report import ReportScreen

HOME = "/card"
REPORT_ROUTE = "/window/report"
MEMBER_TABS: tuple[tuple[str, str, ft.IconData], ...] = (
    ("/card", "nav.card", ft.Icons.BADGE),
    ("/family", "nav.family", ft.Icons.FAMILY_RESTROOM),
    ("/spots", "nav.spots", ft.Icons.LANDSCAPE),
    ("/savings", "nav.savings", ft.Icons.SAVINGS),
)
_FAMILY_CARD = re.compile(r"^/family/(\d+)$")


@dataclass
class Screen:
    """What one route shows: the view stack, on a card the QR panel to keep fresh, what to
    redraw in place when a sync or a save changes something (`live`, run on the UI loop), and
    what to stop when it leaves the page (`hidden`)."""

    route: str
    views: list[ft.View]
    qr: QrPanel | None = None
    live: list[Callable[[], None]] = field(default_factory=list)
    hidden: list[Callable[[], None]] = field(default_factory=list)  # the screen left: stop
    on_shown: Callable[[], Coroutine[Any, Any, None]] | None = None  # e.g. focus a field


Restyle = Callable[[Look, str], None]


def _keep(_: bool) -> None:
    """Elder mode chosen where nothing saves it (a preview, a test): it lasts the session."""


class Shell:
    """Builds the screen for a route. Knows nothing of the page, so tests drive it directly."""

    def __init__(self, services: MemberServices, *, language: str,
                 save_language: SaveLanguage, navigate: Navigate, elder: bool = False,
                 save_elder: SaveElder = _keep, restyle: Restyle | None = None) -> None:
        self.services = services
        self.tr = Translator(language, look_of(elder))
        self._save_language, self._save_elder = save_language, save_elder
        self._restyle, self._styled = restyle, (self.tr.look, self.tr.language)
        self.navigate = navigate
        self.on_language_change: Callable[[], None] = lambda: None
        self._live: list[Callable[[], None]] = []
        self._speaker = Speaker()  # the window's verdict tones: one pair of players per page

    def set_language(self, language: str) -> None:
        self.tr.language = language
        self._save_language(language)
        self.on_language_change()

    def set_elder(self, elder: bool) -> None:
        """长辈模式 on or off: saved, and every member screen is drawn in it from now on."""
        self.tr.look = look_of(elder)
        self._save_elder(elder)
        self.on_language_change()  # the same redraw of the screen as a language change

    def toggle_language(self) -> None:
        self.set_language("en" if self.tr.language == "zh" else "zh")

    def screen(self, route: str) -> Screen:
        self._live = []
        if self._restyle is not None and self._styled != (self.tr.look, self.tr.language):
            self._styled = (self.tr.look, self.tr.language)
            self._restyle(*self._styled)
        built = self._build(route)
        built.live.extend(self._live)
        return built

    def _build(self, route: str) -> Screen:
        path = route.split("?", 1)[0].rstrip("/") or HOME
        match = _FAMILY_CARD.match(path)
        if match:
            return self._family_card(int(match.group(1)))
        if path == CADRE_ROUTE or path.startswith(f"{CADRE_ROUTE}/"):
            return self._cadre(path)
        if path == HOME and self._is_window():
            path = WINDOW_ROUTE  # a window device opens on its scan screen
        builders: dict[str, Callable[[], Screen]] = {
            "/card": self._card, "/family": self._family, "/spots": self._spots,
            "/savings": self._savings, "/settings": self._settings, SYNC_ROUTE: self._sync,
            WINDOW_ROUTE: self._window, REPORT_ROUTE: self._report, "/activate": self._activate,
        }
        return builders.get(path, self._card)()

    # Member tabs ---------------------------------------------------------------------------

    def _card(self) -> Screen:
        wallet = self.services.wallet
        # A family member's own phone holds only their family card: that is their card.
        shown = wallet.member_card() or next(iter(wallet.family_cards()), None)
        body, qr = card_content(shown, wallet, self.tr)
        if shown is None:
            cadre = self.services.cadre  # a cadre's phone without a card: the way to 五个一
            body = ft.Column(horizontal_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                body, ft.FilledButton(self.tr("activate.title"), key="card-activate",
                                      icon=ft.Icons.VERIFIED_USER, height=self.tr.look.touch,
                                      on_click=lambda: self.navigate("/activate")),
                *([ft.OutlinedButton(self.tr("cadre.title"), key="card-cadre",
                                     icon=ft.Icons.ASSIGNMENT_IND, height=self.tr.look.touch,
                                     on_click=lambda: self.navigate(CADRE_ROUTE))]
                  if cadre is not None and cadre.is_enrolled() else [])])
        return Screen("/card", [self._tab_view("/card", body)], qr)

    def _family(self) -> Screen:
        page = FamilyPage(self.services.family, self.services.wallet, self.tr, self.navigate,
                          activated=self.services.activation.is_activated())
        self._live.append(page.render)
        return Screen("/family", [self._tab_view("/family", page.view)])

    def _activate(self) -> Screen:
        form = ActivationForm(self.services.activation, self.tr, self.navigate)
        return self._over_card("/activate", "activate.title", form.view)

    def _family_card(self, serial: int) -> Screen:
        wallet = self.services.wallet
        card = wallet.card(serial)
        base = self._family().views
        if card is None:
            body: ft.Control = empty_state(ft.Icons.HELP_OUTLINE, self.tr("family.not_found"),
                                           self.tr("family.hint"), key="family-missing",
                                           look=self.tr.look)
            qr = None
        else:
            body, qr = card_content(card, wallet, self.tr)
        route = f"/family/{serial}"
        return Screen(route, [*base, self._pushed_view(route, "family.title", body,
                                                       back="/family")], qr)

    def _spots(self) -> Screen:
        body = spots_list(self.services.catalog.price_rows(), self.tr)
        return Screen("/spots", [self._tab_view("/spots", body)])

    def _savings(self) -> Screen:
        body = savings_list(self.services.savings.summary(), self.tr)
        return Screen("/savings", [self._tab_view("/savings", body)])

    # Settings and the other roles ---------------------------------------------------------

    def _sync_panel(self) -> ft.Control | None:
        if self.services.sync is None:
            return None
        sync_panel = SyncPanel(self.services.sync, self.tr)
        self._live.append(sync_panel.render)
        return sync_panel.view

    def _settings(self) -> Screen:
        body = settings_page(self.tr, self.set_language, self.navigate, self._sync_panel(),
                             choose_elder=self.set_elder)
        return self._over_card("/settings", "nav.settings", body)

    def _sync(self) -> Screen:
        body = self._sync_panel() or empty_state(ft.Icons.CLOUD_OFF, self.tr("sync.title"),
                                                 self.tr("sync.never"), key="sync-none",
                                                 look=self.tr.look)
        return self._over_card(SYNC_ROUTE, "sync.title", body)

    def _is_window(self) -> bool:
        return self.services.window is not None and self.services.window.is_enrolled()

    def _window(self) -> Screen:
        station = self.services.window
        if station is None:
            body = not_enrolled("role.window", "role.window_body", self.tr, self.navigate)
            return self._over_card(WINDOW_ROUTE, "role.window", body)
        desk = station.desk()
        if desk is None:
            form = WindowEnrollForm(station, self.tr, self.navigate)
            return self._over_card(WINDOW_ROUTE, "window.enroll_title", form.view)
        screen = DeskScreen(desk, self.tr, self.navigate, speaker=self._speaker)
        self._live.append(screen.render_ages)
        spot = station.spot()
        title = f"{self.tr('window.title')} · {spot.spot_name if spot else ''}"
        view = ft.View(route=WINDOW_ROUTE, appbar=self._app_bar(title, report=True),
                       scroll=ft.ScrollMode.AUTO, bgcolor=theme.PAPER,
                       padding=ft.Padding.symmetric(horizontal=12, vertical=12),
                       controls=[*self._strip(), screen.view])
        return Screen(WINDOW_ROUTE, [view], hidden=[screen.camera.stop], on_shown=screen.focus)

    def _report(self) -> Screen:
        station = self.services.window
        base = self._window().views
        if station is None:
            return Screen(REPORT_ROUTE, base)
        screen = ReportScreen(station, self.tr)
        self._live.append(screen.render)
        return Screen(REPORT_ROUTE, [*base, self._pushed_view(REPORT_ROUTE, "report.open",
                                                              screen.view, back=WINDOW_ROUTE)])

    def _cadre(self, path: str) -> Screen:
        """The cadre's tab: enrollment, the dashboard, drafts, a record (views/cadre_routes)."""
        if self.services.cadre is None:
            body = not_enrolled("role.cadre", "role.cadre_body", self.tr, self.navigate)
            return self._over_card(CADRE_ROUTE, "role.cadre", body)
        built = cadre_screen(path, self.services.cadre, self.tr, self.navigate)
        self._live.extend(built.live)
        base = self._tab_view("/card", ft.Container())
        views = [self._pushed_view(layer.route, layer.title_key, layer.body, back=layer.back)
                 for layer in built.layers]
        return Screen(built.layers[-1].route, [base, *views], hidden=built.hidden)

    def _over_card(self, route: str, title_key: str, body: ft.Control) -> Screen:
        base = self._tab_view("/card", ft.Container())
        return Screen(route, [base, self._pushed_view(route, title_key, body, back=HOME)])

    # View chrome ----------------------------------------------------------------------------

    def _icon_button(self, icon: ft.IconData, key: str, name: str,
                     go: Callable[[], None]) -> ft.Control:
        """A white app-bar icon, as big as a finger needs in elder mode, that a screen reader
        reads as a button named in the UI's language (a tooltip alone names a node beside an
        unnamed button)."""
        look = self.tr.look
        side = look.touch if look.elder else None
        button = ft.IconButton(icon, key=key, tooltip=name, icon_color=ft.Colors.WHITE,
                               icon_size=look.icon, width=side, height=side, on_click=go)
        return NamedButton(key=f"{key}-named", label=name, button=True,
                           exclude_semantics=True, on_click=go, content=button)

    def _app_bar(self, title: str, *, report: bool = False,
                 back: str | None = None) -> ft.AppBar:
        """The red bar: 返回 on a pushed screen (not Flutter's own arrow, which is read "Back"
        in every language), the title, 当日报表 on a window, the language switch, settings."""
        look = self.tr.look
        extra: list[ft.Control] = [self._icon_button(
            ft.Icons.ASSESSMENT, "open-report", self.tr("report.open"),
            lambda: self.navigate(REPORT_ROUTE))] if report else []
        leading = None if back is None else self._icon_button(
            ft.Icons.ARROW_BACK, "back", self.tr("nav.back"), lambda: self.navigate(back))
        return ft.AppBar(
            leading=leading,
            leading_width=look.touch + 8 if look.elder and back else None,
            automatically_imply_leading=False,
            title=ft.Text(title, weight=ft.FontWeight.BOLD,
                          size=look.title if look.elder else None),
            toolbar_height=look.touch + 8 if look.elder else None,
            bgcolor=theme.UNION_RED,
            color=ft.Colors.WHITE,
            actions=[
                *extra,
                ft.TextButton(
                    self.tr("lang.switch"), key="lang-toggle", on_click=self.toggle_language,
                    height=look.touch if look.elder else None,
                    style=ft.ButtonStyle(color=ft.Colors.WHITE,
                                         text_style=theme.text_style(look.body)
                                         if look.elder else None),
                ),
                self._icon_button(ft.Icons.SETTINGS, "open-settings", self.tr("nav.settings"),
                                  lambda: self.navigate("/settings")),
            ],
        )

    def _nav_bar(self, route: str) -> ft.NavigationBar:
        routes = [tab_route for tab_route, _, _ in MEMBER_TABS]

        def on_change(e: ft.Event[ft.NavigationBar]) -> None:
            self.navigate(routes[e.control.selected_index])

        return ft.NavigationBar(
            key="member-nav",
            selected_index=routes.index(route),
            on_change=on_change,
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icon(icon, size=self.tr.look.icon),
                                            label=self.tr(label_key))
                for _, label_key, icon in MEMBER_TABS
            ],
        )

    def _strip(self) -> list[ft.Control]:
        """The sync strip, on the tabs of an activated phone (a demo card never syncs) and on
        an enrolled window."""
        if self.services.sync is None or not (self.services.activation.is_activated()
                                              or self._is_window()):
            return []
        strip = SyncStrip(self.services.sync, self.tr, self.navigate)
        self._live.append(strip.render)
        return [strip.view]

    def _tab_view(self, route: str, body: ft.Control) -> ft.View:
        return ft.View(
            route=route,
            appbar=self._app_bar(self.tr("app.title")),
            navigation_bar=self._nav_bar(route),
            scroll=ft.ScrollMode.AUTO,
            bgcolor=theme.PAPER,
            padding=ft.Padding.symmetric(horizontal=12, vertical=12),
            controls=[*self._strip(), body],
        )

    def _pushed_view(self, route: str, title_key: str, body: ft.Control, *,
                     back: str) -> ft.View:
        return ft.View(
            route=route,
            appbar=self._app_bar(self.tr(title_key), back=back),
            scroll=ft.ScrollMode.AUTO,
            bgcolor=theme.PAPER,
            padding=ft.Padding.symmetric(horizontal=12, vertical=12),
            controls=[body],
        )
