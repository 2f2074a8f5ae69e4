"""The family page: the family cards on this phone, the requests (waiting to send, or as the
district has them), a form to ask for a new family card (申请家属卡), 刷新 (sync now), withdraw.

A request is saved on the phone and sent by the sync, which runs by itself; the page redraws
when a sync brings news. What talks to the district runs off the UI loop.
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.district_errors import DistrictError
from app.family import RELATIONS
from app.models import FamilyMember, FamilyRequest, FamilyState
from views import theme
from views.family import family_list
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import FamilyService, Navigate, Translator, WalletService
from views.widgets import error_text, field, heading, hint, panel

RELATION_KEYS = dict(zip(RELATIONS, ("relation.spouse", "relation.child", "relation.father",
                                     "relation.mother", "relation.other"), strict=True))
STATE_KEYS = {FamilyState.PENDING: "family.state_pending",
              FamilyState.APPROVED: "family.state_approved",
              FamilyState.REJECTED: "family.state_rejected"}


class FamilyPage:
    def __init__(self, service: FamilyService, wallet: WalletService, tr: Translator,
                 navigate: Navigate, *, activated: bool, redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[object] = in_thread) -> None:
        self._service, self._wallet, self._tr, self._navigate = service, wallet, tr, navigate
        self._activated, self._redraw, self._run = activated, redraw, run_blocking
        self._confirming: int | None = None
        self._new_form()
        self.busy = ft.ProgressRing(key="family-busy", visible=False, width=24, height=24,
                                    stroke_width=3)
        self.message = ft.Text("", key="family-message", visible=False, size=theme.BODY,
                               color=theme.INK)
        self.error = error_text("family-error")
        self.view = ft.Column(key="family-page", spacing=12)
        self.render()

    def _new_form(self) -> None:
        """Fresh, empty form fields. After a request is saved the form is built anew: Flet does
        not send a value set back to its default to the browser, so a cleared field would still
        show what was typed (and invite a second request)."""
        tr = self._tr
        self.name = field(tr("family.name"), "family-name")
        self.relation = ft.Dropdown(
            key="family-relation", label=tr("family.relation"), text_size=theme.BODY,
            expand=True, options=[ft.DropdownOption(key=r, text=tr(RELATION_KEYS[r]))
                                  for r in RELATIONS])
        self.id_last4 = field(tr("family.id_tail"), "family-id-last4",
                              capitalization=ft.TextCapitalization.CHARACTERS)

    # Layout ---------------------------------------------------------------------------------

    def render(self) -> None:
        tr = self._tr
        if self.message.value == tr("family.queued") and not self._service.pending():
            self.message.visible = False  # it was sent: the rows below say what became of it
        self.view.controls = [
            family_list(self._wallet.family_cards(), tr, self._navigate),
            self._toolbar(),
            self.message,
            self.error,
            *self._requests(),
            self._form() if self._activated else self._activate_first(),
        ]

    def _toolbar(self) -> ft.Row:
        return ft.Row(spacing=12, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
            ft.OutlinedButton(self._tr("family.refresh"), key="family-refresh",
                              icon=ft.Icons.REFRESH, height=theme.TOUCH,
                              disabled=not self._activated, on_click=self.refresh),
            self.busy,
        ])

    def _requests(self) -> list[ft.Control]:
        rows: list[ft.Control] = [self._pending_row(r) for r in self._service.pending()]
        rows += [self._member_row(m) for m in self._service.known
                 if m.state is not FamilyState.WITHDRAWN]
        if not rows:
            return []
        return [heading(self._tr("family.requests")),
                panel(ft.Column(spacing=0, controls=rows), padding=4)]

    def _pending_row(self, request: FamilyRequest) -> ft.ListTile:
        return ft.ListTile(
            key=f"family-pending-{request.id}", min_height=theme.TOUCH,
            leading=ft.Icon(ft.Icons.SCHEDULE_SEND, color=theme.MUTED),
            title=ft.Text(request.name, size=theme.BODY, weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(f"{self._relation(request.relation)} · "
                             f"{self._tr('family.state_unsent')}", size=theme.SMALL,
                             color=theme.MUTED))

    def _member_row(self, member: FamilyMember) -> ft.ListTile:
        state = self._tr(STATE_KEYS.get(member.state, "family.state_pending"))
        return ft.ListTile(
            key=f"family-member-{member.number}", min_height=theme.TOUCH,
            leading=ft.Icon(ft.Icons.PERSON, color=theme.FAMILY_BLUE),
            title=ft.Text(member.name, size=theme.BODY, weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(f"{self._relation(member.relation)} · {state}", size=theme.SMALL,
                             color=theme.MUTED),
            trailing=self._withdraw_control(member))

    def _withdraw_control(self, member: FamilyMember) -> ft.Control:
        n = member.number
        if self._confirming != n:
            return ft.TextButton(self._tr("family.withdraw"), key=f"family-withdraw-{n}",
                                 on_click=lambda: self._confirm(n))
        return ft.Row(tight=True, spacing=4, controls=[
            ft.FilledButton(self._tr("family.withdraw_confirm"), key=f"family-confirm-{n}",
                            bgcolor=ft.Colors.RED_800, on_click=self._withdraw_of(member)),
            ft.TextButton(self._tr("family.cancel"), key=f"family-cancel-{n}",
                          on_click=lambda: self._confirm(None)),
        ])

    def _form(self) -> ft.Column:
        send = ft.FilledButton(self._tr("family.send"), key="family-send", icon=ft.Icons.SEND,
                               height=theme.TOUCH, on_click=self.request)
        fields = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                           controls=[self.name, ft.Row([self.relation]), self.id_last4, send])
        return ft.Column(key="family-form", spacing=8, controls=[
            heading(self._tr("family.request_title")), hint(self._tr("family.request_hint")),
            panel(fields)])

    def _activate_first(self) -> ft.Column:
        return ft.Column(key="family-activate-first", spacing=8, controls=[
            hint(self._tr("family.activate_first")),
            ft.FilledButton(self._tr("activate.title"), key="family-go-activate",
                            icon=ft.Icons.VERIFIED_USER, height=theme.TOUCH,
                            on_click=lambda: self._navigate("/activate"))])

    def _relation(self, relation: str) -> str:
        key = RELATION_KEYS.get(relation)
        return self._tr(key) if key else relation

    # Actions --------------------------------------------------------------------------------

    def _show(self, message: str | None = None, error: str | None = None) -> None:
        self.message.value, self.message.visible = message or "", message is not None
        self.error.value, self.error.visible = error or "", error is not None
        self.render()
        self._redraw(self.view)

    async def _talk(self, call: Callable[[], object]) -> bool:
        """Run a district call off the UI loop; False (and the reason shown) when it failed."""
        self.busy.visible = True
        self._show()
        try:
            await self._run(call)
        except DistrictError as exc:
            self.busy.visible = False
            self._show(error=exc.message(self._tr.language))
            return False
        self.busy.visible = False
        return True

    async def request(self) -> None:
        name, last4 = self.name.value or "", self.id_last4.value or ""
        relation = self.relation.value or ""
        if not await self._talk(lambda: self._service.request(name, relation, last4)):
            return
        self._new_form()
        self._show(self._tr("family.queued"))

    async def refresh(self) -> None:
        failed: list[DistrictError] = []

        def sync_now() -> None:
            problem = self._service.refresh().error
            if isinstance(problem, DistrictError):
                failed.append(problem)

        if await self._talk(sync_now):
            if failed:
                self._show(error=failed[0].message(self._tr.language))
            else:
                self._show(self._tr("family.refreshed"))

    def _confirm(self, number: int | None) -> None:
        self._confirming = number
        self._show()

    def _withdraw_of(self, member: FamilyMember) -> Callable[[], object]:
        async def withdraw() -> None:
            self._confirming = None
            if await self._talk(lambda: self._service.withdraw(member)):
                self._show(self._tr("family.withdrawn", name=member.name))
        return withdraw
