"""The study meeting's check-in on the cadre's phone (SPEC §10 "Meeting check-in").

This month's meetings the phone has pulled — title, time, place — each with its check-in in
colour, an icon AND words: not checked in, checked in (verified here; to be verified by the
district, for a typed code; confirmed), or refused by the district in its words. At the chosen
meeting (the first one still open, or the one tapped) two ways to check in: 扫码签到 opens the
camera (`views.camera.CameraMode`, the window's, reading meeting passes) and the pass is checked
at once, offline; or the 6-character code beneath the QR, typed. A refusal on the phone is said
on the spot and nothing is recorded; a check-in is submitted at once (no draft).
"""

from __future__ import annotations

import datetime as dt

import flet as ft

from app.chinatime import CHINA
from app.meeting_checkin import MeetingEntry
from app.meeting_pass import PassRefused
from views import theme
from views.cadre_dashboard import checkin_route, record_route
from views.cadre_text import checkin_words, refusal_words
from views.camera import CameraMode
from views.plumbing import Redraw, redraw_control
from views.qr_decode import QrDecoder, meeting_text
from views.services import CadreService, Navigate, Translator
from views.widgets import empty_state, error_text, field, hint, panel

CAMERA_LABELS = {"toggle_on": "ccamera.toggle_on", "watching": "ccamera.watching",
                 "nothing": "ccamera.nothing"}


def when_words(entry: MeetingEntry, tr: Translator) -> str:
    """11月18日 18:30–20:00 (China time)."""
    starts = dt.datetime.fromtimestamp(entry.meeting.starts_at, CHINA)
    ends = dt.datetime.fromtimestamp(entry.meeting.ends_at, CHINA)
    return tr("checkin.when", month=starts.month, day=starts.day, start=starts.strftime("%H:%M"),
              end=ends.strftime("%H:%M"))


class StatusLines:
    """One meeting's check-in in words, its record and 在这次例会签到 — changed in place, so
    a tap is never lost to a redraw that replaced the button under the finger."""

    def __init__(self, meeting_id: int, tr: Translator, navigate: Navigate) -> None:
        self._tr, self._navigate, look = tr, navigate, tr.look
        self.record_id: str | None = None
        self.icon = ft.Icon(ft.Icons.SCHEDULE, size=look.small + 3)
        self.words = ft.Text("", key=f"checkin-state-{meeting_id}", size=look.body,
                             weight=ft.FontWeight.BOLD, expand=True)
        self.record = ft.TextButton(tr("checkin.record"), key=f"checkin-record-{meeting_id}",
                                    height=look.touch, on_click=self.open_record)
        self.here = ft.OutlinedButton(tr("checkin.here"), key=f"checkin-here-{meeting_id}",
                                      icon=ft.Icons.HOW_TO_REG, height=look.touch,
                                      on_click=lambda: navigate(checkin_route(meeting_id)))
        self.view = ft.Column(spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                              controls=[ft.Row(spacing=6, controls=[self.icon, self.words]),
                                        self.record, self.here])

    def show(self, entry: MeetingEntry, chosen: bool, today: dt.date) -> None:
        words, colour, icon = checkin_words(entry, self._tr, today)
        self.words.value, self.words.color = words, colour
        self.icon.icon, self.icon.color = icon, colour
        self.record_id = entry.record.record_id if entry.record is not None else None
        self.record.visible = self.record_id is not None
        self.here.visible = not chosen and not entry.checked_in and entry.meeting.day <= today

    def open_record(self) -> None:
        if self.record_id is not None:
            self._navigate(record_route(self.record_id))


