"""The cadre's words and colours: each duty's name, each cell state in colour AND in words, a
period's name, a field's label, a problem or a conflict said plainly (zh first, en)."""

from __future__ import annotations

import datetime as dt

import flet as ft

from app.cadre_book import Conflict
from app.cadre_content import RecordProblem
from app.duties import CellState, Duty, Period, RecordState
from app.meeting_checkin import CheckinState, MeetingEntry
from app.meeting_pass import PassRefused
from views import theme
from views.services import Translator

DUTY_KEYS: dict[Duty, str] = {
    Duty.WORK_DAY: "duty.work_day", Duty.NEEDY_VISIT: "duty.needy_visit",
    Duty.ENTERPRISE_VISIT: "duty.enterprise_visit", Duty.MENTOR_CONTACT: "duty.mentor_contact",
    Duty.STUDY_MEETING: "duty.study_meeting",
}
DUTY_ICONS: dict[Duty, ft.IconData] = {
    Duty.WORK_DAY: ft.Icons.ENGINEERING, Duty.NEEDY_VISIT: ft.Icons.VOLUNTEER_ACTIVISM,
    Duty.ENTERPRISE_VISIT: ft.Icons.FACTORY, Duty.MENTOR_CONTACT: ft.Icons.SCHOOL,
    Duty.STUDY_MEETING: ft.Icons.GROUPS,
}
STATE_KEYS: dict[CellState, str] = {
    CellState.UPCOMING: "state.upcoming", CellState.DUE: "state.due",
    CellState.SUBMITTED: "state.submitted", CellState.RETURNED: "state.returned",
    CellState.DONE: "state.done", CellState.LATE: "state.late",
    CellState.OVERDUE: "state.overdue", CellState.NOT_APPLICABLE: "state.not_applicable",
}
# Colour and an icon with it (never colour alone): dark enough on white for small text.
STATE_LOOKS: dict[CellState, tuple[str, ft.IconData]] = {
    CellState.UPCOMING: (theme.MUTED, ft.Icons.SCHEDULE),
    CellState.DUE: ("#8A4B00", ft.Icons.PENDING_ACTIONS),
    CellState.SUBMITTED: (theme.FAMILY_BLUE, ft.Icons.HOURGLASS_TOP),
    CellState.RETURNED: (theme.ERROR_RED, ft.Icons.REPLY),
    CellState.DONE: (theme.MEMBER_GREEN, ft.Icons.CHECK_CIRCLE),
    CellState.LATE: (theme.MEMBER_GREEN, ft.Icons.RUNNING_WITH_ERRORS),
    CellState.OVERDUE: (theme.ERROR_RED, ft.Icons.ERROR),
    CellState.NOT_APPLICABLE: (theme.MUTED, ft.Icons.DO_NOT_DISTURB_ON),
}
RECORD_CELLS: dict[RecordState, CellState] = {
    RecordState.SUBMITTED: CellState.SUBMITTED, RecordState.RETURNED: CellState.RETURNED,
    RecordState.APPROVED: CellState.DONE,
}
FIELD_KEYS: dict[str, str] = {
    "activity_date": "cfield.activity_date", "subject": "cfield.subject",
    "enterprise": "cfield.enterprise", "workshop": "cfield.workshop", "hours": "cfield.hours",
    "work_done": "cfield.work_done", "workers_said": "cfield.workers_said",
    "reflections": "cfield.reflections", "family_situation": "cfield.family_situation",
    "difficulties": "cfield.difficulties", "help_type": "cfield.help_type",
    "help_fen": "cfield.help_fen", "follow_up": "cfield.follow_up",
    "public_summary": "cfield.public_summary", "consent": "cfield.consent",
    "consent_way": "cfield.consent_way", "people_met": "cfield.people_met",
    "topics": "cfield.topics", "findings": "cfield.findings", "report": "cfield.report",
    "way": "cfield.way", "learned": "cfield.learned",
}
PROBLEM_KEYS: dict[str, str] = {
    "missing": "cproblem.missing", "too_long": "cproblem.too_long",
    "not_a_number": "cproblem.not_a_number", "not_a_choice": "cproblem.not_a_choice",
    "future": "cproblem.future", "bad_date": "cproblem.bad_date", "locked": "cproblem.locked",
    "no_worker": "cproblem.no_worker",
}
CONFLICT_KEYS: dict[str, str] = {
    "stale": "cconflict.stale", "stale_revision": "cconflict.stale",
    "under_review": "cconflict.under_review", "submitted": "cconflict.under_review",
    "approved": "cconflict.approved",
}


