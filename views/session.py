"""One page session — a browser tab, the app's window — and what runs for it: the QR ticker of
the card on screen and the sync listener that redraws the screen's live parts. They start when
the page shows and stop when it goes; a reloaded page (the same Flet session, reconnected)
starts them again."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, Protocol

import flet as ft

from app.sync import SyncEvent
from views import theme
from views.services import MemberServices, SaveElder, SaveLanguage
from views.shell import HOME, Screen, Shell

TaskStarter = Callable[[Callable[[], Coroutine[Any, Any, None]]], "Future[None]"]
Subscribe = Callable[[Callable[[SyncEvent], None]], Callable[[], None]]


class Host(Protocol):
    """The part of `ft.Page` the shell drives (a fake in tests)."""

    route: str
    views: list[ft.View]

    def update(self) -> None: ...


class Session:
    """One page session (a browser tab, the app's window). Its screen's QR ticker and its sync
    listener belong to it: they run while its page is connected and stop when the page goes.

    In web mode a reload reconnects the same session — Flet calls `on_connect`, not the app's
    main — so `resume` starts them again; a new tab is a new session with its own.
    """

    def __init__(self, host: Host, shell: Shell, start_task: TaskStarter,
                 subscribe: Subscribe | None = None) -> None:
        self._host, self._shell, self._start_task = host, shell, start_task
        self._subscribe = subscribe
        self._unsubscribe: Callable[[], None] | None = None
        self._ticker: Future[None] | None = None
        self.screen: Screen | None = None
        shell.on_language_change = self.show

    def open(self) -> None:
        """The page is new: listen to the sync and show the page's route."""
        self._listen()
        self.show()

    def resume(self) -> None:
        """The page came back (a reload, a network blip): listen again, bring the screen up to
        date (what a sync changed meanwhile, the QR's current slot) and restart its ticker."""
        self._listen()
        if self.screen is None:
            self.show()
            return
        if self.screen.qr is not None:
            self.screen.qr.refresh()
        self._redraw()
        self._start_ticker()

    def leave(self) -> None:
        """The page went (disconnected, or its session expired): stop everything it ran."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.stop()
        self._hide()

    def show(self) -> None:
        self.stop()
        self._hide()
        self.screen = self._shell.screen(self._host.route)
        self._host.views.clear()
        self._host.views.extend(self.screen.views)
        self._host.update()
        self._start_ticker()
        if self.screen.on_shown is not None:
            self._start_task(self.screen.on_shown)

    async def redraw_live(self) -> None:
        """A save or a sync changed something: redraw the live parts of this screen in place
        (a half-typed form keeps what was typed)."""
        if self.screen is not None and self.screen.live:
            self._redraw()

    def stop(self) -> None:
        """Cancel the QR ticker (leaving the card, changing language, closing the page)."""
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def pop(self) -> None:
        """Back: go to the view under the top one."""
        views = self.screen.views if self.screen else []
        self._shell.navigate(views[-2].route if len(views) > 1 else HOME)

    def _listen(self) -> None:
        if self._subscribe is not None and self._unsubscribe is None:
            self._unsubscribe = self._subscribe(self._heard)

    def _heard(self, _event: SyncEvent) -> None:  # on the thread that saved or synced
        self._start_task(self.redraw_live)

    def _redraw(self) -> None:
        if self.screen is None:
            return
        for redraw in self.screen.live:
            redraw()
        self._host.update()

    def _start_ticker(self) -> None:
        self.stop()
        if self.screen is not None and self.screen.qr is not None:
            self._ticker = self._start_task(self.screen.qr.run)

    def _hide(self) -> None:
        if self.screen is not None:
            for hidden in self.screen.hidden:
                hidden()


def subscriptions(services: MemberServices) -> Subscribe | None:
    """Hear the member's sync and the cadre's (a phone may hold both): one listener, one
    unsubscribe."""
    engines = [e for e in (services.sync, services.cadre.sync if services.cadre else None)
               if e is not None]
    if not engines:
        return None

    def subscribe(listener: Callable[[SyncEvent], None]) -> Callable[[], None]:
        undo = [engine.subscribe(listener) for engine in engines]

        def unsubscribe() -> None:
            for one in undo:
                one()

        return unsubscribe

    return subscribe


def mount(page: ft.Page, services: MemberServices, *, language: str,
          save_language: SaveLanguage, elder: bool = False,
          save_elder: SaveElder | None = None) -> Session:
    """Wire a Flet page to the member's services; returns the session (for tests and main)."""
    shell = Shell(services, language=language, save_language=save_language,
                  navigate=page.navigate, elder=elder,
                  save_elder=save_elder or (lambda _elder: None),
                  restyle=lambda look, lang: theme.restyle(page, look, lang))
    theme.configure_page(page, shell.tr("app.title"))
    theme.restyle(page, shell.tr.look, shell.tr.language)
    session = Session(page, shell, page.run_task, subscriptions(services))
    page.on_route_change = session.show
    page.on_view_pop = session.pop
    page.on_connect = session.resume
    page.on_disconnect = session.leave
    page.on_close = session.leave
    session.open()
    return session