class CheckinScreen:
    def __init__(self, service: CadreService, tr: Translator, navigate: Navigate,
                 chosen: int | None = None, *, redraw: Redraw = redraw_control,
                 decoders: list[QrDecoder] | None = None) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self._redraw, self._asked = redraw, chosen
        self._meeting = 0  # the meeting the two ways check in at (set when drawn)
        self.camera = CameraMode(tr, self.scanned, redraw=redraw, decoders=decoders,
                                 pick=meeting_text, key="cadre", labels=CAMERA_LABELS)
        self.camera.capture_button.height = self.camera.toggle.height = tr.look.touch
        self.code = field(tr("checkin.code"), "checkin-code", look=tr.look,
                          capitalization=ft.TextCapitalization.CHARACTERS)
        self.code.on_submit = self.typed
        self.error = error_text("checkin-error", look=tr.look)
        self.done = ft.Text("", key="checkin-done", visible=False, size=tr.look.body,
                            color=theme.MEMBER_GREEN, weight=ft.FontWeight.BOLD)
        send = ft.FilledButton(tr("checkin.send_code"), key="checkin-send-code",
                               icon=ft.Icons.KEYBOARD, height=tr.look.touch,
                               on_click=self.typed)
        self.ways = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                              controls=[hint(tr("checkin.scan_hint"), look=tr.look),
                                        self.error, self.camera.view, self.code, send])
        self._shape: tuple[tuple[int, ...], int | None] | None = None  # what the cards show
        self._status: dict[int, StatusLines] = {}
        self.view = ft.Column(key="cadre-checkin", spacing=12,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def chosen(self) -> int | None:
        """The meeting to check in at: the one asked for while it is still open, else the first
        one open today or before."""
        today = self._service.book.today()
        open_now = [e.meeting.id for e in self._service.checkins.this_month()
                    if not e.checked_in and e.meeting.day <= today]
        asked = self._service.checkins.find(self._asked) if self._asked is not None else None
        if asked is not None and not asked.checked_in and asked.meeting.day <= today:
            return asked.meeting.id
        return open_now[0] if open_now else None

    def render(self) -> None:
        """The meetings' states, in place: the cards (and the camera in the chosen one) are
        rebuilt only when the meetings or the chosen one change — a sync while the camera is
        on must not take its preview away."""
        entries = self._service.checkins.this_month()
        if not entries:
            self._shape = None
            self.view.controls = [self.done, empty_state(
                ft.Icons.GROUPS, self._tr("checkin.none"), "", key="checkin-none",
                look=self._tr.look)]
            return
        chosen = self.chosen()
        shape = (tuple(e.meeting.id for e in entries), chosen)
        if shape != self._shape:
            self._shape, self._meeting = shape, chosen or 0
            self._status = {e.meeting.id: StatusLines(e.meeting.id, self._tr, self._navigate)
                            for e in entries}
            self.view.controls = [self.done, *(self._card(e, e.meeting.id == chosen)
                                               for e in entries)]
        today = self._service.book.today()
        for entry in entries:
            self._status[entry.meeting.id].show(entry, entry.meeting.id == chosen, today)

    def _card(self, entry: MeetingEntry, chosen: bool) -> ft.Control:
        tr, look, mid = self._tr, self._tr.look, entry.meeting.id
        lines: list[ft.Control] = [
            ft.Text(entry.meeting.title, size=look.body, weight=ft.FontWeight.BOLD,
                    color=theme.INK),
            ft.Text(when_words(entry, tr), size=look.small, color=theme.INK),
            ft.Text(tr("checkin.place", place=entry.meeting.place or "—"), size=look.small,
                    color=theme.MUTED),
            self._status[mid].view, *([self.ways] if chosen else [])]
        return panel(ft.Column(spacing=6, controls=lines,
                               horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                     key=f"meeting-{mid}", padding=14)

    # checking in -----------------------------------------------------------------------------

    def scanned(self, text: str) -> None:
        """The camera read a meeting pass: verified here, at once."""
        self._answer(self._service.checkins.scan(self._meeting, text))

    def typed(self) -> None:
        self._answer(self._service.checkins.type_code(self._meeting, self.code.value or ""))

    def _answer(self, result: MeetingEntry | PassRefused) -> None:
        if isinstance(result, PassRefused):  # said beside the camera, which stays on
            self.error.value, self.error.visible = refusal_words(result, self._tr), True
            self._redraw_view(self.error)
            return
        self.camera.stop()
        self.code.value, self.error.visible = "", False
        self.done.value = f"{self._tr('checkin.done')} · {result.meeting.title}"
        self.done.visible = True
        self._asked = None
        self.render()
        self._redraw_view(self.view)

    def _redraw_view(self, control: ft.Control) -> None:
        try:
            attached = control.page is not None
        except RuntimeError:  # not on a page (tests drive the screen directly)
            attached = False
        if attached:
            self._redraw(control)