def duty_name(duty: Duty, tr: Translator) -> str:
    return tr(DUTY_KEYS[duty])


def field_label(name: str, tr: Translator) -> str:
    return tr(FIELD_KEYS[name]) if name in FIELD_KEYS else name


def period_name(period: Period, tr: Translator) -> str:
    year, first, last = period.first.year, period.first.month, period.last.month
    if "-Q" in period.key:
        return tr("cadre.period_quarter", y=year, q=(first - 1) // 3 + 1)
    if "-B" in period.key:
        return tr("cadre.period_block", y=year, a=first, b=last)
    return tr("cadre.period_month", y=year, m=first)


def state_words(state: CellState, tr: Translator, *, due: Period | None = None,
                reason: str | None = None) -> str:
    """The state in words: a due cell names its last day, a not-applicable one its reason."""
    if state is CellState.DUE and due is not None:
        return tr("state.due", date=due.last.isoformat())
    if state is CellState.NOT_APPLICABLE:
        return tr("state.not_applicable", reason=reason or "—")
    return tr(STATE_KEYS[state], date="", reason="")


def record_words(state: RecordState, tr: Translator) -> tuple[str, str, ft.IconData]:
    """A record's own state: words, colour and icon."""
    if state is RecordState.DRAFT:
        return tr("state.draft"), theme.MUTED, ft.Icons.EDIT_NOTE
    cell = RECORD_CELLS[state]
    colour, icon = STATE_LOOKS[cell]
    return tr(STATE_KEYS[cell], date="", reason=""), colour, icon


def problem_words(problem: RecordProblem, tr: Translator) -> str:
    key = PROBLEM_KEYS.get(problem.kind, "cproblem.locked")
    return tr(key, field=field_label(problem.field, tr))


def conflict_words(conflict: Conflict, tr: Translator) -> str:
    """The district's own words when it gave them, else ours for its reason."""
    given = conflict.message_en if tr.language == "en" else conflict.message
    reason = given or tr(CONFLICT_KEYS.get(conflict.reason, "cconflict.other"))
    return tr("cadre.conflict", n=conflict.revision, reason=reason)


CHECKIN_LOOKS: dict[CheckinState, tuple[str, str, ft.IconData]] = {
    CheckinState.SCANNED: ("checkin.scanned", theme.MEMBER_GREEN, ft.Icons.CHECK_CIRCLE),
    CheckinState.TO_VERIFY: ("checkin.to_verify", theme.FAMILY_BLUE, ft.Icons.HOURGLASS_TOP),
    CheckinState.CONFIRMED: ("checkin.confirmed", theme.MEMBER_GREEN, ft.Icons.VERIFIED),
}


def checkin_words(entry: MeetingEntry, tr: Translator, today: dt.date
                  ) -> tuple[str, str, ft.IconData]:
    """A meeting's check-in in words, colour and icon: not yet, not checked in, checked in
    (verified here, to be verified, confirmed by the district) or refused in the district's
    words."""
    state, record = entry.state, entry.record
    if state is CheckinState.REFUSED and record is not None and record.conflict is not None:
        given = record.conflict.message_en if tr.language == "en" else record.conflict.message
        reason = given or tr(CONFLICT_KEYS.get(record.conflict.reason, "cconflict.other"))
        return tr("checkin.refused", reason=reason), theme.ERROR_RED, ft.Icons.ERROR
    if state is None or state is CheckinState.REFUSED:
        if entry.meeting.day > today:
            return tr("checkin.not_yet"), theme.MUTED, ft.Icons.SCHEDULE
        return tr("checkin.open"), "#8A4B00", ft.Icons.PENDING_ACTIONS
    key, colour, icon = CHECKIN_LOOKS[state]
    return tr(key), colour, icon


def refusal_words(refused: PassRefused, tr: Translator) -> str:
    """Why the phone would not check in, said on the spot."""
    return tr("checkin.cannot", reason=refused.en if tr.language == "en" else refused.zh)
