"""A cadre's records on the phone (SPEC §10): drafts saved as typed, submitted, returned, revised.

Every save is durable when it returns (the screen may then say 已保存). Submitting puts the
revision in the cadre's outbox (`WireRecord.fields()`) first and then locks it on the phone —
so a crash in between leaves a draft that the district already has, which the next pull's copy
locks. The district's copy (state, revision, comment) decides what a submitted record shows;
a conflict answer (stale, under review, approved) stays beside the record, in words, until the
cadre has read it — nothing the phone wrote is overwritten, and every revision is kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from app.cadre_content import RecordProblem, to_draft, to_wire
from app.cadre_ports import Revision, RevisionStore
from app.cadre_pulled import CadreFacts
from app.cadre_wire import RECORD, RecordCopy, WireRecord
from app.chinatime import china_date
from app.duties import Duty, RecordState, RecordSummary
from app.models import Change, ParkedChange
from app.ports import Clock


class RecordOutbox(Protocol):
    """The cadre's `app.sync.SyncEngine`."""

    def record(self, entity: str, record_id: str, fields: dict[str, Any], *, op: str = ...,
               schema: int = ..., base_version: int | None = ...) -> Change: ...
    def pending(self) -> list[Change]: ...
    def parked(self) -> list[ParkedChange]: ...
    def dismiss(self, change_id: str) -> None: ...


@dataclass(frozen=True)
class Conflict:
    """The district would not take a revision: its reason code and words."""

    change_id: str
    revision: int
    reason: str
    message: str
    message_en: str


@dataclass(frozen=True)
class RecordView:
    """One record as the screens show it: its newest revision, all of them (oldest first), the
    state, the district's comment when returned, whether it still waits to be sent, and a
    conflict answer the cadre has not yet dismissed."""

    current: Revision
    revisions: tuple[Revision, ...]
    state: RecordState
    district: RecordState | None
    comment: str | None
    waiting: bool
    conflict: Conflict | None

    @property
    def record_id(self) -> str:
        return self.current.record_id

    @property
    def editable(self) -> bool:
        return self.state is RecordState.DRAFT

    @property
    def can_revise(self) -> bool:
        return self.state is RecordState.RETURNED and not self.current.draft

    def summary(self) -> RecordSummary:
        """For `app.duties.cell_state`: the district's view of the record (a returned one being
        revised still counts as returned), dated by its newest submitted revision."""
        sent = [r for r in self.revisions if not r.draft]
        state = self.state
        if state is RecordState.DRAFT and self.district is not None:
            state = self.district  # a returned record being revised is still returned
        dated = sent[-1] if sent else self.current
        first = self.revisions[0].submitted_at if self.revisions else None
        return RecordSummary(dated.activity_date, state, first)


def _sent(copy: RecordCopy | None) -> Revision | None:
    """The district's newest revision of a record this phone never had, as a revision."""
    if copy is None or copy.record is None:
        return None
    wire, at = copy.record, copy.submitted_at or 0
    return Revision(wire.record_id, wire.revision, wire.duty, wire.subject, wire.activity_date,
                    dict(wire.content), saved_at=at, submitted_at=at)


def _taken(latest: Revision, copy: RecordCopy | None) -> Revision:
    """A draft the district already holds — the phone died inside `submit`, after the outbox
    and before the lock — is the revision the district took, as it holds it: locked, and
    revisable once returned."""
    if not latest.draft or copy is None or copy.revision != latest.revision:
        return latest
    sent = _sent(copy)
    return sent if sent is not None else replace(latest, submitted_at=latest.saved_at)


def _state(latest: Revision, copy: RecordCopy | None) -> RecordState:
    if copy is not None and copy.revision >= latest.revision:
        return copy.state  # the district has this revision (even one still a draft here)
    if latest.draft:
        return RecordState.DRAFT
    return RecordState.SUBMITTED


