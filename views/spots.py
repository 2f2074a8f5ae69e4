"""Scenic spots with list, member and family prices; package tickets marked."""

from __future__ import annotations

import flet as ft

from app.catalog import PriceRow
from app.prices import format_yuan
from views import theme
from views.services import Translator
from views.widgets import empty_state, heading, hint


def _price(label: str, fen: int, tr: Translator, *, color: str, strike: bool = False) -> ft.Column:
    style = ft.TextStyle(decoration=ft.TextDecoration.LINE_THROUGH) if strike else None
    return ft.Column(
        spacing=0,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        expand=True,
        controls=[
            ft.Text(label, size=tr.look.caption, color=theme.MUTED),
            ft.Text(tr("money.yuan", amount=format_yuan(fen)), size=tr.look.body,
                    weight=ft.FontWeight.BOLD, color=color, style=style),
        ],
    )


def _title_row(row: PriceRow, tr: Translator) -> ft.Row:
    name = row.ticket.name if tr.language == "zh" else row.ticket.name_en
    controls: list[ft.Control] = [
        ft.Text(name, size=tr.look.body + 1, weight=ft.FontWeight.BOLD, color=theme.INK,
                expand=True),
    ]
    if row.ticket.is_package:
        controls.append(ft.Container(
            key=f"package-{row.ticket.id}",
            bgcolor=theme.GOLD,
            border_radius=8,
            padding=ft.Padding.symmetric(horizontal=8, vertical=2),
            content=ft.Text(tr("spots.package"), size=tr.look.caption, weight=ft.FontWeight.BOLD,
                            color=theme.UNION_RED_DARK),
        ))
    return ft.Row(controls, vertical_alignment=ft.CrossAxisAlignment.CENTER)


def price_card(row: PriceRow, tr: Translator) -> ft.Container:
    controls: list[ft.Control] = [_title_row(row, tr)]
    if row.ticket.is_package:
        names = "、".join(s.name if tr.language == "zh" else s.name_en for s in row.spots)
        controls.append(ft.Text(tr("spots.covers", spots=names), size=tr.look.caption,
                                color=theme.MUTED))
    controls.append(ft.Row(spacing=4, controls=[
        _price(tr("spots.list"), row.list_fen, tr, color=theme.MUTED, strike=True),
        _price(tr("spots.member"), row.member_fen, tr, color=theme.MEMBER_GREEN),
        _price(tr("spots.family"), row.family_fen, tr, color=theme.FAMILY_BLUE),
    ]))
    return ft.Container(
        key=f"ticket-{row.ticket.id}",
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        border=ft.Border.all(1, "#E8DADA"),
        padding=ft.Padding.symmetric(horizontal=12, vertical=10),
        content=ft.Column(spacing=6, controls=controls),
    )


def spots_list(rows: list[PriceRow], tr: Translator) -> ft.Column:
    """Packages first (they save the most), then single spots in catalogue order."""
    controls: list[ft.Control] = [heading(tr("spots.title"), look=tr.look),
                                  hint(tr("spots.hint"), look=tr.look)]
    if not rows:
        controls.append(empty_state(ft.Icons.LANDSCAPE, tr("spots.empty"), tr("spots.hint"),
                                    key="spots-empty", look=tr.look))
    ordered = sorted(rows, key=lambda r: not r.ticket.is_package)
    controls.extend(price_card(row, tr) for row in ordered)
    return ft.Column(key="spots-list", spacing=10, controls=controls)
