"""What the district sends a cadre's phone (`app.cadre_wire`), read into shapes the screens use,
and the cadre's sync applier (`app.sync.Applier`).

Entries are kept as they came (`PulledStore`); a tombstone removes one — so a needy worker whose
assignment ended is forgotten by the phone at the next sync (SPEC §10 privacy). Applying an entry
twice is harmless. The field names are read tolerantly: a missing or malformed field gives an
empty value, never an exception in the sync thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.cadre_ports import PulledStore
from app.cadre_wire import EXEMPTION, MEETING, NEEDY_WORKER, PROFILE, RECORD, RecordCopy
from app.duties import Duty
from app.models import Change, Pulled, RecordKey

TOMBSTONE = "tombstone"
KEPT = (PROFILE, NEEDY_WORKER, RECORD, EXEMPTION, MEETING)


@dataclass(frozen=True)
class NeedyWorker:
    """Only what a visit needs (never ID numbers or addresses)."""

    id: str
    name: str
    union: str = ""
    town: str = ""
    phone: str = ""
    category: str = ""


@dataclass(frozen=True)
class Exemption:
    """A cell the district marked not applicable, with its reason."""

    id: str
    duty: Duty
    period: str
    subject: str
    reason: str


@dataclass(frozen=True)
class CadreProfile:
    cadre_no: str
    name: str
    department: str = ""
    enterprise: str = ""
    mentor: str = ""


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    return "" if value is None else str(value)


def _named(fields: dict[str, Any], name: str) -> str:
    """A profile's key enterprise or mentor: the district sends an object with its "name"
    (`district.cadres.profile_feed`); plain text is taken as the name."""
    value = fields.get(name)
    if isinstance(value, dict):
        return _text(value, "name")
    return _text(fields, name)


class CadreFacts:
    """The pulled entries as the dashboard and the forms read them."""

    def __init__(self, pulled: PulledStore) -> None:
        self._pulled = pulled

    def workers(self) -> list[NeedyWorker]:
        found = [NeedyWorker(wid, _text(f, "name"), _text(f, "union"), _text(f, "town"),
                             _text(f, "phone"), _text(f, "category"))
                 for wid, f in self._pulled.all(NEEDY_WORKER).items()]
        return sorted(found, key=lambda w: (w.name, w.id))

    def exemptions(self) -> list[Exemption]:
        found: list[Exemption] = []
        for eid, f in self._pulled.all(EXEMPTION).items():
            try:
                duty = Duty(_text(f, "duty"))
            except ValueError:
                continue
            period = _text(f, "period") or _text(f, "period_key")
            found.append(Exemption(eid, duty, period, _text(f, "subject"), _text(f, "reason")))
        return found

    def profile(self) -> CadreProfile | None:
        for cadre_no, f in self._pulled.all(PROFILE).items():
            return CadreProfile(cadre_no, _text(f, "name"), _text(f, "department"),
                                _named(f, "enterprise"), _named(f, "mentor"))
        return None

    def copies(self) -> dict[str, RecordCopy]:
        """The district's copy of each record (state, newest revision, comment)."""
        found: dict[str, RecordCopy] = {}
        for rid, f in self._pulled.all(RECORD).items():
            try:
                found[rid] = RecordCopy.of(rid, f)
            except (KeyError, TypeError, ValueError):
                continue
        return found

    def meetings(self) -> dict[str, dict[str, Any]]:
        return self._pulled.all(MEETING)


def activity_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD` as typed or sent, or None."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class CadreApplier:
    """`app.sync.Applier` for the cadre's engine: keep what the district sends, by id."""

    def __init__(self, pulled: PulledStore) -> None:
        self._pulled = pulled

    def apply(self, pulled: Pulled) -> None:
        if pulled.entity not in KEPT:
            return
        if pulled.op == TOMBSTONE:
            self._pulled.remove(pulled.entity, pulled.record_id)
        else:
            self._pulled.put(pulled.entity, pulled.record_id, dict(pulled.fields or {}))

    def reapply(self, change: Change) -> None:
        """The phone's own revisions are kept apart from the district's copies: nothing a pull
        brings overwrites a revision still waiting to be sent."""

    def held(self) -> set[RecordKey]:
        return self._pulled.keys()

    def forget(self, key: RecordKey) -> None:
        self._pulled.remove(*key)
