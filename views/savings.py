"""Savings: every discounted ticket bought with this member's cards, and this year's total."""

from __future__ import annotations

import datetime

import flet as ft

from app.models import CardKind, Redemption
from app.prices import format_yuan
from app.savings import SavingsSummary
from views import theme
from views.services import Translator
from views.widgets import empty_state, heading, panel

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def _total(summary: SavingsSummary, tr: Translator) -> ft.Container:
    return ft.Container(
        key="savings-total",
        gradient=ft.LinearGradient(colors=[theme.UNION_RED, theme.UNION_RED_DARK]),
        border_radius=16,
        padding=16,
        content=ft.Column(spacing=2, controls=[
            ft.Text(tr("savings.total", year=summary.year), size=tr.look.body,
                    color=ft.Colors.WHITE),
            ft.Text(tr("money.yuan", amount=format_yuan(summary.saved_fen)), size=36,
                    weight=ft.FontWeight.BOLD, color=theme.GOLD, key="savings-amount"),
            ft.Text(tr("savings.count", n=summary.count), size=tr.look.small,
                    color=ft.Colors.WHITE),
        ]),
    )


def _item(item: Redemption, tr: Translator) -> ft.Container:
    day = datetime.datetime.fromtimestamp(item.at, CHINA).date().isoformat()
    kind = tr("kind.family" if item.kind is CardKind.FAMILY else "kind.member")
    look = tr.look
    return panel(ft.Row(controls=[
        ft.Column(expand=True, spacing=2, controls=[
            ft.Text(item.ticket_name, size=look.body, weight=ft.FontWeight.BOLD),
            ft.Text(f"{day} · {kind}", size=look.small, color=theme.MUTED),
        ]),
        ft.Column(spacing=2, horizontal_alignment=ft.CrossAxisAlignment.END, controls=[
            ft.Text(tr("savings.saved", amount=format_yuan(item.saved_fen)), size=look.body,
                    weight=ft.FontWeight.BOLD, color=theme.MEMBER_GREEN),
            ft.Text(tr("savings.paid", amount=format_yuan(item.charged_fen)),
                    size=look.small, color=theme.MUTED),
        ]),
    ]), key=f"redemption-{item.id}", padding=12)


def savings_list(summary: SavingsSummary, tr: Translator) -> ft.Column:
    controls: list[ft.Control] = [heading(tr("savings.title"), look=tr.look)]
    if not summary.items:
        controls.append(empty_state(ft.Icons.SAVINGS, tr("savings.empty"),
                                    tr("savings.empty_hint"), key="savings-empty",
                                    look=tr.look))
    else:
        controls.append(_total(summary, tr))
        newest_first = sorted(summary.items, key=lambda r: r.at, reverse=True)
        controls.extend(_item(item, tr) for item in newest_first)
    return ft.Column(key="savings-list", spacing=10, controls=controls,
                     horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
