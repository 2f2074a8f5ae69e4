"""Enrolling this phone for a union cadre: the code from the console and the district's address
(as the window's form). The request runs off the UI loop; a failure says why in the cadre's
language and keeps what was typed. Once enrolled the cadre tab opens on the dashboard."""

from __future__ import annotations

import flet as ft

from app.cadre_enroll import EnrolledCadre
from app.district_errors import DistrictError
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import CadreService, Navigate, Translator
from views.widgets import error_text, field, heading, hint, panel

CADRE_ROUTE = "/cadre"


class CadreEnrollForm:
    def __init__(self, service: CadreService, tr: Translator, navigate: Navigate, *,
                 redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[EnrolledCadre] = in_thread) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self._redraw, self._run = redraw, run_blocking
        look = tr.look
        self.code = field(tr("cadre.code"), "cadre-code", look=look,
                          capitalization=ft.TextCapitalization.CHARACTERS)
        self.server = field(tr("activate.server"), "cadre-server", service.server_url(),
                            keyboard_type=ft.KeyboardType.URL, look=look)
        self.submit = ft.FilledButton(tr("cadre.enroll"), key="cadre-enroll",
                                      icon=ft.Icons.ASSIGNMENT_IND, height=look.touch,
                                      on_click=self.enroll)
        self.busy = ft.ProgressRing(key="cadre-enroll-busy", visible=False, width=24,
                                    height=24, stroke_width=3)
        self.error = error_text("cadre-enroll-error", look=look)
        form = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                         controls=[self.code, self.server,
                                   ft.Row([self.submit, self.busy], spacing=12), self.error])
        self.view = ft.Column(key="cadre-enroll-form", spacing=12, controls=[
            heading(tr("cadre.enroll_title"), look=look),
            hint(tr("cadre.enroll_hint"), look=look), panel(form)])

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
        self._navigate(f"{CADRE_ROUTE}?enrolled")  # a route that differs: Flet shows it anew
