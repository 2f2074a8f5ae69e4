"""Applying pushed changes exactly once, in one transaction with their log entries.

A batch is one transaction; each change runs in its own savepoint, so a rejected change blocks
nothing else. A change id already stored answers with the stored result (status "duplicate" when
it had been applied). The device's sequence number must increase: its `sync_devices` row is
advanced with a conditional UPDATE whose row lock also serializes the device's concurrent
pushes. Two requests racing with the same change meet on that row lock or on the change id's
primary key; the loser retries once and finds the stored result. Shared rows (a sale's card)
are locked before any change runs, in one global order, and a transaction PostgreSQL picks as a
deadlock's loser anyway is run again (`district.db.retried`), never answered with a 500.
Entity handlers come as a registry (`{entity: Handler}`, see `district.sync.entities`), so new
kinds of records plug in unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models import WireChange
from district import db
from district.errors import DistrictError
from district.feed import changelog
from district.sync import checks
from district.sync.handler import (
    APPLIED,
    DUPLICATE,
    Handlers,
    Outcome,
    Pusher,
    rejected,
)
from district.sync.tables import SyncChange, SyncDevice


def push(sessions: sessionmaker[Session], handlers: Handlers, pusher: Pusher,
         changes: Sequence[WireChange]) -> list[Outcome]:
    """Apply a batch in one transaction (one savepoint per change), each change exactly once;
    a lost race on a change id or on the device's first row retries and finds the stored
    results."""
    def attempt() -> list[Outcome]:
        with sessions.begin() as session:
            return _batch(session, handlers, pusher, changes)

    try:
        return db.retried(attempt)
    except IntegrityError:
        return db.retried(attempt)


def _batch(session: Session, handlers: Handlers, pusher: Pusher,
           changes: Sequence[WireChange]) -> list[Outcome]:
    first: dict[str, int] = {}
    outcomes: list[Outcome] = []
    fresh: list[int] = []
    device = _lock_device(session, pusher.device_id)  # serializes one device's pushes
    for entity, handler in sorted(handlers.items()):
        handler.lock(session, [c for c in changes if c.entity == entity])
    known = _stored_many(session, pusher.device_id, [c.change_id for c in changes])
    for index, change in enumerate(changes):
        if change.change_id in first:
            outcomes.append(outcomes[first[change.change_id]])
            continue
        first[change.change_id] = index
        outcome, store = _apply(session, handlers, pusher, change, known, device)
        outcomes.append(outcome)
        if store:
            fresh.append(index)
    changelog.flush_pending(session)  # the counter row last: versions are the entries' cursors
    final = [replace(o, version=o.entry.version) if o.entry else o for o in outcomes]
    session.add_all([_record(pusher, changes[i], final[i]) for i in fresh])
    session.flush()
    return [final[i] if first[c.change_id] == i else _again(final[first[c.change_id]])
            for i, c in enumerate(changes)]


def _apply(session: Session, handlers: Handlers, pusher: Pusher, change: WireChange,
           known: Mapping[str, SyncChange], device: SyncDevice) -> tuple[Outcome, bool]:
    """The change's outcome, and whether it is new (to be stored)."""
    stored = known.get(change.change_id)
    if stored is not None:
        return _replay(stored), False
    refused = checks.malformed(change)
    if refused is not None:
        return refused, False
    if change.seq <= device.last_seq:
        return rejected("seq_not_increasing", "这条修改的序号不比之前的大，未被接受",
                        f"seq {change.seq} is not above this device's last sequence "
                        "number"), False
    device.last_seq = change.seq
    return _run(session, handlers, pusher, change), True


def _stored_many(session: Session, device_id: str,
                 change_ids: Sequence[str]) -> dict[str, SyncChange]:
    """The device's stored answers to the batch's change ids, read once, after the device row
    is locked (so a racing request of the same device has either committed them or not
    begun). Another device's change ids are not this device's business."""
    rows = session.scalars(select(SyncChange).where(
        SyncChange.device_id == device_id, SyncChange.change_id.in_(set(change_ids)))
        .execution_options(populate_existing=True))
    return {row.change_id: row for row in rows}


def _lock_device(session: Session, device_id: str) -> SyncDevice:
    """The device's sequence row, locked for this transaction; made on its first push (a racing
    first push of the same device fails at the flush with IntegrityError and is retried)."""
    device = session.scalars(select(SyncDevice).where(SyncDevice.device_id == device_id)
                             .with_for_update().execution_options(populate_existing=True)).first()
    if device is None:
        device = SyncDevice(device_id=device_id, last_seq=0)
        session.add(device)
        session.flush()
    return device


def _run(session: Session, handlers: Handlers, pusher: Pusher, change: WireChange) -> Outcome:
    handler = handlers.get(change.entity)
    if handler is None:
        return rejected("unknown_entity", "服务器不认识这类记录",
                        f"the server does not accept changes to {change.entity!r}")
    if change.schema > handler.schema:
        return rejected("schema_too_new", "请等服务器升级后再同步这条记录",
                        f"schema {change.schema} of {change.entity!r} is newer than the "
                        f"server's {handler.schema}")
    position = changelog.mark(session)
    try:
        with session.begin_nested():
            return handler.apply(session, pusher, change)
    except DistrictError as exc:
        changelog.discard_since(session, position)
        return rejected(exc.code, exc.zh, exc.en)
    except DataError:  # a value the database cannot hold: this change alone is refused
        changelog.discard_since(session, position)
        return rejected("invalid_fields", "这条修改里有服务器无法保存的值",
                        "this change holds a value the server cannot store")


def _record(pusher: Pusher, change: WireChange, outcome: Outcome) -> SyncChange:
    copy = None if outcome.server_copy is None else json.dumps(outcome.server_copy,
                                                               ensure_ascii=False)
    return SyncChange(change_id=change.change_id, device_id=pusher.device_id, scope=pusher.scope,
                      seq=change.seq, entity=change.entity, record_id=change.record_id,
                      status=outcome.status, version=outcome.version, server_copy=copy,
                      reason=outcome.reason, message=(outcome.message or "")[:255] or None,
                      message_en=(outcome.message_en or "")[:255] or None, at=pusher.now)


def _replay(stored: SyncChange) -> Outcome:
    """The stored answer: "duplicate" for a change applied before, else the same answer."""
    copy = None if stored.server_copy is None else json.loads(stored.server_copy)
    return _again(Outcome(stored.status, stored.version, copy, stored.reason, stored.message,
                          stored.message_en))


def _again(outcome: Outcome) -> Outcome:
    """The answer to a change id seen before: "duplicate" if it was applied, else the same."""
    return replace(outcome, status=DUPLICATE, entry=None) if outcome.status == APPLIED else outcome


def applied_before(session: Session, scope: str, entity: str, record_id: str) -> SyncChange | None:
    """The applied change that created this record in this scope, if any."""
    return session.scalars(select(SyncChange).where(
        SyncChange.scope == scope, SyncChange.entity == entity,
        SyncChange.record_id == record_id, SyncChange.status == APPLIED)).first()
