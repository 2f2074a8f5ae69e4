"""The window's day report (SPEC §2): counts by card kind, list total, charged total, discount
given, the day's sales, and the CSV for reconciliation with the tourism company — downloaded in
a browser, shared from a phone or tablet (views/file_offer.py)."""

from __future__ import annotations

import datetime as dt

import flet as ft

from app.chinatime import CHINA
from app.day_report import DayReport, mask_name
from app.models import CardKind
from app.prices import format_yuan
from views import theme
from views.file_offer import Handed, OfferFile, offer_file
from views.plumbing import Redraw, redraw_control
from views.services import ReportService, Translator
from views.widgets import empty_state, heading, hint, panel


def _figure(label: str, value: str, key: str) -> ft.Container:
    return ft.Container(expand=True, padding=12, border_radius=12, bgcolor=ft.Colors.WHITE,
                        border=ft.Border.all(1, "#E8DADA"), content=ft.Column(spacing=2, controls=[
                            ft.Text(label, size=theme.SMALL, color=theme.MUTED),
                            ft.Text(value, key=key, size=theme.TITLE,
                                    weight=ft.FontWeight.BOLD, color=theme.INK)]))


class ReportScreen:
    def __init__(self, service: ReportService, tr: Translator, *,
                 redraw: Redraw = redraw_control, offer: OfferFile = offer_file) -> None:
        self._service, self._tr, self._redraw, self._offer = service, tr, redraw, offer
        self.saved = ft.Text("", key="report-saved", visible=False, size=theme.SMALL,
                             color=theme.INK)
        self.view = ft.Column(key="window-report", spacing=12)
        self.render()

    def render(self) -> None:
        report = self._service.report()
        if report is None:
            self.view.controls = [empty_state(ft.Icons.STOREFRONT, self._tr("window.title"),
                                              self._tr("window.enroll_hint"),
                                              key="report-none")]
            return
        self.view.controls = [heading(self._tr("report.title", date=report.date.isoformat())),
                              *self._figures(report), self._export(), self.saved,
                              *self._sales(report)]

    def _figures(self, report: DayReport) -> list[ft.Control]:
        tr = self._tr
        counts = tr("report.counts", member=report.count(CardKind.MEMBER),
                    family=report.count(CardKind.FAMILY))
        return [
            ft.Row(spacing=8, controls=[
                _figure(tr("report.sold"), str(report.count()), "report-count"),
                _figure(tr("report.by_kind"), counts, "report-kinds")]),
            ft.Row(spacing=8, controls=[
                _figure(tr("report.list_total"), f"¥{format_yuan(report.list_fen)}",
                        "report-list"),
                _figure(tr("report.charged"), f"¥{format_yuan(report.paid_fen)}",
                        "report-charged")]),
            ft.Row(spacing=8, controls=[
                _figure(tr("report.discount"), f"¥{format_yuan(report.discount_fen)}",
                        "report-discount"),
                _figure(tr("report.overrides"), str(report.overrides), "report-overrides")]),
        ]

    def _export(self) -> ft.Control:
        return ft.OutlinedButton(self._tr("report.export"), key="report-export",
                                 icon=ft.Icons.DOWNLOAD, height=theme.TOUCH,
                                 on_click=self.export)

    def _sales(self, report: DayReport) -> list[ft.Control]:
        if not report.sales:
            return [hint(self._tr("report.none"))]
        rows: list[ft.Control] = [ft.ListTile(
            key=f"sale-{s.seq}", min_height=theme.TOUCH - 8,
            leading=ft.Text(dt.datetime.fromtimestamp(s.at, CHINA).strftime("%H:%M"),
                            size=theme.SMALL, color=theme.MUTED),
            title=ft.Text(f"{s.ticket_name} · {mask_name(s.name)}", size=theme.BODY),
            subtitle=ft.Text(self._tr("report.kind_member" if s.kind is CardKind.MEMBER
                                      else "report.kind_family"), size=theme.SMALL),
            trailing=ft.Text(f"¥{format_yuan(s.paid_fen)}", size=theme.BODY,
                             weight=ft.FontWeight.BOLD))
            for s in reversed(report.sales)]
        return [panel(ft.Column(spacing=0, controls=rows), padding=4)]

    async def export(self) -> None:
        """The day's CSV to the clerk's device: a download, or the share sheet on a phone."""
        report = self._service.report()
        if report is None:
            return
        made = report.csv_file()
        handed = await self._offer(made)
        self.saved.value = self._tr(HANDED[handed], name=made.name)
        self.saved.visible = True
        self._redraw(self.view)


HANDED = {Handed.DOWNLOADED: "report.downloaded", Handed.SHARED: "report.shared",
          Handed.SAVED: "report.saved", Handed.CANCELLED: "report.cancelled"}
