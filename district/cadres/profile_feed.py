"""What a cadre's phone pulls about what the district assigned them (SPEC §10, the wire in
`app.cadre_wire`), logged in the cadre's scope ("cadre:<id>") wherever it changes:

- `cadre_profile` (record id: the cadre number): number, name, department, the key enterprise
  `{"id", "name", "town", "union"}` and the mentor `{"name", "member_no", "titles"}` (a mentor
  outside the registry has no member number and no titles), each None when not set;
- `needy_worker` (record id: the file's id): ONLY what a visit needs — name, union, town, phone
  number and difficulty category; never the household notes. A worker is on the phone while
  assigned, 在档, and their cadre has not left; otherwise a tombstone takes them off it.

`profile` is also what the console's cadre page shows, so the page and the phone agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cadre_wire import NEEDY_WORKER, PROFILE
from district.cadres.needy_fields import IN_FILE
from district.cadres.tables import KeyEnterprise, NeedyWorker
from district.feed.changelog import TOMBSTONE, UPSERT, cadre_scope, log_change
from district.tables import Cadre, Member, Town


@dataclass(frozen=True)
class Enterprise:
    """A key enterprise as the phone and the cadre page show it (the town by its name)."""

    id: int
    name: str
    town: str
    union: str


@dataclass(frozen=True)
class Mentor:
    """The model-worker mentor: a member (number and titles from the registry) or a name."""

    name: str
    member_no: str | None
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    cadre_no: str
    name: str
    department: str
    enterprise: Enterprise | None
    mentor: Mentor | None

    def fields(self) -> dict[str, Any]:
        """The `cadre_profile` record's fields (titles as a list)."""
        return {"cadre_no": self.cadre_no, "name": self.name, "department": self.department,
                "enterprise": asdict(self.enterprise) if self.enterprise else None,
                "mentor": {"name": self.mentor.name, "member_no": self.mentor.member_no,
                           "titles": list(self.mentor.titles)} if self.mentor else None}


def town_name(session: Session, town_id: str) -> str:
    town = session.get(Town, town_id)
    return town.name if town is not None else town_id


def enterprise_of(session: Session, enterprise_id: int | None) -> Enterprise | None:
    found = session.get(KeyEnterprise, enterprise_id) if enterprise_id is not None else None
    if found is None:
        return None
    return Enterprise(found.id, found.name, town_name(session, found.town_id), found.union_name)


def mentor_of(session: Session, cadre: Cadre) -> Mentor | None:
    member = session.get(Member, cadre.mentor_member_id) if cadre.mentor_member_id else None
    if member is not None:
        return Mentor(member.name, member.member_no, member.title_list)
    return Mentor(cadre.mentor_name, None, ()) if cadre.mentor_name else None


def profile(session: Session, cadre: Cadre) -> Profile:
    return Profile(cadre.cadre_no, cadre.name, cadre.department,
                   enterprise_of(session, cadre.enterprise_id), mentor_of(session, cadre))


def profile_changed(session: Session, cadre: Cadre) -> None:
    """The cadre's profile, for their phone (after any change of it, their enterprise or
    their mentor)."""
    log_change(session, cadre_scope(cadre.id), PROFILE, cadre.cadre_no, UPSERT,
               fields=profile(session, cadre).fields())


def enterprise_changed(session: Session, enterprise: KeyEnterprise) -> None:
    """The profiles of the serving cadres whose key enterprise this is."""
    for cadre in session.scalars(select(Cadre).where(Cadre.enterprise_id == enterprise.id,
                                                     Cadre.left_at.is_(None))):
        profile_changed(session, cadre)


def visit_fields(session: Session, worker: NeedyWorker) -> dict[str, Any]:
    """What a visit needs of the worker, and nothing else (no household notes)."""
    return {"name": worker.name, "union": worker.union_name,
            "town": town_name(session, worker.town_id), "phone": worker.phone,
            "category": worker.category}


def on_phone(session: Session, worker: NeedyWorker) -> bool:
    """Whether the worker belongs on their cadre's phone: assigned, 在档, the cadre serving."""
    cadre = session.get(Cadre, worker.cadre_id) if worker.cadre_id is not None else None
    return cadre is not None and cadre.left_at is None and worker.status == IN_FILE


def worker_changed(session: Session, worker: NeedyWorker, before: int | None) -> None:
    """The worker's file changed (`before`: the cadre id they were assigned to): the phone of
    their cadre gets what a visit needs, or a tombstone; a previous cadre's, a tombstone."""
    record_id = str(worker.id)
    if worker.cadre_id is not None:
        shown = on_phone(session, worker)
        log_change(session, cadre_scope(worker.cadre_id), NEEDY_WORKER, record_id,
                   UPSERT if shown else TOMBSTONE,
                   fields=visit_fields(session, worker) if shown else None)
    if before is not None and before != worker.cadre_id:
        log_change(session, cadre_scope(before), NEEDY_WORKER, record_id, TOMBSTONE)


def mentors_changed(session: Session, member_nos: set[str]) -> None:
    """Members whose name or titles an import changed: the profiles of the serving cadres who
    learn from them (at most a few hundred cadres, so matched here rather than in SQL)."""
    mentored = session.execute(select(Cadre, Member.member_no).join(
        Member, Cadre.mentor_member_id == Member.id).where(Cadre.left_at.is_(None)))
    for cadre, member_no in mentored:
        if member_no in member_nos:
            profile_changed(session, cadre)


def cadre_published(session: Session, cadre: Cadre) -> None:
    """Everything the cadre's phone holds, logged afresh: their profile and each worker on
    their phone (for a phone's enrollment, so that it starts whole however old the log)."""
    profile_changed(session, cadre)
    for worker in session.scalars(select(NeedyWorker).where(NeedyWorker.cadre_id == cadre.id)
                                  .order_by(NeedyWorker.id)):
        if on_phone(session, worker):
            log_change(session, cadre_scope(cadre.id), NEEDY_WORKER, str(worker.id), UPSERT,
                       fields=visit_fields(session, worker))
