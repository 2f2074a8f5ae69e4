"""The cadre tab's routes (SPEC §10), as layers the shell stacks into views:

    /cadre                   enrollment form, or the dashboard (with the cadre's sync strip)
    /cadre/drafts            the drafts, newest first
    /cadre/record/<id>       one record (a draft's form, or the submitted record)
    /cadre/checkin[/<id>]    this month's study meetings and the check-in (at meeting <id>)
    /cadre/sync              the cadre's own sync page (its waiting count, its conflicts)

Each layer over the dashboard goes back to it; the dashboard goes back to the card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from app.duties import Duty
from views.cadre_checkin import CheckinScreen
from views.cadre_dashboard import (
    CHECKIN_ROUTE,
    DRAFTS_ROUTE,
    RECORD_ROUTE,
    DashboardScreen,
    record_route,
)
from views.cadre_enroll import CADRE_ROUTE, CadreEnrollForm
from views.cadre_record import RecordScreen, when_text
from views.cadre_text import DUTY_KEYS, duty_name
from views.services import CadreService, Navigate, Translator
from views.sync import SyncPanel, SyncStrip
from views.widgets import empty_state, list_row, panel

CADRE_SYNC = "/cadre/sync"
HOME = "/card"


@dataclass(frozen=True)
class Layer:
    route: str
    title_key: str
    body: ft.Control
    back: str


@dataclass
class CadreScreen:
    layers: list[Layer]
    live: list[Callable[[], None]] = field(default_factory=list)
    hidden: list[Callable[[], None]] = field(default_factory=list)  # the screen left: stop


def cadre_screen(path: str, station: CadreService, tr: Translator,
                 navigate: Navigate) -> CadreScreen:
    if not station.is_enrolled():
        form = CadreEnrollForm(station, tr, navigate)
        return CadreScreen([Layer(CADRE_ROUTE, "cadre.enroll_title", form.view, HOME)])
    screen = _dashboard(station, tr, navigate)
    if path == DRAFTS_ROUTE:
        screen.layers.append(Layer(DRAFTS_ROUTE, "cadre.drafts_title",
                                   drafts_list(station, tr, navigate), CADRE_ROUTE))
    elif path == CADRE_SYNC:
        sync_panel = SyncPanel(station.sync, tr)
        screen.live.append(sync_panel.render)
        screen.layers.append(Layer(CADRE_SYNC, "sync.title", sync_panel.view, CADRE_ROUTE))
    elif path == CHECKIN_ROUTE or path.startswith(f"{CHECKIN_ROUTE}/"):
        rest = path[len(CHECKIN_ROUTE) + 1:]
        checkin = CheckinScreen(station, tr, navigate, int(rest) if rest.isdigit() else None)
        screen.live.append(checkin.render)
        screen.hidden.append(checkin.camera.stop)
        screen.layers.append(Layer(path, DUTY_KEYS[Duty.STUDY_MEETING], checkin.view,
                                   CADRE_ROUTE))
    elif path.startswith(RECORD_ROUTE):
        record = station.book.get(path[len(RECORD_ROUTE):])
        if record is not None:
            shown = RecordScreen(station, tr, navigate, record)
            screen.live.append(shown.render)
            meeting = record.current.duty is Duty.STUDY_MEETING
            screen.layers.append(Layer(path, DUTY_KEYS[record.current.duty], shown.view,
                                       CHECKIN_ROUTE if meeting else CADRE_ROUTE))
    return screen


def _dashboard(station: CadreService, tr: Translator, navigate: Navigate) -> CadreScreen:
    board = DashboardScreen(station, tr, navigate)
    strip = SyncStrip(station.sync, tr, lambda _route: navigate(CADRE_SYNC))
    body = ft.Column(spacing=8, controls=[strip.view, board.view])
    return CadreScreen([Layer(CADRE_ROUTE, "cadre.title", body, HOME)],
                       [board.render, strip.render])


def drafts_list(station: CadreService, tr: Translator, navigate: Navigate) -> ft.Control:
    """Every draft, newest first; a tap opens it."""
    look, drafts = tr.look, station.book.drafts()
    if not drafts:
        return empty_state(ft.Icons.EDIT_NOTE, tr("cadre.drafts_empty"), "",
                           key="cadre-drafts-empty", look=look)
    names = {w.id: w.name for w in station.workers()}
    rows: list[ft.Control] = []
    for draft in drafts:
        current = draft.current
        title = duty_name(current.duty, tr) + (
            f" · {names.get(current.subject, '')}" if current.subject else "")
        rows.append(list_row(
            key=f"draft-{draft.record_id}", look=look,
            leading=ft.Icon(ft.Icons.EDIT_NOTE, size=look.icon),
            title=ft.Text(title, size=look.body, weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(tr("cadre.revision", n=current.revision,
                                when=tr("cadre.revision_draft",
                                        when=when_text(current.saved_at))), size=look.small),
            on_click=_open(navigate, draft.record_id)))
    return ft.Column(key="cadre-drafts-list", controls=[panel(ft.Column(spacing=0,
                                                                         controls=rows),
                                                               padding=4)])


def _open(navigate: Navigate, record_id: str) -> Callable[[], None]:
    return lambda: navigate(record_route(record_id))
