"""The union card: a card face with the member's details and a QR code renewed every 30 s."""

from __future__ import annotations

import asyncio

import flet as ft

from app.models import CardKind
from app.qrimage import render_png
from app.wallet import CardView
from views import theme
from views.plumbing import Redraw, Sleep, redraw_control
from views.services import Translator, WalletService
from views.theme import Look
from views.widgets import empty_state

QR_SIZE = 340  # logical pixels: big enough for a window's scanner at arm's length



class QrPanel:
    """The QR image and its countdown; `run` keeps both current while the card is on screen."""

    def __init__(self, wallet: WalletService, serial: int, tr: Translator) -> None:
        self._wallet = wallet
        self._serial = serial
        self._tr = tr
        self._shown = ""
        self.image = ft.Image(
            src=b"",
            key=f"qr-{serial}",
            semantics_label=tr("card.qr_label"),
            width=QR_SIZE,
            height=QR_SIZE,
            fit=ft.BoxFit.CONTAIN,
            filter_quality=ft.FilterQuality.NONE,
            gapless_playback=True,
        )
        self.countdown = ft.Text(key="qr-countdown", size=tr.look.small, color=theme.MUTED)
        self.refresh()

    @property
    def shown_text(self) -> str:
        """The QR text currently drawn (what a window would scan)."""
        return self._shown

    def refresh(self) -> bool:
        """Redraw the QR if the 30 s slot moved on; always update the countdown."""
        qr_text = self._wallet.qr_text(self._serial)
        changed = qr_text != self._shown
        if changed:
            self.image.src = render_png(qr_text)
            self._shown = qr_text
        self.countdown.value = self._tr("card.refresh_in", n=self._wallet.seconds_to_refresh())
        return changed

    async def run(self, sleep: Sleep = asyncio.sleep, redraw: Redraw = redraw_control) -> None:
        """Tick once a second until cancelled (the shell cancels it when the card leaves)."""
        while True:
            await sleep(1.0)
            if self.refresh():
                redraw(self.image)
            redraw(self.countdown)


def _header(card: CardView, tr: Translator) -> ft.Container:
    family = card.kind is CardKind.FAMILY
    title = tr("card.title_family" if family else "card.title")
    if tr.look.elder and len(title) > 10:  # two whole lines, not one character left over
        title = title.replace(" ", "\n", 1)
    return ft.Container(
        key="card-header",
        gradient=ft.LinearGradient(colors=[theme.UNION_RED, theme.UNION_RED_DARK]),
        padding=ft.Padding.symmetric(horizontal=16, vertical=12),
        border_radius=ft.BorderRadius.only(top_left=16, top_right=16),
        content=ft.Row(
            spacing=10,
            controls=[
                ft.Icon(ft.Icons.VERIFIED, color=theme.GOLD, size=28),
                ft.Text(
                    title,
                    key="card-title",
                    size=tr.look.title if tr.look.elder else 19,
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.WHITE,
                    expand=True,
                ),
            ],
        ),
    )


def _field(label: str, value: str, look: Look, *, key: str) -> ft.Column:
    """A small label over its value: long union names get the card's full width."""
    return ft.Column(
        key=key,
        spacing=0,
        controls=[
            ft.Text(label, size=look.caption, color=theme.MUTED),
            ft.Text(value, size=look.body, color=theme.INK),
        ],
    )


def _identity(card: CardView, tr: Translator) -> ft.Column:
    family, look = card.kind is CardKind.FAMILY, tr.look
    rate = ft.Text(
        tr("card.rate_family" if family else "card.rate_member"),
        key="card-rate",
        size=look.small,
        weight=ft.FontWeight.BOLD,
        color=theme.FAMILY_BLUE if family else theme.MEMBER_GREEN,
    )
    name_row: list[ft.Control] = [
        ft.Text(card.name, key="card-name", size=look.name, weight=ft.FontWeight.BOLD,
                color=theme.INK),
    ]
    if card.relation:
        name_row.append(ft.Text(card.relation, key="card-relation", size=look.body,
                                color=theme.MUTED))
    if card.titles:  # the holder's own: a family card has none (app.wallet.card_view)
        name_row.append(ft.Row(key="card-titles", wrap=True, spacing=6, tight=True,
                               controls=[_title_badge(title, look) for title in card.titles]))
    return ft.Column(
        spacing=4,
        controls=[
            ft.Row(name_row, vertical_alignment=ft.CrossAxisAlignment.CENTER, wrap=True),
            rate,
        ],
    )