class RecordBook:
    def __init__(self, revisions: RevisionStore, facts: CadreFacts, outbox: RecordOutbox,
                 clock: Clock, new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self._revisions, self._facts, self._outbox = revisions, facts, outbox
        self._clock, self._new_id = clock, new_id

    def today(self) -> dt.date:
        return china_date(self._clock())

    def start(self, duty: Duty, subject: str = "", activity_date: dt.date | None = None
              ) -> RecordView:
        """A new record: revision 1, a draft, saved before it is shown."""
        if duty is Duty.NEEDY_VISIT and subject not in {w.id for w in self._facts.workers()}:
            raise RecordProblem("no_worker", "subject")
        first = Revision(self._new_id(), 1, duty, subject, activity_date or self.today(),
                         {}, int(self._clock()))
        self._revisions.put(first)
        return self._view(first.record_id, [first])

    def save(self, record_id: str, content: dict[str, Any], *,
             activity_date: dt.date | None = None, subject: str | None = None) -> RecordView:
        """Save the draft as typed (durable on return); a locked record refuses."""
        view = self.get(record_id)
        if view is None or not view.editable:
            raise RecordProblem("locked")
        current = view.current
        saved = replace(current, content={**current.content, **content},
                        activity_date=activity_date or current.activity_date,
                        subject=current.subject if subject is None else subject,
                        saved_at=int(self._clock()))
        self._revisions.put(saved)
        return self._view(record_id, [*view.revisions[:-1], saved])

    def submit(self, record_id: str) -> RecordView:
        """Check the draft, put it in the outbox, then lock it (RecordProblem if it is not
        ready: the draft stays as it is)."""
        view = self.get(record_id)
        if view is None or not view.editable:
            raise RecordProblem("locked")
        current = view.current
        content = to_wire(current.duty, current.activity_date, self.today(), current.content)
        wire = WireRecord(record_id, current.duty, current.subject, current.activity_date,
                          current.revision, content)
        self._outbox.record(RECORD, record_id, wire.fields())
        locked = replace(current, content=content, submitted_at=int(self._clock()))
        self._revisions.put(locked)
        return self._view(record_id, [*view.revisions[:-1], locked])

    def revise(self, record_id: str) -> RecordView:
        """A returned record, edited: the next revision, a draft holding the last one's
        content (the earlier revisions stay as they were)."""
        view = self.get(record_id)
        if view is None or not view.can_revise:
            raise RecordProblem("locked")
        copy = self._facts.copies().get(record_id)
        number = max(view.current.revision, copy.revision if copy else 0) + 1
        kept = self._revisions.revisions(record_id)
        if not kept or kept[-1].draft:  # written on another phone, or sent as the phone died:
            self._revisions.put(view.current)  # kept as the district has it
        draft = replace(view.current, revision=number, content=to_draft(view.current.content),
                        saved_at=int(self._clock()), submitted_at=None)
        self._revisions.put(draft)
        return self._view(record_id, [*view.revisions, draft])

    def dismiss_conflict(self, record_id: str) -> None:
        view = self.get(record_id)
        if view is not None and view.conflict is not None:
            self._outbox.dismiss(view.conflict.change_id)

    def get(self, record_id: str) -> RecordView | None:
        found = sorted(self._revisions.revisions(record_id), key=lambda r: r.revision)
        if not found and (sent := _sent(self._facts.copies().get(record_id))) is not None:
            found = [sent]
        return self._view(record_id, found) if found else None

    def all(self) -> list[RecordView]:
        """Every record, newest activity first: also those the cadre submitted from another
        phone, as the district's copy has them."""
        by_id: dict[str, list[Revision]] = {}
        for revision in self._revisions.all():
            by_id.setdefault(revision.record_id, []).append(revision)
        copies, waiting, parked = self._context()
        for record_id, copy in copies.items():
            if record_id not in by_id and (sent := _sent(copy)) is not None:
                by_id[record_id] = [sent]
        views = [self._assemble(sorted(found, key=lambda r: r.revision), copies, waiting,
                                parked) for found in by_id.values()]
        return sorted(views, key=lambda v: (v.current.activity_date, v.current.saved_at),
                      reverse=True)

    def drafts(self) -> list[RecordView]:
        return [v for v in self.all() if v.editable]

    def _context(self) -> tuple[dict[str, RecordCopy], set[str], dict[str, ParkedChange]]:
        waiting = {c.record_id for c in self._outbox.pending() if c.entity == RECORD}
        parked = {p.change.record_id: p for p in self._outbox.parked()
                  if p.change.entity == RECORD}
        return self._facts.copies(), waiting, parked

    def _view(self, record_id: str, revisions: list[Revision]) -> RecordView:
        return self._assemble(revisions, *self._context())

    @staticmethod
    def _assemble(revisions: list[Revision], copies: dict[str, RecordCopy], waiting: set[str],
                  parked: dict[str, ParkedChange]) -> RecordView:
        copy = copies.get(revisions[-1].record_id)
        latest = _taken(revisions[-1], copy)
        revisions = [*revisions[:-1], latest]
        held = parked.get(latest.record_id)
        conflict = None if held is None else Conflict(
            held.change.change_id, int(held.change.fields.get("revision", 0)), held.reason,
            held.message, held.message_en)
        state = _state(latest, copy)
        if conflict is not None and copy is not None:
            state = copy.state  # the district's word stands; the conflict says why
        answered = copy is not None and (latest.draft or copy.revision >= latest.revision)
        comment = copy.comment if answered and copy is not None \
            and copy.state is RecordState.RETURNED else None  # not once resubmitted
        return RecordView(latest, tuple(revisions), state, copy.state if copy else None,
                          comment, latest.record_id in waiting, conflict)
