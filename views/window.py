"""The window's scan screen (SPEC §2 Window staff): a scan field that keeps the focus (a scanner
gun types the code and Enter), the verdict full width in its colour — green member, blue family,
amber check the ID, red refused with the reason — with its tone (views/sounds.py), the card's
tickets at its price, confirm (naming the ticket), sold. It goes back to scanning by itself; the
list ages, this shift's count and the sync state stay in view.

Scanning and selling are local (well under a millisecond and a few milliseconds): they run on the
UI loop so the verdict shows as soon as the text arrives.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import flet as ft

from app.chinatime import CHINA
from app.prices import format_yuan
from app.verdict_text import Colour, Words
from app.verify import Freshness, Reason
from app.window import DeskRefused, Offer, Scanned
from views import theme
from views.camera import CameraMode
from views.plumbing import Redraw, Sleep, redraw_control
from views.services import DeskService, Navigate, Translator
from views.sounds import Speaker, tone_for
from views.widgets import error_text, field, hint, panel

COLOURS = {Colour.GREEN: theme.MEMBER_GREEN, Colour.BLUE: theme.FAMILY_BLUE,
           Colour.AMBER: "#E65100", Colour.RED: "#B71C1C"}
REFUSED_RETURN, SOLD_RETURN, IDLE_RETURN = 6.0, 3.0, 90.0


def words(w: Words, tr: Translator) -> str:
    return w.en if tr.language == "en" else w.zh


class DeskScreen:
    def __init__(self, desk: DeskService, tr: Translator, navigate: Navigate, *,
                 redraw: Redraw = redraw_control, sleep: Sleep = asyncio.sleep,
                 speaker: Speaker | None = None) -> None:
        self._desk, self._tr, self._navigate = desk, tr, navigate
        self._redraw, self._sleep = redraw, sleep
        self._speaker = speaker or Speaker()
        self._scanned: Scanned | None = None
        self._chosen: Offer | None = None
        self._shown = 0  # bumps with every verdict: a pending auto-return checks it
        self.ages_bar = ft.Container(border_radius=8, padding=8)  # its line: render_ages
        self.shift_line = ft.Container(padding=ft.Padding.symmetric(horizontal=8))
        self.scan = self._scan_field()
        self.verdict = ft.Container(key="window-verdict", visible=False, border_radius=16,
                                    padding=ft.Padding.symmetric(horizontal=20, vertical=28))
        self.error = error_text("window-error")
        self.supervisor = field(tr("window.supervisor"), "window-supervisor")
        self.reason = field(tr("window.override_reason"), "window-override-reason")
        self.camera = CameraMode(tr, self.camera_scanned, redraw=redraw)
        # Stretched: the verdict spans the whole width, readable at arm's length.
        self.view = ft.Column(key="window-desk", spacing=12,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
                                  self.ages_bar, self.shift_line, self.scan, self.camera.view,
                                  self.error, self.verdict])
        self.render_ages()

    def _scan_field(self) -> ft.TextField:
        """A fresh, empty scan field that takes the focus. A new one after every scan: Flet
        does not send a value set back to empty to the browser, so the old field would keep
        the last code and the next scan would be appended to it."""
        return ft.TextField(key="window-scan", label=self._tr("window.scan_label"),
                            hint_text=self._tr("window.scan_hint"), autofocus=True,
                            text_size=theme.BODY, on_submit=self.scanned,
                            prefix_icon=ft.Icons.QR_CODE_SCANNER)

    # what is always in view -------------------------------------------------------------------

    def render_ages(self) -> None:
        ages = self._desk.list_ages()
        fresh = ages.freshness is Freshness.FRESH and not ages.clock_behind
        # A new Text rather than a changed one (see views/sync.py SyncStrip.render).
        self.ages = ft.Text(words(ages.words(), self._tr), key="window-ages", size=theme.SMALL,
                            weight=ft.FontWeight.BOLD,
                            color=theme.MEMBER_GREEN if fresh else ft.Colors.WHITE)
        self.ages_bar.content = self.ages
        self.ages_bar.bgcolor = ("#E8F5E9" if fresh else
                                 COLOURS[Colour.AMBER] if ages.freshness is Freshness.AGING
                                 else COLOURS[Colour.RED])
        self.render_shift()

    def render_shift(self) -> None:
        """本班 08:00 起：扫码 12 次 · 拒绝 1 · 售出 9 张 — the clerk's count for the shift."""
        shift = self._desk.shift()
        since = dt.datetime.fromtimestamp(shift.since, CHINA).strftime("%H:%M")
        self.shift_line.content = ft.Text(
            self._tr("window.shift", since=since, scans=shift.scans, refused=shift.refused,
                     sold=shift.sold), key="window-shift", size=theme.SMALL, color=theme.MUTED)

    # scanning ----------------------------------------------------------------------------------

    async def scanned(self) -> None:
        """Text and Enter arrived (a scanner gun, or typed/pasted): the verdict, at once."""
        text = (self.scan.value or "").strip()
        fresh = self._scan_field()
        self.view.controls[self.view.controls.index(self.scan)] = fresh
        self.scan = fresh
        if text:
            self.show(self._desk.scan(text))
        self._redraw(self.view)
        await self._refocus()

    def camera_scanned(self, text: str) -> None:
        """The camera read a card's QR: the same path as the scan field."""
        self.show(self._desk.scan(text))
        self._redraw(self.view)

    def show(self, scanned: Scanned) -> None:
        self._scanned, self._chosen, self.error.visible = scanned, None, False
        self._shown += 1
        self._speaker.play(tone_for(scanned.words.colour))
        self._draw_verdict()
        self.render_shift()
        valid = scanned.verdict.valid
        self._later(IDLE_RETURN if valid else REFUSED_RETURN)

    def _draw_verdict(self) -> None:
        scanned = self._scanned
        if scanned is None:
            self.verdict.visible = False
            return
        text, verdict = scanned.words, scanned.verdict
        lines: list[ft.Control] = [ft.Text(
            words(text.title, self._tr), key="verdict-title", size=44,
            weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE)]
        if verdict.claims is not None:
            lines.append(ft.Text(verdict.name, key="verdict-name", size=30,
                                 weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE))
        if text.detail is not None:
            lines.append(ft.Text(words(text.detail, self._tr), key="verdict-detail", size=22,
                                 color=ft.Colors.WHITE))
        lines.extend(self._actions(scanned))
        self.verdict.content = ft.Column(spacing=12, controls=lines,
                                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.verdict.bgcolor = COLOURS[text.colour]
        self.verdict.visible = True

    def _actions(self, scanned: Scanned) -> list[ft.Control]:
        if scanned.verdict.reason is Reason.LISTS_TOO_OLD:
            return [self._override_form()]
        if not scanned.offers:
            return []
        if self._chosen is not None:
            return [self._confirm(self._chosen)]
        return [self._offer(o) for o in scanned.offers]

    def _ticket_name(self, offer: Offer) -> str:
        return offer.ticket.name_en if self._tr.language == "en" else offer.ticket.name

    def _offer(self, offer: Offer) -> ft.Control:
        """The ticket's name over its prices: two lines that fit a phone held at the window."""
        name = self._ticket_name(offer)
        prices = f"¥{format_yuan(offer.list_fen)} → ¥{format_yuan(offer.price_fen)}"
        return ft.FilledButton(
            ft.Column(spacing=0, tight=True,
                      horizontal_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                          ft.Text(name, size=17), ft.Text(prices, size=22,
                                                          weight=ft.FontWeight.BOLD)]),
            key=f"offer-{offer.ticket.id}", height=theme.TOUCH + 24,
            bgcolor=ft.Colors.WHITE, color=theme.INK, on_click=lambda: self.choose(offer))

    def _confirm(self, offer: Offer) -> ft.Control:
        return ft.Row(wrap=True, spacing=12, controls=[
            ft.FilledButton(ft.Text(self._tr("window.confirm",
                                             price=format_yuan(offer.price_fen),
                                             ticket=self._ticket_name(offer)),
                                    size=22, weight=ft.FontWeight.BOLD),
                            key="window-confirm", height=theme.TOUCH + 12,
                            bgcolor=ft.Colors.WHITE, color=theme.INK, icon=ft.Icons.PAYMENTS,
                            on_click=self.sell),
            ft.TextButton(self._tr("family.cancel"), key="window-cancel",
                          style=ft.ButtonStyle(color=ft.Colors.WHITE),
                          on_click=lambda: self.choose(None))])

    def _override_form(self) -> ft.Control:
        return panel(ft.Column(spacing=8, controls=[
            hint(self._tr("window.override_hint")), self.supervisor, self.reason,
            ft.FilledButton(self._tr("window.override"), key="window-override",
                            on_click=self.override)]))

    # choosing and selling ----------------------------------------------------------------------

    def choose(self, offer: Offer | None) -> None:
        self._chosen = offer
        self._draw_verdict()
        self._redraw(self.view)

    async def sell(self) -> None:
        scanned, offer = self._scanned, self._chosen
        if scanned is None or offer is None:
            return
        try:
            sale = self._desk.sell(scanned, offer.ticket.id)
        except DeskRefused as refused:
            self.error.value, self.error.visible = words(refused.words, self._tr), True
            self._chosen = None
            self._draw_verdict()
            self._redraw(self.view)
            return
        self._scanned, self._chosen = None, None
        self._shown += 1
        self.verdict.content = ft.Text(
            self._tr("window.sold", price=format_yuan(sale.paid_fen), ticket=sale.ticket_name),
            key="window-sold", size=30, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE)
        self.verdict.bgcolor, self.verdict.visible = theme.MEMBER_GREEN, True
        self.render_shift()
        self._redraw(self.view)
        self._later(SOLD_RETURN)
        await self._refocus()

    async def override(self) -> None:
        try:
            again = self._desk.override(self.supervisor.value or "", self.reason.value or "")
        except DeskRefused as refused:
            self.error.value, self.error.visible = words(refused.words, self._tr), True
            self._redraw(self.view)
            return
        self.supervisor.value = self.reason.value = ""
        if again is not None:
            self.show(again)
        self._redraw(self.view)

    # back to scanning ----------------------------------------------------------------------------

    def _later(self, seconds: float) -> None:
        shown = self._shown
        page = self.view.page if self._attached() else None
        if page is not None:
            page.run_task(self._return_after, seconds, shown)

    def _attached(self) -> bool:
        try:
            return self.view.page is not None
        except RuntimeError:  # not on a page (tests drive the screen directly)
            return False

    async def _return_after(self, seconds: float, shown: int) -> None:
        await self._sleep(seconds)
        if shown == self._shown:
            self.back_to_scanning()

    def back_to_scanning(self) -> None:
        self._scanned, self._chosen = None, None
        self.verdict.visible = False
        self.render_ages()
        self._redraw(self.view)

    async def focus(self) -> None:
        """When the screen is shown: the verdict tones get their players on this page, and the
        scan field takes the focus (a scanner gun's keys go nowhere otherwise)."""
        if self._attached():
            self._speaker.attach()
        await self._refocus()

    async def _refocus(self) -> None:
        if self._attached():
            await self.scan.focus()  # type: ignore[no-untyped-call]  # Flet leaves it bare
