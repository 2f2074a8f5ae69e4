"""A record's content between the form and the wire (SPEC §10 fields, `app.cadre_wire.FIELDS`).

A draft keeps what was typed, as text (the help amount in yuan, the hours as typed) and the
consent as a yes/no; `to_wire` checks a record before it is submitted and turns it into the
pushed shape (the amount in fen, the hours a number); `to_draft` turns a submitted revision's
content back into text to edit when the district returns it. A problem names the field and its
kind; the screens put it in words (`cadre.problem.<kind>`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cadre_wire import (
    CONSENT_WAYS,
    CONTACT_WAYS,
    FIELDS,
    HELP_TYPES,
    LONG_TEXT,
    SHORT_TEXT,
    SUMMARY_TEXT,
)
from app.duties import Duty

REQUIRED: dict[Duty, tuple[str, ...]] = {
    Duty.WORK_DAY: ("enterprise", "work_done"),
    Duty.NEEDY_VISIT: ("family_situation", "help_type"),
    Duty.ENTERPRISE_VISIT: ("topics", "report"),
    Duty.MENTOR_CONTACT: ("way", "learned"),
}
SHORT = frozenset({"enterprise", "workshop", "people_met", "hours", "help_fen"})
CHOICES: dict[str, tuple[str, ...]] = {"help_type": HELP_TYPES, "way": CONTACT_WAYS,
                                       "consent_way": CONSENT_WAYS}
FLAGS = frozenset({"consent"})
NUMBERS = frozenset({"hours", "help_fen"})


class RecordProblem(ValueError):
    """A record that cannot be submitted (or changed) as it is: `kind` says why, `field` where
    ("" for the record as a whole)."""

    def __init__(self, kind: str, field: str = "") -> None:
        super().__init__(f"{kind}: {field}" if field else kind)
        self.kind, self.field = kind, field


def _limit(name: str) -> int:
    if name == "public_summary":
        return SUMMARY_TEXT
    return SHORT_TEXT if name in SHORT else LONG_TEXT


def _fen(text: str) -> int:
    try:
        yuan = Decimal(text.strip())
    except InvalidOperation as exc:
        raise RecordProblem("not_a_number", "help_fen") from exc
    if not yuan.is_finite() or yuan < 0 or yuan > 10_000_000:
        raise RecordProblem("not_a_number", "help_fen")
    return int((yuan * 100).to_integral_value())


def _hours(text: str) -> float:
    try:
        hours = float(text.strip())
    except ValueError as exc:
        raise RecordProblem("not_a_number", "hours") from exc
    if not 0 < hours <= 24:
        raise RecordProblem("not_a_number", "hours")
    return hours


def _value(name: str, raw: Any) -> Any:
    if name in FLAGS:
        return bool(raw)
    text = "" if raw is None else str(raw).strip()
    if len(text) > _limit(name):
        raise RecordProblem("too_long", name)
    if text and name in CHOICES and text not in CHOICES[name]:
        raise RecordProblem("not_a_choice", name)
    if text and name == "help_fen":
        return _fen(text)
    if text and name == "hours":
        return _hours(text)
    if not text and (name in CHOICES or name in NUMBERS):
        return None  # not filled in: the wire's word for it (a number or choice is never "")
    return text


def to_wire(duty: Duty, activity_date: dt.date, today: dt.date,
            content: dict[str, Any]) -> dict[str, Any]:
    """The content to push, checked: required fields filled, lengths, choices, numbers, a date
    not in the future, and a consent said how when the public summary is to be shown."""
    if activity_date > today:
        raise RecordProblem("future", "activity_date")
    wire = {name: _value(name, content.get(name)) for name in FIELDS[duty]}
    if duty is Duty.STUDY_MEETING:  # the scanned token or the typed code: only the one given
        wire = {name: value for name, value in wire.items() if value}
        if not wire:
            raise RecordProblem("missing", "code")
    for name in REQUIRED.get(duty, ()):
        if wire[name] in ("", None):
            raise RecordProblem("missing", name)
    if duty is Duty.NEEDY_VISIT and wire["consent"] and not wire["consent_way"]:
        raise RecordProblem("missing", "consent_way")
    return wire


def to_draft(content: dict[str, Any]) -> dict[str, Any]:
    """A submitted revision's content as a draft to edit (the amount back in yuan)."""
    draft = dict(content)
    fen = draft.get("help_fen")
    if isinstance(fen, int) and not isinstance(fen, bool):
        draft["help_fen"] = f"{Decimal(fen) / 100:f}".rstrip("0").rstrip(".")
    hours = draft.get("hours")
    if isinstance(hours, int | float) and not isinstance(hours, bool):
        draft["hours"] = f"{hours:g}"
    return draft
