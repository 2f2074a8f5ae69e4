"""The words and symbols of the duties and cell states, Chinese and English, shared by the
console's pages and the exports (a matrix printed in grey still reads: every state has a
symbol as well as a colour)."""

from __future__ import annotations

from app.duties import CellState, Duty

DUTY_WORDS: dict[str, tuple[str, str]] = {
    Duty.WORK_DAY: ("当好一天工人", "a day as a worker"),
    Duty.NEEDY_VISIT: ("走访困难职工", "needy-worker visit"),
    Duty.ENTERPRISE_VISIT: ("走访重点企业", "key-enterprise visit"),
    Duty.MENTOR_CONTACT: ("拜师劳模", "mentor contact"),
    Duty.STUDY_MEETING: ("学习例会", "study meeting"),
}
STATE_WORDS: dict[str, tuple[str, str]] = {
    CellState.DONE: ("已完成", "done"),
    CellState.LATE: ("逾期完成", "done late"),
    CellState.SUBMITTED: ("待审核", "submitted"),
    CellState.RETURNED: ("已退回", "returned"),
    CellState.DUE: ("本期待办", "due"),
    CellState.OVERDUE: ("未完成", "overdue"),
    CellState.UPCOMING: ("未开始", "upcoming"),
    CellState.NOT_APPLICABLE: ("不适用", "not applicable"),
}
STATE_SYMBOLS: dict[str, str] = {
    CellState.DONE: "✓", CellState.LATE: "✓!", CellState.SUBMITTED: "…",
    CellState.RETURNED: "↩", CellState.DUE: "○", CellState.OVERDUE: "✗",
    CellState.UPCOMING: "·", CellState.NOT_APPLICABLE: "—",
}
RECORD_STATE_WORDS: dict[str, tuple[str, str]] = {
    "submitted": ("待审核", "submitted"), "returned": ("已退回", "returned"),
    "approved": ("已通过", "approved"),
}
DECISION_WORDS: dict[str, tuple[str, str]] = {
    "approved": ("通过", "approved"), "returned": ("退回", "returned"),
    "reopened": ("重新打开（退回）", "reopened (returned)"),
}


def word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """The word for `key` in the language ("zh" or "en"); the key itself when unknown."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


FIELD_WORDS: dict[str, tuple[str, str]] = {
    "enterprise": ("企业", "Enterprise"), "workshop": ("车间/班组", "Workshop / team"),
    "hours": ("时长（小时）", "Hours"), "work_done": ("工作内容", "Work done"),
    "workers_said": ("职工反映", "What workers said"), "reflections": ("体会", "Reflections"),
    "family_situation": ("家庭情况", "Family situation"),
    "difficulties": ("困难", "Difficulties"), "help_type": ("帮扶方式", "Help given"),
    "help_fen": ("帮扶金额（元）", "Amount (yuan)"), "follow_up": ("后续计划", "Follow-up"),
    "public_summary": ("公示摘要", "Public summary"), "consent": ("同意公示", "Consent"),
    "consent_way": ("同意方式", "Consent given"), "people_met": ("会见人员", "People met"),
    "topics": ("交流主题", "Topics"), "findings": ("发现问题", "Findings"),
    "report": ("调研报告", "Research report"), "way": ("联系方式", "Way"),
    "learned": ("收获", "What was learned"), "token": ("签到码（扫码）", "Check-in (scanned)"),
    "code": ("签到码（手输）", "Check-in code (typed)"), "photos": ("照片", "Photos"),
}


def shown_value(key: str, value: object, lang: str) -> str:
    """A record field's value as a reader reads it: fen as yuan, yes/no in words, hours
    without a trailing .0."""
    if key == "help_fen" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value / 100:,.2f}"
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, float):
        return f"{value:g}"  # hours as typed: 6, 7.5 (the phone sends a number: 6.0)
    if isinstance(value, list):
        return ("、" if lang != "en" else ", ").join(map(str, value))
    return "" if value is None else str(value)


def shown_fields(order: tuple[str, ...], content: dict[str, object],
                 lang: str) -> list[tuple[str, str]]:
    """(label, value) of a record's content: the form's fields in order, then any others."""
    keys = [k for k in order if k in content] + sorted(k for k in content if k not in order)
    return [(word(FIELD_WORDS, k, lang), shown_value(k, content[k], lang)) for k in keys]
