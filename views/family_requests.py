"""The family page: the family cards on this phone, the requests (waiting to send, or as the
district has them), a form to ask for a new family card (申请家属卡), 刷新 (sync now), withdraw.

A request is saved on the phone and sent by the sync, which runs by itself; the page redraws
when a sync brings news. What talks to the district runs off the UI loop.
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.district_errors import DistrictError
from app.family import InvalidFamilyRequest
from app.models import FamilyMember, FamilyRequest, FamilyState
from views import theme
from views.family import family_list
from views.family_form import RELATION_KEYS, FamilyForm
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import FamilyService, Navigate, Translator, WalletService
from views.widgets import error_text, heading, hint, list_row, panel

STATE_KEYS = {FamilyState.PENDING: "family.state_pending",
              FamilyState.APPROVED: "family.state_approved",
              FamilyState.REJECTED: "family.state_rejected"}


class FamilyPage:
    """The page's controls are built once; `render` refills the lists (the cards, the requests)
    and leaves the form where it is, so a half-typed request survives a sync's redraw."""

    def __init__(self, service: FamilyService, wallet: WalletService, tr: Translator,
                 navigate: Navigate, *, activated: bool, redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[object] = in_thread) -> None:
        self._service, self._wallet, self._tr, self._navigate = service, wallet, tr, navigate
        self._activated, self._redraw, self._run = activated, redraw, run_blocking
        self._confirming: int | None = None
        self._forms = 0  # forms put up so far: each new one gets a key of its own
        look = tr.look
        self.busy = ft.ProgressRing(key="family-busy", visible=False, width=24, height=24,
                                    stroke_width=3)
        self.message = ft.Text("", key="family-message", visible=False, size=look.body,
                               color=theme.INK)
        self.error = error_text("family-error", look=look)
        self.form = FamilyForm(tr, self.request)
        self._form_slot = ft.Container(key="family-form", content=self.form.view)
        self._cards = ft.Column(key="family-cards")
        self._known = ft.Column(key="family-known", spacing=8)
        self.view = ft.Column(key="family-page", spacing=12, controls=[
            self._cards, self._toolbar(), self.message, self.error, self._known,
            self._form_slot if activated else self._activate_first()])
        self.render()

    # The form's fields, as the tests and the page's handlers reach them
    @property
    def name(self) -> ft.TextField:
        return self.form.name

    @property
    def relation(self) -> ft.Dropdown:
        return self.form.relation

    @property
    def id_last4(self) -> ft.TextField:
        return self.form.id_last4

    # Layout ---------------------------------------------------------------------------------

    def render(self) -> None:
        tr = self._tr
        if self.form.note.value == tr("family.queued") and not self._service.pending():
            self.form.note.visible = False  # it was sent: the rows above say what became of it
        self._cards.controls = [family_list(self._wallet.family_cards(), tr, self._navigate)]
        self._known.controls = self._requests()

    def _toolbar(self) -> ft.Row:
        return ft.Row(spacing=12, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
            ft.OutlinedButton(self._tr("family.refresh"), key="family-refresh",
                              icon=ft.Icons.REFRESH, height=self._tr.look.touch,
                              disabled=not self._activated, on_click=self.refresh),
            self.busy,
        ])

    def _requests(self) -> list[ft.Control]:
        rows: list[ft.Control] = [self._pending_row(r) for r in self._service.pending()]
        rows += [self._member_row(m) for m in self._service.known
                 if m.state is not FamilyState.WITHDRAWN]
        if not rows:
            return []
        return [heading(self._tr("family.requests"), look=self._tr.look),
                panel(ft.Column(spacing=0, controls=rows), padding=4)]

    def _pending_row(self, request: FamilyRequest) -> ft.Container:
        look = self._tr.look
        return list_row(
            key=f"family-pending-{request.id}", look=look,
            leading=ft.Icon(ft.Icons.SCHEDULE_SEND, color=theme.MUTED, size=look.icon),
            title=ft.Text(request.name, size=look.body, weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(f"{self._relation(request.relation)} · "
                             f"{self._tr('family.state_unsent')}", size=look.small,
                             color=theme.MUTED))

    def _member_row(self, member: FamilyMember) -> ft.Container:
        state, look = self._tr(STATE_KEYS.get(member.state, "family.state_pending")), self._tr.look
        return list_row(
            key=f"family-member-{member.number}", look=look,
            leading=ft.Icon(ft.Icons.PERSON, color=theme.FAMILY_BLUE, size=look.icon),
            title=ft.Text(member.name, size=look.body, weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(f"{self._relation(member.relation)} · {state}", size=look.small,
                             color=theme.MUTED),
            trailing=self._withdraw_control(member))

    def _withdraw_control(self, member: FamilyMember) -> ft.Control:
        n, touch = member.number, self._tr.look.touch
        if self._confirming != n:
            return ft.TextButton(self._tr("family.withdraw"), key=f"family-withdraw-{n}",
                                 height=touch, on_click=lambda: self._confirm(n))
        return ft.Row(tight=True, spacing=4, controls=[
            ft.FilledButton(self._tr("family.withdraw_confirm"), key=f"family-confirm-{n}",
                            bgcolor=ft.Colors.RED_800, height=touch,
                            on_click=self._withdraw_of(member)),
            ft.TextButton(self._tr("family.cancel"), key=f"family-cancel-{n}", height=touch,
                          on_click=lambda: self._confirm(None)),
        ])

    def _activate_first(self) -> ft.Column:
        return ft.Column(key="family-activate-first", spacing=8, controls=[
            hint(self._tr("family.activate_first"), look=self._tr.look),
            ft.FilledButton(self._tr("activate.title"), key="family-go-activate",
                            icon=ft.Icons.VERIFIED_USER, height=self._tr.look.touch,
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
        """Save the request (the sync sends it); a problem shows under the field at fault."""
        name, relation, last4 = self.form.values()
        try:
            await self._run(lambda: self._service.request(name, relation, last4))
        except InvalidFamilyRequest as problem:
            self.form.refuse(problem)
        except DistrictError as exc:
            self.form.say(exc.message(self._tr.language), error=True)
        else:  # a new, empty form for the next request, saying this one was saved
            self._forms += 1
            self.form = FamilyForm(self._tr, self.request, self._forms)
            self.form.say(self._tr("family.queued"))
            self._form_slot.content = self.form.view
        self._show()

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
