"""The cadre's first screen once enrolled: the 五个一 dashboard (SPEC §10).

Earlier periods still open on top (overdue first), then this month, this two-month block and
this quarter; each row a duty (a needy worker for visits) with its state in colour, an icon AND
words — due with its last day, returned with the reviewer's comment. A tap opens the row's
record, or starts a new draft dated today (the period's last day for an earlier period); the
study meeting's row, and 例会签到 above, open the meetings' check-in. The computation is
`app.cadre_dashboard`; this draws it.
"""

from __future__ import annotations

import flet as ft

from app.cadre_dashboard import Dashboard, DashboardRow
from app.duties import CellState, Duty
from views import theme
from views.cadre_text import DUTY_ICONS, STATE_LOOKS, duty_name, period_name, state_words
from views.services import CadreService, Navigate, Translator
from views.widgets import heading, hint, panel

RECORD_ROUTE = "/cadre/record/"
DRAFTS_ROUTE = "/cadre/drafts"
CHECKIN_ROUTE = "/cadre/checkin"


def record_route(record_id: str) -> str:
    return f"{RECORD_ROUTE}{record_id}"


def checkin_route(meeting_id: int) -> str:
    return f"{CHECKIN_ROUTE}/{meeting_id}"


class DashboardScreen:
    def __init__(self, service: CadreService, tr: Translator, navigate: Navigate) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self.view = ft.Column(key="cadre-dashboard", spacing=10,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.render()

    def render(self) -> None:
        board = self._service.dashboard()
        self.view.controls = [self._header(board), *self._sections(board)]

    def _header(self, board: Dashboard) -> ft.Control:
        tr, look = self._tr, self._tr.look
        cadre = self._service.cadre()
        who = tr("cadre.who", name=cadre.cadre_name, no=cadre.cadre_no) if cadre else ""
        todo = board.attention()
        drafts = len(self._service.book.drafts())
        line = tr("cadre.attention", n=todo) if todo else tr("cadre.all_done")
        profile = self._service.profile()
        assigned = [] if profile is None else [
            ft.Text(tr("cadre.assigned", enterprise=profile.enterprise or "—",
                       mentor=profile.mentor or "—"), key="cadre-assigned",
                    size=look.small, color=theme.MUTED)]
        return panel(ft.Column(spacing=6, controls=[
            ft.Text(who, key="cadre-who", size=look.body, weight=ft.FontWeight.BOLD,
                    color=theme.INK), *assigned,
            ft.Text(line, key="cadre-attention", size=look.small,
                    color=theme.ERROR_RED if todo else theme.MEMBER_GREEN),
            ft.Row(spacing=8, wrap=True, controls=[
                ft.OutlinedButton(tr("cadre.drafts", n=drafts), key="cadre-drafts",
                                  icon=ft.Icons.EDIT_NOTE, height=look.touch,
                                  on_click=lambda: self._navigate(DRAFTS_ROUTE)),
                ft.FilledButton(tr("cadre.checkin"), key="cadre-checkin",
                                icon=ft.Icons.QR_CODE_SCANNER, height=look.touch,
                                on_click=lambda: self._navigate(CHECKIN_ROUTE))]),
        ]), key="cadre-header", padding=12)

    def _sections(self, board: Dashboard) -> list[ft.Control]:
        tr = self._tr
        found: list[ft.Control] = []
        for key, title, rows in (("earlier", "cadre.earlier", board.earlier),
                                 ("month", "cadre.month", board.month),
                                 ("block", "cadre.block", board.block),
                                 ("quarter", "cadre.quarter", board.quarter)):
            if not rows and key != "quarter":
                continue
            body: list[ft.Control] = [self._row(r) for r in rows] or [
                hint(tr("cadre.no_workers"), key="cadre-no-workers", look=tr.look)]
            found += [heading(tr(title), key=f"cadre-{key}", look=tr.look),
                      panel(ft.Column(spacing=0, controls=body), padding=4)]
        return found

    def _row(self, row: DashboardRow) -> ft.Container:
        tr, look = self._tr, self._tr.look
        colour, icon = STATE_LOOKS[row.state]
        title = duty_name(row.duty, tr) + (f" · {row.subject_name}" if row.subject_name else "")
        words = state_words(row.state, tr, due=row.period, reason=row.reason)
        lines: list[ft.Control] = [
            ft.Text(title, size=look.body, weight=ft.FontWeight.BOLD, color=theme.INK),
            ft.Row(spacing=6, controls=[
                ft.Icon(icon, color=colour, size=look.small + 3),
                ft.Text(words, key=f"state-{row.key}", size=look.small, color=colour,
                        weight=ft.FontWeight.BOLD, expand=True)]),
            ft.Text(" · ".join([period_name(row.period, tr),
                                *([tr("cadre.has_draft")] if row.has_draft else []),
                                *([tr("cadre.row_waiting")] if row.waiting else [])]),
                    size=look.caption, color=theme.MUTED),
        ]
        if row.comment and row.state is CellState.RETURNED:
            lines.append(ft.Text(tr("cadre.comment", comment=row.comment), size=look.small,
                                 color=theme.ERROR_RED))
        if row.conflict:
            lines.append(ft.Text(tr("cadre.row_conflict"), size=look.small,
                                 color=theme.ERROR_RED, weight=ft.FontWeight.BOLD))
        if row.duty is Duty.STUDY_MEETING and row.record_id is None:
            lines.append(ft.Text(tr("cadre.study_hint"), size=look.caption, color=theme.MUTED))
        return ft.Container(
            key=f"row-{row.key}", ink=True, on_click=self._opener(row),
            padding=ft.Padding.symmetric(horizontal=10, vertical=10 if look.elder else 8),
            content=ft.Row(spacing=10, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
                ft.Icon(DUTY_ICONS[row.duty], color=theme.UNION_RED, size=look.icon),
                ft.Column(spacing=2, expand=True, controls=lines),
                ft.Icon(ft.Icons.CHEVRON_RIGHT, color=theme.MUTED)]))

    def _opener(self, row: DashboardRow) -> ft.ControlEventHandler[ft.Container]:
        def open_row() -> None:
            if row.duty is Duty.STUDY_MEETING:  # a check-in is made at a meeting, not typed
                self._navigate(CHECKIN_ROUTE)
                return
            if row.record_id is not None:
                self._navigate(record_route(row.record_id))
                return
            book = self._service.book
            today = book.today()
            day = today if row.period.contains(today) else min(row.period.last, today)
            started = book.start(row.duty, row.subject, day)
            self._navigate(record_route(started.record_id))

        return open_row
