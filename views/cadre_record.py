"""One cadre record on a phone (SPEC §10): the form while it is a draft — every change saved as
typed, durable before the line says 已保存 — then submit; once submitted it is shown locked,
with its state, whether it still waits to be sent, the reviewer's comment when returned (and
修改后重新提交, which makes the next revision), a conflict answer in words, and every revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.cadre_book import RecordView
from app.cadre_content import RecordProblem
from app.cadre_pulled import activity_date
from app.cadre_wire import CONSENT_WAYS, CONTACT_WAYS, FIELDS, HELP_TYPES
from app.chinatime import CHINA
from app.duties import Duty, period_of
from views import theme
from views.cadre_dashboard import record_route
from views.cadre_text import (
    checkin_words,
    conflict_words,
    field_label,
    period_name,
    problem_words,
    record_words,
)
from views.services import CadreService, Navigate, Translator
from views.widgets import error_text, field, heading, panel

CHOICES: dict[str, tuple[str, ...]] = {"help_type": HELP_TYPES, "way": CONTACT_WAYS,
                                       "consent_way": CONSENT_WAYS}
LONG = {"work_done": 3, "workers_said": 3, "reflections": 3, "family_situation": 3,
        "difficulties": 3, "follow_up": 2, "public_summary": 2, "topics": 3, "findings": 3,
        "report": 8, "learned": 3}
NUMBERS = {"hours", "help_fen"}


def clock_text(unix: int | None) -> str:
    return "" if unix is None else dt.datetime.fromtimestamp(unix, CHINA).strftime("%H:%M:%S")


def when_text(unix: int | None) -> str:
    return "" if unix is None else dt.datetime.fromtimestamp(unix, CHINA).strftime(
        "%Y-%m-%d %H:%M")


class RecordScreen:
    def __init__(self, service: CadreService, tr: Translator, navigate: Navigate,
                 record: RecordView) -> None:
        self._service, self._tr, self._navigate = service, tr, navigate
        self.record_id = record.record_id
        self.status = ft.Column(key="cadre-record-status", spacing=6)
        self.saved = ft.Text("", key="cadre-saved", size=tr.look.small, color=theme.MUTED)
        self.error = error_text("cadre-record-error", look=tr.look)
        self.inputs: dict[str, ft.Control] = {}
        # shown by `render` once the district's copy says returned, also when a sync brings
        # that while the record is on screen (the locked body is built once)
        self.revise_button = ft.FilledButton(tr("cadre.revise"), key="cadre-revise",
                                             icon=ft.Icons.EDIT, height=tr.look.touch,
                                             visible=record.can_revise, on_click=self.revise)
        body = self._form(record) if record.editable else self._locked(record)
        self.view = ft.Column(key="cadre-record", spacing=12,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
            heading(self._title(record), look=tr.look), self.status, body,
            *self._history(record)])
        self.render()

    def _title(self, record: RecordView) -> str:
        """The period the record counts for (and the worker visited): the app bar names the
        duty."""
        current = record.current
        period = period_name(period_of(current.duty, current.activity_date), self._tr)
        names = {w.id: w.name for w in self._service.workers()}
        return " · ".join([period, *([names[current.subject]] if current.subject in names
                                     else [])])

    # what changes by itself (a sync, a save): the status, never the fields being typed ----

    def render(self) -> None:
        record = self._service.book.get(self.record_id)
        if record is None:
            return
        tr, look = self._tr, self._tr.look
        words, colour, icon = record_words(record.state, tr)
        lines: list[ft.Control] = [ft.Row(spacing=6, controls=[
            ft.Icon(icon, color=colour, size=look.small + 3),
            ft.Text(words, key="cadre-record-state", size=look.body, color=colour,
                    weight=ft.FontWeight.BOLD, expand=True)])]
        if record.waiting:
            lines.append(ft.Text(tr("cadre.waiting"), key="cadre-waiting", size=look.small,
                                 color=theme.FAMILY_BLUE))
        if record.comment:
            lines.append(ft.Text(tr("cadre.comment", comment=record.comment),
                                 key="cadre-comment", size=look.body, color=theme.ERROR_RED))
        if record.conflict is not None:
            lines += [ft.Text(conflict_words(record.conflict, tr), key="cadre-conflict",
                              size=look.body, color=theme.ERROR_RED,
                              weight=ft.FontWeight.BOLD),
                      ft.TextButton(tr("cadre.dismiss"), key="cadre-conflict-ok",
                                    height=look.touch, on_click=self.dismiss)]
        if record.editable:
            self.saved.value = tr("cadre.saved", time=clock_text(record.current.saved_at))
            lines.append(self.saved)
        self.status.controls = lines
        self.revise_button.visible = record.can_revise

    def dismiss(self) -> None:
        self._service.book.dismiss_conflict(self.record_id)
        self.render()

    # the draft ---------------------------------------------------------------------------

    def _form(self, record: RecordView) -> ft.Control:
        tr, look, current = self._tr, self._tr.look, record.current
        date = field(field_label("activity_date", tr), "cadre-date",
                     current.activity_date.isoformat(), look=look)
        date.on_change = self._date_changed
        controls: list[ft.Control] = [date]
        if current.duty is Duty.NEEDY_VISIT:
            controls.append(self._workers(current.subject))
        for name in FIELDS[current.duty]:
            controls.append(self._input(name, current.content.get(name)))
        submit = ft.FilledButton(tr("cadre.submit"), key="cadre-submit", icon=ft.Icons.SEND,
                                 height=look.touch, on_click=self.submit)
        controls += [self.error, submit]
        return panel(ft.Column(spacing=14, controls=controls,
                               horizontal_alignment=ft.CrossAxisAlignment.STRETCH))

    def _workers(self, chosen: str) -> ft.Dropdown:
        options = [ft.DropdownOption(key=w.id, text=w.name) for w in self._service.workers()]
        box = ft.Dropdown(key="cadre-subject", label=field_label("subject", self._tr),
                          options=options, value=chosen or None, expand=True,
                          on_select=lambda e: self._save({}, subject=e.control.value or ""))
        self.inputs["subject"] = box
        return box

    def _input(self, name: str, value: Any) -> ft.Control:
        tr, look = self._tr, self._tr.look
        label = field_label(name, tr)
        control: ft.Control
        if name == "consent":
            control = ft.Checkbox(label=label, key="cadre-consent", value=bool(value),
                                  on_change=lambda e: self._save({name: bool(e.control.value)}))
        elif name in CHOICES:
            control = ft.Dropdown(
                key=f"cadre-{name}", label=label, value=str(value) if value else None,
                options=[ft.DropdownOption(key=c, text=c) for c in CHOICES[name]],
                on_select=lambda e: self._save({name: e.control.value or ""}), expand=True)
        else:
            box = field(label, f"cadre-{name}", "" if value is None else str(value), look=look,
                        keyboard_type=ft.KeyboardType.NUMBER if name in NUMBERS
                        else ft.KeyboardType.TEXT)
            if name in LONG:
                box.multiline, box.min_lines = True, LONG[name]
            box.on_change = lambda e: self._save({name: e.control.value or ""})
            control = box
        self.inputs[name] = control
        return control

    def _date_changed(self, e: ft.Event[ft.TextField]) -> None:
        typed = activity_date(e.control.value or "")
        e.control.error = None if typed else problem_words(RecordProblem("bad_date"), self._tr)
        if typed is not None:
            self._save({}, day=typed)

    def _save(self, content: dict[str, Any], *, day: dt.date | None = None,
              subject: str | None = None) -> None:
        """Durable when `save` returns; only then does the line say 已保存."""
        try:
            self._service.book.save(self.record_id, content, activity_date=day,
                                    subject=subject)
        except RecordProblem as problem:
            self.error.value, self.error.visible = problem_words(problem, self._tr), True
            return
        self.render()

    def submit(self) -> None:
        for control in self.inputs.values():
            if isinstance(control, ft.TextField):
                control.error = None
        try:
            self._service.book.submit(self.record_id)
        except RecordProblem as problem:
            self.error.value, self.error.visible = problem_words(problem, self._tr), True
            shown = self.inputs.get(problem.field)
            if isinstance(shown, ft.TextField):
                shown.error = self.error.value
            return
        self._navigate(f"{record_route(self.record_id)}?submitted")

    # once submitted ----------------------------------------------------------------------

    def _locked(self, record: RecordView) -> ft.Control:
        tr, current = self._tr, record.current
        lines: list[ft.Control] = [self._shown("activity_date",
                                               current.activity_date.isoformat())]
        names = {w.id: w.name for w in self._service.workers()}
        if current.duty is Duty.NEEDY_VISIT:
            lines.append(self._shown("subject", names.get(current.subject, current.subject)))
        if current.duty is Duty.STUDY_MEETING:
            lines += self._checkin(record)
        else:
            lines += [self._shown(name, _shown_value(name, current.content.get(name), tr))
                      for name in FIELDS[current.duty]]
        lines.append(self.revise_button)
        return panel(ft.Column(spacing=10, controls=lines))

    def _checkin(self, record: RecordView) -> list[ft.Control]:
        """A check-in: the meeting, how (scanned, or the typed code) and its state in words —
        not the pass's text."""
        tr, current = self._tr, record.current
        found = self._service.checkins.find(int(current.subject)) \
            if current.subject.isdigit() else None
        code = current.content.get("code")
        how = tr("checkin.by_code", code=code) if code else tr("checkin.by_scan")
        lines = [self._shown("meeting", found.meeting.title if found else "",
                             label=tr("checkin.meeting")),
                 self._shown("how", how, label=tr("checkin.how"))]
        if found is not None and found.record is not None \
                and found.record.record_id == record.record_id:
            words = checkin_words(found, tr, self._service.book.today())[0]
            lines.append(self._shown("checkin", words, label=tr("duty.study_meeting")))
        return lines

    def _shown(self, name: str, value: str, *, label: str | None = None) -> ft.Control:
        look = self._tr.look
        return ft.Column(spacing=2, controls=[
            ft.Text(label or field_label(name, self._tr), size=look.small, color=theme.MUTED),
            ft.Text(value or "—", key=f"shown-{name}", size=look.body, color=theme.INK)])

    def revise(self) -> None:
        try:
            made = self._service.book.revise(self.record_id)
        except RecordProblem as problem:
            self.error.value, self.error.visible = problem_words(problem, self._tr), True
            return
        self._navigate(f"{record_route(self.record_id)}?revision={made.current.revision}")

    def _history(self, record: RecordView) -> list[ft.Control]:
        """Every revision, newest first: a draft's last save, a submitted one's moment."""
        tr, look = self._tr, self._tr.look
        rows: list[ft.Control] = [
            ft.Text(tr("cadre.revision", n=r.revision,
                       when=tr("cadre.revision_draft", when=when_text(r.saved_at)) if r.draft
                       else tr("cadre.revision_sent", when=when_text(r.submitted_at))),
                    key=f"revision-{r.revision}", size=look.small, color=theme.INK)
            for r in reversed(record.revisions)]
        return [heading(tr("cadre.history"), look=look),
                panel(ft.Column(spacing=6, controls=rows))]


def _shown_value(name: str, value: Any, tr: Translator) -> str:
    if name == "consent":
        return tr("cadre.yes") if value else tr("cadre.no")
    if name == "help_fen" and isinstance(value, int):
        return f"¥{value / 100:.2f}"
    return "" if value is None else str(value)
