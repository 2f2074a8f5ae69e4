"""Enrolling this device as a scenic spot's window: the code from the console and the server.

The request runs off the UI loop; a failure says why in the clerk's language and keeps what was
typed. Once enrolled the device opens on the scan screen.
"""

from __future__ import annotations

import flet as ft

from app.district_errors import DistrictError
from app.window_enroll import EnrolledSpot
from views import theme
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import Navigate, Translator, WindowService
from views.widgets import error_text, field, heading, hint, panel

WINDOW_ROUTE = "/window"


class WindowEnrollForm:
    def __init__(self, service: WindowService, tr: Translator, navigate: Navigate, *,
                 redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[EnrolledSpot] = in_thread) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self._redraw, self._run = redraw, run_blocking
        self.code = field(tr("window.code"), "window-code",
                          capitalization=ft.TextCapitalization.CHARACTERS)
        self.server = field(tr("activate.server"), "window-server", service.server_url(),
                            keyboard_type=ft.KeyboardType.URL)
        self.submit = ft.FilledButton(tr("window.enroll"), key="window-enroll",
                                      icon=ft.Icons.STOREFRONT, height=theme.TOUCH,
                                      on_click=self.enroll)
        self.busy = ft.ProgressRing(key="window-enroll-busy", visible=False, width=24,
                                    height=24, stroke_width=3)
        self.error = error_text("window-enroll-error")
        form = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                         controls=[self.code, self.server,
                                   ft.Row([self.submit, self.busy], spacing=12), self.error])
        self.view = ft.Column(key="window-enroll-form", spacing=12, controls=[
            heading(tr("window.enroll_title")), hint(tr("window.enroll_hint")), panel(form)])

    async def enroll(self) -> None:
        code, server = self.code.value or "", self.server.value or ""
        self.busy.visible, self.submit.disabled, self.error.visible = True, True, False
        self._redraw(self.view)
        try:
            await self._run(lambda: self._service.enroll(code, server))
        except DistrictError as exc:
            self.error.value, self.error.visible = exc.message(self._tr.language), True
            return
        finally:
            self.busy.visible, self.submit.disabled = False, False
            self._redraw(self.view)
        # The form is on /window already: a route that differs makes Flet show the desk.
        self._navigate(f"{WINDOW_ROUTE}?enrolled")
