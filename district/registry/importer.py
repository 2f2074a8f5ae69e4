"""Import the member registry (CSV or .xlsx): check everything first, then write in one
transaction.

Re-importing the same file changes nothing; a changed row updates the member (matched by
member number), never duplicates it. A town clerk's file holds their own town's members only,
and may not take over a member number of another town.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from district import audit
from district.bulk import CHUNK, upsert
from district.cadres import profile_feed
from district.registry.glyphs import Undrawable, undrawable_names
from district.registry.members_csv import PREVIEW, Checked, MemberRow, Progress, Rejected, check
from district.registry.problems import CsvRejected, Problem
from district.registry.sheet import read_sheet
from district.registry.towns import town_names
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


def other_towns(session: Session, rows: Sequence[MemberRow], scope: str,
                 header: str = "member_no") -> list[Problem]:
    """Rows of a clerk's file whose member number belongs to a member of another town."""
    towns = {no: town for no, town in session.execute(
        select(Member.member_no, Town.name).join(Town, Member.town_id == Town.id)
        .where(Member.town_id != scope))}
    return [Problem(r.line, header, f"会员号 {r.member_no} 已是{towns[r.member_no]}的会员，"
                    "本镇不能导入", f"member {r.member_no} belongs to another town "
                    f"({towns[r.member_no]})") for r in rows if r.member_no in towns]


def check_file(session: Session, data: bytes, progress: Progress | None = None,
               scope: str | None = None) -> Checked:
    """Read and check the whole file (raising CsvRejected / Invalid); nothing is written.
    `scope`: the town of a town clerk, whose file may hold only that town's members."""
    checked = check(read_sheet(data), town_names(session), progress, scope)
    if scope is not None:
        number = checked.layout.column("member_no")
        problems = other_towns(session, checked.rows, scope,
                                number.header if number else "member_no")
        if problems:
            raise Rejected(problems, checked.layout, checked.rows[:PREVIEW], checked.sheet)
    return checked


def import_rows(session: Session, rows: Sequence[MemberRow], actor: str, now: int,
                progress: Progress | None = None, scope: str | None = None) -> ImportReport:
    """Write checked rows: new members inserted, changed ones updated, the rest untouched."""
    if scope is not None:
        problems = other_towns(session, rows, scope)  # a member may have moved meanwhile
        if problems:
            raise CsvRejected(problems)
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
    profile_feed.mentors_changed(session, {v["member_no"] for v in changed})  # name, titles
    report = ImportReport(len(rows), created, len(changed) - created, len(rows) - len(changed),
                          unions_created)
    audit.record(session, actor, "members.import", "registry", report.__dict__, now)
    return report


def import_members(session: Session, data: bytes, actor: str, now: int,
                   progress: Progress | None = None, scope: str | None = None) -> ImportReport:
    """Check the whole file (raising CsvRejected / Invalid), then write it; the report lists
    the names no bundled font can draw."""
    checked = check_file(session, data, progress, scope)
    report = import_rows(session, checked.rows, actor, now, progress, scope)
    return replace(report, undrawable=undrawable_names((r.line, r.member_no, r.name)
                                                       for r in checked.rows))
