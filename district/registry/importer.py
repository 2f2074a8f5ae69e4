"""Import the member registry from CSV: validate everything first, then write in one transaction.

Re-importing the same file changes nothing; a changed row updates the member (matched by
member number), never duplicates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from district import audit
from district.bulk import CHUNK, upsert
from district.registry.glyphs import Undrawable, undrawable_names
from district.registry.members_csv import MemberRow, Progress, decode, parse
from district.tables import Member, Town, Union

MEMBERS = cast(Table, Member.__table__)
UNIONS = cast(Table, Union.__table__)
FIELDS = ("name", "id_last4", "town_id", "union_id", "titles", "status")


@dataclass(frozen=True)
class ImportReport:
    rows: int
    created: int
    updated: int
    unchanged: int
    unions_created: int
    undrawable: tuple[Undrawable, ...] = ()  # imported, but the app shows boxes in their names


def _union_ids(session: Session) -> dict[tuple[str, str], int]:
    return {(t, n): i for i, t, n in session.execute(select(Union.id, Union.town_id, Union.name))}


def _ensure_unions(session: Session, rows: Sequence[MemberRow]) -> tuple[dict[Any, int], int]:
    known = _union_ids(session)
    wanted = {(r.town_id, r.union_name) for r in rows} - known.keys()
    upsert(session, UNIONS, [{"town_id": t, "name": n} for t, n in sorted(wanted)],
           ("town_id", "name"), ())
    return (_union_ids(session) if wanted else known), len(wanted)


def _existing(session: Session) -> dict[str, tuple[Any, ...]]:
    query = select(Member.member_no, *(getattr(Member, f) for f in FIELDS))
    return {no: tuple(rest) for no, *rest in session.execute(query)}


def _values(row: MemberRow, union_id: int) -> dict[str, Any]:
    return {"member_no": row.member_no, "name": row.name, "id_last4": row.id_last4,
            "town_id": row.town_id, "union_id": union_id, "titles": row.titles,
            "status": row.status}


def import_rows(session: Session, rows: Sequence[MemberRow], actor: str, now: int,
                progress: Progress | None = None) -> ImportReport:
    """Write validated rows: new members inserted, changed ones updated, the rest untouched."""
    unions, unions_created = _ensure_unions(session, rows)
    existing = _existing(session)
    changed: list[dict[str, Any]] = []
    created = 0
    for row in rows:
        values = _values(row, unions[(row.town_id, row.union_name)])
        old = existing.get(row.member_no)
        if old is None or old != tuple(values[f] for f in FIELDS):
            created += old is None
            changed.append(values | {"updated_at": now})
    for start in range(0, len(changed), CHUNK):
        upsert(session, MEMBERS, changed[start:start + CHUNK], ("member_no",),
               (*FIELDS, "updated_at"))
        if progress is not None:
            progress("write", min(start + CHUNK, len(changed)), len(changed))
    report = ImportReport(len(rows), created, len(changed) - created, len(rows) - len(changed),
                          unions_created)
    audit.record(session, actor, "members.import", "registry", report.__dict__, now)
    return report


def import_members(session: Session, data: bytes, actor: str, now: int,
                   progress: Progress | None = None) -> ImportReport:
    """Decode and validate the whole file (raising CsvRejected / Invalid), then write it."""
    towns = set(session.scalars(select(Town.id)))
    rows = parse(decode(data), towns, progress)
    report = import_rows(session, rows, actor, now, progress)
    return replace(report, undrawable=undrawable_names((r.line, r.member_no, r.name)
                                                       for r in rows))
