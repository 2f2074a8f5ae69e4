"""Family cards (家属): a list; each opens its own card with its own QR."""

from __future__ import annotations

import flet as ft

from app.wallet import CardView
from views import theme
from views.services import Navigate, Translator
from views.widgets import empty_state, heading, hint, list_row


def family_route(serial: int) -> str:
    return f"/family/{serial}"


def _tile(card: CardView, tr: Translator, navigate: Navigate) -> ft.Container:
    def show() -> None:
        navigate(family_route(card.serial))

    subtitle = " · ".join(part for part in (card.relation, card.member_no_masked) if part)
    look = tr.look
    return ft.Container(
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        border=ft.Border.all(1, "#E8DADA"),
        content=list_row(
            key=f"family-{card.serial}", look=look, on_click=show,
            leading=ft.Icon(ft.Icons.FAMILY_RESTROOM, color=theme.FAMILY_BLUE,
                            size=look.icon + 8),
            title=ft.Text(card.name, size=look.title, weight=ft.FontWeight.BOLD,
                          color=theme.INK),
            subtitle=ft.Text(subtitle, size=look.small, color=theme.MUTED),
            trailing=ft.FilledButton(
                tr("family.show"), key=f"family-show-{card.serial}", on_click=show,
                height=look.touch if look.elder else look.touch - 8,
                style=ft.ButtonStyle(text_style=theme.text_style(look.body))
                if look.elder else None),
        ),
    )


def family_list(cards: list[CardView], tr: Translator, navigate: Navigate) -> ft.Column:
    """Heading, a hint about the family rate, and one row per card (or the empty state)."""
    controls: list[ft.Control] = [heading(tr("family.title"), look=tr.look),
                                  hint(tr("family.hint"), look=tr.look)]
    if cards:
        controls.extend(_tile(card, tr, navigate) for card in cards)
    else:
        controls.append(empty_state(ft.Icons.FAMILY_RESTROOM, tr("family.empty"),
                                    tr("family.hint"), key="family-empty", look=tr.look))
    return ft.Column(key="family-list", spacing=12, controls=controls)