def _details(card: CardView, tr: Translator) -> ft.Column:
    validity = tr("card.valid_range", start=card.valid_from.isoformat(),
                  end=card.valid_until.isoformat())
    look = tr.look
    controls: list[ft.Control] = [
        _field(tr("card.union"), card.union, look, key="card-union"),
        _field(tr("card.member_no"), card.member_no_masked, look, key="card-member-no"),
        _field(tr("card.valid"), validity, look, key="card-validity"),
    ]
    if not card.is_valid_now:
        controls.append(ft.Text(tr("card.not_valid"), key="card-not-valid", size=look.body,
                                color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD))
    return ft.Column(spacing=6, controls=controls)


def _title_badge(title: str, look: Look) -> ft.Container:
    """An honour such as 蓝领之星 or 劳模, shown like a gold ribbon on the card."""
    return ft.Container(
        bgcolor="#FFF3C4",
        border=ft.Border.all(1, "#E0B100"),
        border_radius=18,
        padding=ft.Padding.symmetric(horizontal=12, vertical=6),
        content=ft.Row(tight=True, spacing=4, controls=[
            ft.Icon(ft.Icons.STAR, size=18, color="#C79100"),
            ft.Text(title, size=look.body, weight=ft.FontWeight.BOLD,
                    color=theme.UNION_RED_DARK),
        ]),
    )


def _qr_block(panel: QrPanel, tr: Translator) -> ft.Column:
    small = tr.look.small
    return ft.Column(
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=4,
        controls=[
            ft.Container(panel.image, key="qr-frame", bgcolor=ft.Colors.WHITE,
                         alignment=ft.Alignment.CENTER),
            ft.Row(
                alignment=ft.MainAxisAlignment.CENTER,
                controls=[ft.Icon(ft.Icons.AUTORENEW, size=small + 3, color=theme.MUTED),
                          panel.countdown],
            ),
            ft.Text(tr("card.auto_refresh"), size=small, color=theme.MUTED,
                    text_align=ft.TextAlign.CENTER),
            ft.Row(
                key="card-brightness",
                alignment=ft.MainAxisAlignment.CENTER,
                controls=[ft.Icon(ft.Icons.LIGHT_MODE, size=small + 3, color="#C79100"),
                          ft.Text(tr("card.brightness"), size=small, color=theme.INK)],
            ),
        ],
    )


def card_face(card: CardView, panel: QrPanel, tr: Translator) -> ft.Container:
    """The whole card: red header, who it belongs to, the QR, then the details."""
    body = ft.Column(
        spacing=12,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        controls=[_identity(card, tr), _qr_block(panel, tr), ft.Divider(height=1),
                  _details(card, tr)],
    )
    return ft.Container(
        key=f"card-{card.serial}",
        bgcolor=ft.Colors.WHITE,
        border_radius=16,
        border=ft.Border.all(2, theme.UNION_RED),
        content=ft.Column(
            spacing=0,
            controls=[_header(card, tr),
                      ft.Container(body, padding=ft.Padding.only(left=16, right=16,
                                                                 top=12, bottom=16))],
        ),
    )


def card_content(card: CardView | None, wallet: WalletService,
                 tr: Translator) -> tuple[ft.Control, QrPanel | None]:
    """The card screen's body and its QR panel, or the empty state when there is no card."""
    if card is None:
        return empty_state(ft.Icons.BADGE, tr("card.empty_title"), tr("card.empty_body"),
                           key="card-empty", look=tr.look), None
    panel = QrPanel(wallet, card.serial, tr)
    return card_face(card, panel, tr), panel
