"""Member imports started in the console: upload → read and check (a background thread) →
preview → confirm → write in one transaction (another thread) → done; progress on the way.

The job's row (`MemberImport`) carries its state, so any server instance shows and confirms
it. Progress lives in the memory of the instance that runs the thread, and also in the row
wherever the database allows a second writer meanwhile (not while SQLite's one write lock is
held by the import itself). Nothing is written to the registry until the whole file passed,
and then all of it or nothing: a run that fails or stops (the server restarted) left nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from district import audit
from district.errors import Conflict, DistrictError, Forbidden, NotFound
from district.registry import importer
from district.registry.columns import Column, Layout
from district.registry.members_csv import PREVIEW, Checked, MemberRow, Rejected, check
from district.registry.problems import CsvRejected, Problem
from district.registry.sheet import read_sheet
from district.registry.tables import MemberImport
from district.registry.towns import town_names
from district.service import District

log = logging.getLogger(__name__)
Clock = Callable[[], int]
STALE = 120  # seconds without progress after which a run elsewhere is taken as stopped
KEPT_PROBLEMS = 500
RUNNING = ("reading", "writing")
KEEP_STAGED = 86400  # a checked file waits a day for its confirmation


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int


_live: dict[str, Progress] = {}
_live_lock = threading.Lock()


def live(job_id: str) -> Progress | None:
    """The progress of a run in this process, or None when none runs here."""
    with _live_lock:
        return _live.get(job_id)


def _note(job_id: str, progress: Progress | None) -> None:
    with _live_lock:
        if progress is None:
            _live.pop(job_id, None)
        else:
            _live[job_id] = progress


class _Tracker:
    """Progress of one run: into memory, and into the job's row in its own short transaction
    when `to_row` (not while the run itself holds SQLite's write lock)."""

    def __init__(self, district: District, job_id: str, clock: Clock, to_row: bool) -> None:
        self.district, self.job_id, self.clock, self.to_row = district, job_id, clock, to_row

    def __call__(self, stage: str, done: int, total: int) -> None:
        _note(self.job_id, Progress(stage, done, total))
        if self.to_row:
            with self.district.sessions.begin() as session:
                session.execute(update(MemberImport).where(MemberImport.id == self.job_id)
                                .values(stage=stage, done=done, total=total,
                                        heartbeat=self.clock()))


def _layout_json(checked_layout: Layout, kind: str, title: str) -> str:
    return json.dumps({"kind": kind, "title": title, "line": checked_layout.line,
                       "default_town": checked_layout.default_town,
                       "columns": [[c.index, c.header, c.field, c.why]
                                   for c in checked_layout.columns]}, ensure_ascii=False)


def layout_of(job: MemberImport) -> tuple[Layout, str, str] | None:
    """The file's layout as it was understood, its kind (csv / xlsx) and worksheet title."""
    if not job.layout:
        return None
    saved = json.loads(job.layout)
    columns = tuple(Column(i, h, f, w) for i, h, f, w in saved["columns"])
    return Layout(saved["line"], columns, saved["default_town"]), saved["kind"], saved["title"]


def _rows_json(rows: list[MemberRow]) -> str:
    return json.dumps([[r.line, r.member_no, r.name, r.id_last4, r.town_id, r.union_name,
                        r.titles, r.status] for r in rows], ensure_ascii=False)


def _rows_of(text: str) -> list[MemberRow]:
    return [MemberRow(*values) for values in json.loads(text)] if text else []


def preview_of(job: MemberImport) -> list[MemberRow]:
    return _rows_of(job.preview)


def problems_of(job: MemberImport) -> list[Problem]:
    return [Problem(*values) for values in json.loads(job.problems or "[]")]


def _problems_json(problems: list[Problem]) -> str:
    return json.dumps([[p.line, p.column, p.zh, p.en, p.index]
                       for p in problems[:KEPT_PROBLEMS]], ensure_ascii=False)


def begin(district: District, data: bytes, file_name: str, actor: str, town_id: str | None,
          clock: Clock) -> str:
    """Record the upload and start reading and checking it in a background thread."""
    job_id, now = uuid.uuid4().hex, clock()
    with district.sessions.begin() as session:
        session.execute(update(MemberImport).where(  # unconfirmed files are not kept for long
            MemberImport.state == "checked", MemberImport.created_at < now - KEEP_STAGED)
            .values(state="expired", staged=None))
        session.add(MemberImport(id=job_id, actor=actor, town_id=town_id,
                                 file_name=file_name[:255], created_at=now, state="reading",
                                 stage="read", done=0, total=0, heartbeat=now, rows=0, layout="",
                                 preview="", problems="", problem_count=0, report="", error=""))
    _note(job_id, Progress("read", 0, 0))
    threading.Thread(target=_read, args=(district, job_id, data, town_id, actor, clock),
                     name=f"import-read-{job_id[:8]}", daemon=True).start()
    return job_id


def _check(district: District, data: bytes, town_id: str | None,
           track: _Tracker) -> Checked:
    """The whole file checked; the database is only read, in short snapshots."""
    sheet = read_sheet(data)
    with district.readers() as session:
        towns = town_names(session)
    checked = check(sheet, towns, track, town_id)
    if town_id is not None:
        with district.readers() as session:
            number = checked.layout.column("member_no")
            problems = importer.other_towns(session, checked.rows, town_id,
                                            number.header if number else "member_no")
        if problems:
            raise Rejected(problems, checked.layout, checked.rows[:PREVIEW], checked.sheet)
    return checked


def _read(district: District, job_id: str, data: bytes, town_id: str | None, actor: str,
          clock: Clock) -> None:
    try:
        checked = _check(district, data, town_id, _Tracker(district, job_id, clock, True))
        _save_checked(district, job_id, checked)
    except CsvRejected as rejected:
        _save_rejected(district, job_id, rejected, actor, clock())
    except DistrictError as error:
        _fail(district, job_id, f"{error.zh} / {error.en}")
    except Exception:  # the thread's last word: the job must not stay "reading" for ever
        log.exception("member import %s: reading failed", job_id)
        _fail(district, job_id, "读取文件时出错，未写入任何数据 / reading the file failed, "
              "nothing was written")
    finally:
        _note(job_id, None)


def _save_checked(district: District, job_id: str, checked: Checked) -> None:
    staged = zlib.compress(_rows_json(checked.rows).encode(), 6)
    with district.sessions.begin() as session:
        job = session.get_one(MemberImport, job_id)
        job.state, job.rows, job.staged = "checked", len(checked.rows), staged
        job.layout = _layout_json(checked.layout, checked.sheet.kind, checked.sheet.title)
        job.preview = _rows_json(checked.rows[:PREVIEW])


def _save_rejected(district: District, job_id: str, rejected: CsvRejected, actor: str,
                   now: int) -> None:
    with district.sessions.begin() as session:
        job = session.get_one(MemberImport, job_id)
        job.state, job.problem_count = "rejected", len(rejected.problems)
        job.problems = _problems_json(rejected.problems)
        if isinstance(rejected, Rejected):
            job.layout = _layout_json(rejected.layout, rejected.kind, rejected.title)
            job.preview = _rows_json(rejected.preview)
        audit.record(session, actor, "members.import_refused", "registry",
                     {"file": job.file_name, "problems": len(rejected.problems)}, now)


def _fail(district: District, job_id: str, error: str) -> None:
    with district.sessions.begin() as session:
        session.execute(update(MemberImport).where(MemberImport.id == job_id).values(
            state="failed", error=error, writing=None, staged=None))


def visible(session: Session, job_id: str, actor: str, admin: bool) -> MemberImport:
    """The job, for the staff member who started it or a district admin."""
    job = session.get(MemberImport, job_id)
    if job is None:
        raise NotFound("没有这次导入（可能已被清理）", "no such import")
    if not admin and job.actor != actor:
        raise Forbidden("这是别人发起的导入，您无权查看", "another staff member's import")
    return job


def state_of(job: MemberImport, backend_shares_progress: bool, now: int) -> str:
    """The job's state; a run that no longer runs anywhere is "interrupted"."""
    if job.state not in RUNNING or live(job.id) is not None:
        return job.state
    moving = backend_shares_progress or job.state == "reading"
    return job.state if moving and now - job.heartbeat < STALE else "interrupted"


def recent(session: Session, actor: str | None, limit: int = 10) -> list[MemberImport]:
    query = select(MemberImport).order_by(MemberImport.created_at.desc()).limit(limit)
    return list(session.scalars(query if actor is None else query.where(
        MemberImport.actor == actor)))


def _claim(session: Session, job_id: str, now: int) -> bool:
    done = session.execute(update(MemberImport).where(
        MemberImport.id == job_id, MemberImport.state == "checked").values(
        state="writing", writing=1, stage="write", done=0, heartbeat=now))
    return bool(getattr(done, "rowcount", 0))


def _release_stopped(district: District, shares: bool, now: int) -> bool:
    """Free the writing slot of a run that stopped (nothing of it was written)."""
    with district.readers() as session:
        holder = session.scalars(select(MemberImport).where(MemberImport.writing == 1)).first()
    if holder is None or state_of(holder, shares, now) != "interrupted":
        return False
    _fail(district, holder.id, "导入中断（服务器停止），未写入任何数据 / the import stopped "
          "(the server stopped); nothing was written")
    return True


def confirm(district: District, job_id: str, actor: str, clock: Clock) -> None:
    """Start writing a checked file; one import writes at a time (409 otherwise)."""
    shares = district.engine.dialect.name != "sqlite"
    for _attempt in range(2):
        try:
            with district.sessions.begin() as session:
                if not _claim(session, job_id, clock()):
                    raise Conflict("这次导入已经开始或已经结束", "this import already started")
            break
        except IntegrityError:
            if not _release_stopped(district, shares, clock()):
                raise Conflict("另一个导入正在写入，请等它完成后再确认",
                               "another import is writing: confirm once it is done") from None
    _note(job_id, Progress("write", 0, 0))
    threading.Thread(target=_write, args=(district, job_id, actor, clock, shares),
                     name=f"import-write-{job_id[:8]}", daemon=True).start()


def _write(district: District, job_id: str, actor: str, clock: Clock, shares: bool) -> None:
    try:
        with district.sessions.begin() as session:
            job = session.get_one(MemberImport, job_id)
            rows = _rows_of(zlib.decompress(job.staged or b"").decode())
            report = importer.import_rows(session, rows, actor, clock(),
                                          _Tracker(district, job_id, clock, shares), job.town_id)
            job.state, job.writing, job.staged = "done", None, None
            job.report = json.dumps(report.__dict__)
    except DistrictError as error:
        _fail(district, job_id, f"{error.zh} / {error.en}")
    except Exception:  # the thread's last word: the job must not stay "writing" for ever
        log.exception("member import %s: writing failed", job_id)
        _fail(district, job_id, "写入时出错，未写入任何数据 / writing failed, nothing was written")
    finally:
        _note(job_id, None)
