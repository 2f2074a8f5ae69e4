"""Needy-worker files (困难职工档案) and their assignment to cadres: a cadre visits at most
`LIMIT` workers who are 在档. A worker marked 脱困 keeps their cadre (their visits stay theirs)
but leaves the phone and frees the place; a cadre who leaves gives their workers back.

The limit holds with requests at once on every server instance: the target cadre's row is
locked before the worker's and before counting (`find_cadre(lock=True)`); every path takes the
cadre first and the workers after, so two requests never wait for each other in a circle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from district import audit
from district.cadres import profile_feed
from district.cadres.needy_fields import FIELDS, IN_FILE, NeedyFields
from district.cadres.people import cadre_by_no, serving
from district.cadres.tables import NeedyWorker
from district.errors import Conflict, NotFound
from district.tables import Cadre, Town

LIMIT = 3


@dataclass(frozen=True)
class WorkerRow:
    """A file as the console lists it (never the household notes)."""

    id: int
    name: str
    union_name: str
    town: str
    phone: str
    category: str
    status: str
    cadre_no: str | None
    cadre_name: str | None


def get_worker(session: Session, worker_id: int, *, lock: bool = False) -> NeedyWorker:
    query = select(NeedyWorker).where(NeedyWorker.id == worker_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    worker = session.scalars(query).first()
    if worker is None:
        raise NotFound(f"没有这份困难职工档案：{worker_id}", f"no needy-worker file {worker_id}")
    return worker


def in_file_count(session: Session, cadre_id: int, besides: int | None = None) -> int:
    """How many 在档 workers the cadre has (not counting the worker `besides`)."""
    query = select(func.count()).select_from(NeedyWorker).where(
        NeedyWorker.cadre_id == cadre_id, NeedyWorker.status == IN_FILE)
    if besides is not None:
        query = query.where(NeedyWorker.id != besides)
    return int(session.scalar(query) or 0)


def full(cadre: Cadre) -> Conflict:
    return Conflict(f"干部 {cadre.name}（{cadre.cadre_no}）已联系 {LIMIT} 名在档困难职工，"
                    "不能再分配：请先调整其他职工的联系干部或标记脱困",
                    f"cadre {cadre.cadre_no} already has {LIMIT} needy workers: reassign one "
                    "or mark one 脱困 first")


def _target(session: Session, cadre_no: str) -> Cadre | None:
    """The cadre a worker is to be assigned to, locked and serving (None: nobody)."""
    return serving(cadre_by_no(session, cadre_no, lock=True)) if cadre_no.strip() else None


def check_limit(session: Session, cadre: Cadre | None, worker: NeedyWorker,
              status: str) -> None:
    """Refuse a 在档 worker to a cadre who has `LIMIT` others (the cadre's row is locked)."""
    if cadre is not None and status == IN_FILE and \
            in_file_count(session, cadre.id, worker.id) >= LIMIT:
        raise full(cadre)


def file_worker(session: Session, worker: NeedyWorker, fields: NeedyFields,
                cadre: Cadre | None, now: int) -> None:
    """Set the fields and the cadre on the worker (a new one is added); the phones follow."""
    before = worker.cadre_id
    for name in FIELDS:
        setattr(worker, name, getattr(fields, name))
    worker.cadre_id, worker.updated_at = (cadre.id if cadre else None), now
    session.add(worker)
    session.flush()
    profile_feed.worker_changed(session, worker, before)


def _details(worker: NeedyWorker, cadre: Cadre | None) -> dict[str, object]:
    return {"name": worker.name, "status": worker.status,
            "cadre": cadre.cadre_no if cadre else ""}


def add_worker(session: Session, fields: NeedyFields, cadre_no: str, actor: str,
               now: int) -> NeedyWorker:
    """A new file, assigned to the cadre `cadre_no` ("" for nobody yet)."""
    cadre = _target(session, cadre_no)
    worker = NeedyWorker(created_at=now)
    check_limit(session, cadre, worker, fields.status)
    file_worker(session, worker, fields, cadre, now)
    audit.record(session, actor, "needy.add", str(worker.id), _details(worker, cadre), now)
    return worker


def edit_worker(session: Session, worker_id: int, fields: NeedyFields, cadre_no: str,
                actor: str, now: int) -> NeedyWorker:
    """Change a file, its status or its cadre ("" unassigns)."""
    cadre = _target(session, cadre_no)
    worker = get_worker(session, worker_id, lock=True)
    check_limit(session, cadre, worker, fields.status)
    file_worker(session, worker, fields, cadre, now)
    audit.record(session, actor, "needy.edit", str(worker.id), _details(worker, cadre), now)
    return worker


def cadre_leaves(session: Session, cadre_no: str, actor: str, now: int) -> list[NeedyWorker]:
    """The cadre leaves: their workers are given back (to be assigned to another cadre) and
    leave their phone; their records stay. Returns the workers given back."""
    cadre = serving(cadre_by_no(session, cadre_no, lock=True))
    cadre.left_at = now
    released = list(session.scalars(select(NeedyWorker).where(NeedyWorker.cadre_id == cadre.id)
                                    .order_by(NeedyWorker.id).with_for_update()))
    for worker in released:
        worker.cadre_id, worker.updated_at = None, now
    session.flush()
    for worker in released:
        profile_feed.worker_changed(session, worker, cadre.id)
    audit.record(session, actor, "cadre.leave", cadre.cadre_no,
                 {"name": cadre.name, "released": len(released)}, now)
    return released


def assigned(session: Session, cadre_id: int) -> list[NeedyWorker]:
    """The cadre's 在档 workers (the ones they visit), in the order they were filed."""
    return list(session.scalars(select(NeedyWorker).where(
        NeedyWorker.cadre_id == cadre_id, NeedyWorker.status == IN_FILE).order_by(NeedyWorker.id)))


def counts(session: Session) -> dict[int, int]:
    """Each cadre's number of 在档 workers."""
    return {cadre_id: int(n) for cadre_id, n in session.execute(
        select(NeedyWorker.cadre_id, func.count()).where(
            NeedyWorker.cadre_id.is_not(None), NeedyWorker.status == IN_FILE)
        .group_by(NeedyWorker.cadre_id)) if cadre_id is not None}


def _listed(town_id: str, status: str, cadre_no: str) -> Select[NeedyWorker, str, Cadre]:
    query = (select(NeedyWorker, Town.name, Cadre).join(Town, NeedyWorker.town_id == Town.id)
             .outerjoin(Cadre, NeedyWorker.cadre_id == Cadre.id))
    if town_id:
        query = query.where(NeedyWorker.town_id == town_id)
    if status:
        query = query.where(NeedyWorker.status == status)
    if cadre_no == "-":
        query = query.where(NeedyWorker.cadre_id.is_(None))
    elif cadre_no:
        query = query.where(Cadre.cadre_no == cadre_no.strip().upper())
    return query.order_by(NeedyWorker.town_id, NeedyWorker.name, NeedyWorker.id)


def worker_rows(session: Session, town_id: str = "", status: str = "",
                cadre_no: str = "") -> list[WorkerRow]:
    """The files, filtered by town, status and cadre ("-": assigned to nobody)."""
    return [WorkerRow(w.id, w.name, w.union_name, town, w.phone, w.category, w.status,
                      c.cadre_no if c else None, c.name if c else None)
            for w, town, c in session.execute(_listed(town_id, status, cadre_no))]
