"""Importing the member registry: upload a CSV or .xlsx, see how each column was understood and
the first rows, every problem by line and column, confirm, and watch the rows being written.

The page of a running import reloads itself (`<meta http-equiv="refresh">`) until it is done.
A district admin imports for the whole district; a town clerk only their own town's members.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, scope
from district.console.render import page
from district.errors import Conflict, Invalid
from district.registry import import_jobs
from district.registry.import_jobs import Clock
from district.registry.problems import column_letter
from district.registry.tables import MemberImport
from district.registry.towns import town_names
from district.staff.logins import SignedIn
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
MAX_BYTES = 40 * 1024 * 1024
REFRESH_SECONDS = 1


def _clock(request: Request) -> Clock:
    return lambda: clock(request)


def _is_admin(who: SignedIn) -> bool:
    return scope(who) is None


@router.get(PREFIX + "/import", response_class=HTMLResponse)
def upload_form(request: Request, who: Who) -> HTMLResponse:
    district = district_of(request)
    shares, now = district.engine.dialect.name != "sqlite", clock(request)
    with district.readers() as session:
        jobs = import_jobs.recent(session, None if _is_admin(who) else who.staff.username)
        town = town_names(session).name(who.staff.town_id) if who.staff.town_id else None
    shown = [(job, import_jobs.state_of(job, shares, now)) for job in jobs]
    return page(request, "import.html", who, jobs=shown, town=town, max_mb=MAX_BYTES >> 20)


def read_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    """The uploaded file's bytes and name, refused in words when missing, empty or too large."""
    if upload is None or not upload.filename:
        raise Invalid("请选择要导入的文件（CSV 或 Excel .xlsx）",
                      "choose the file to import (CSV or Excel .xlsx)")
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(f"文件太大（最多 {MAX_BYTES >> 20} MB）",
                      f"the file is too large (at most {MAX_BYTES >> 20} MB)")
    if not data.strip():
        raise Invalid("文件是空的", "the file is empty")
    return data, upload.filename


@router.post(PREFIX + "/import")
def upload(request: Request, who: Who, csrf: Annotated[str, Form()] = "",
           file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Start reading and checking the file; its page shows how that goes."""
    check_csrf(who, csrf)
    data, name = read_upload(file)
    job_id = import_jobs.begin(district_of(request), data, name, who.staff.username, scope(who),
                               _clock(request))
    return RedirectResponse(f"{PREFIX}/import/{job_id}", status_code=303)


@router.get(PREFIX + "/import/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, who: Who, job_id: str) -> HTMLResponse:
    district = district_of(request)
    with district.readers() as session:
        job = import_jobs.visible(session, job_id, who.staff.username, _is_admin(who))
        towns = town_names(session)
    shares = district.engine.dialect.name != "sqlite"
    state = import_jobs.state_of(job, shares, clock(request))
    progress = import_jobs.live(job_id) or import_jobs.Progress(job.stage, job.done, job.total)
    understood = import_jobs.layout_of(job)
    return page(request, "import_job.html", who, job=job, state=state, progress=progress,
                layout=understood[0] if understood else None,
                kind=understood[1] if understood else "",
                sheet_title=understood[2] if understood else "",
                preview=import_jobs.preview_of(job), problems=import_jobs.problems_of(job),
                report=json.loads(job.report) if job.report else {}, towns=towns,
                letter=column_letter,
                refresh=REFRESH_SECONDS if state in import_jobs.RUNNING else None)


@router.post(PREFIX + "/import/{job_id}/confirm")
def confirm(request: Request, who: Who, job_id: str,
            csrf: Annotated[str, Form()] = "") -> Response:
    """Write the checked file (all of it, or nothing); a second click changes nothing."""
    check_csrf(who, csrf)
    district = district_of(request)
    with district.readers() as session:
        job = import_jobs.visible(session, job_id, who.staff.username, _is_admin(who))
        state = job.state
    if state == "checked":
        try:
            import_jobs.confirm(district, job_id, who.staff.username, _clock(request))
        except Conflict:
            with district.readers() as session:
                if session.get_one(MemberImport, job_id).state == "checked":
                    raise
    return RedirectResponse(f"{PREFIX}/import/{job_id}", status_code=303)
