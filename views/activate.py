"""The activation screen: member number, one-time code and the district server's address.

The request runs off the UI loop (a blocked handler would freeze every session); the form shows
a progress ring meanwhile and, when it fails, says why in the member's language.
"""

from __future__ import annotations

import flet as ft

from app.activation import Activated
from app.district_errors import DistrictError
from views import theme
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import ActivationService, Navigate, Translator
from views.widgets import error_text, field, heading, hint, panel


class ActivationForm:
    """The form's controls and its one action; `view` is what the screen shows."""

    def __init__(self, service: ActivationService, tr: Translator, navigate: Navigate, *,
                 redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[Activated] = in_thread) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self._redraw, self._run = redraw, run_blocking
        look = tr.look
        self.member_no = field(tr("activate.member_no"), "activate-member-no", look=look,
                               capitalization=ft.TextCapitalization.CHARACTERS)
        self.code = field(tr("activate.code"), "activate-code", look=look,
                          capitalization=ft.TextCapitalization.CHARACTERS)
        self.server = field(tr("activate.server"), "activate-server", service.server_url(),
                            keyboard_type=ft.KeyboardType.URL, look=look)
        self.submit = ft.FilledButton(tr("activate.submit"), key="activate-submit",
                                      icon=ft.Icons.VERIFIED_USER, height=look.touch,
                                      on_click=self.activate)
        self.busy = ft.Row(key="activate-busy", visible=False, controls=[
            ft.ProgressRing(width=24, height=24, stroke_width=3),
            ft.Text(tr("activate.working"), size=look.body, color=theme.MUTED)])
        self.error = error_text("activate-error", look=look)
        self.view = self._layout()

    def _layout(self) -> ft.Column:
        tr = self._tr
        form = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                         controls=[self.member_no, self.code, self.server, self.submit,
                                   self.busy, self.error])
        return ft.Column(key="activate", spacing=12, controls=[
            heading(tr("activate.title"), look=tr.look),
            hint(tr("activate.hint"), look=tr.look),
            panel(form),
            hint(tr("activate.server_hint"), look=tr.look),
        ])

    def _set_busy(self, busy: bool) -> None:
        self.busy.visible = busy
        self.submit.disabled = busy
        if busy:
            self.error.visible = False
        self._redraw(self.view)

    async def activate(self) -> None:
        """Send the code; on success show the card, else say why and keep what was typed."""
        member_no, code = self.member_no.value or "", self.code.value or ""
        server = self.server.value or ""
        self._set_busy(True)
        try:
            await self._run(lambda: self._service.activate(member_no, code, server))
        except DistrictError as exc:
            self.error.value = exc.message(self._tr.language)
            self.error.visible = True
            self._set_busy(False)
            return
        self._set_busy(False)
        self._navigate("/card")
