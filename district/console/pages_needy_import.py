"""Importing needy-worker files from a clerk's spreadsheet (CSV in UTF-8 or GB18030, or .xlsx):
upload, and either every row is written or none, with every problem listed by line, column
and reason as the member import lists them. A template with the headers is offered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from district import audit
from district.cadres.needy_import import HEADERS, import_workers
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_admin
from district.console.pages_import import MAX_BYTES, read_upload
from district.console.render import language, message, page
from district.errors import Invalid
from district.registry.problems import CsvRejected
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
TEMPLATE_NAME = "needy-workers.csv"


@router.get(PREFIX + "/needy/import", response_class=HTMLResponse)
def upload_form(request: Request, who: Who) -> HTMLResponse:
    require_admin(who)
    return page(request, "needy_import.html", who, max_mb=MAX_BYTES >> 20)


@router.get(PREFIX + "/needy/import/" + TEMPLATE_NAME)
def template(who: Who) -> Response:
    """The header row (in Chinese, with a BOM so that Excel reads it as UTF-8)."""
    require_admin(who)
    header = ",".join(names[1] for names in HEADERS.aliases.values())
    return Response(("\ufeff" + header + "\r\n").encode(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'})


@router.post(PREFIX + "/needy/import", response_class=HTMLResponse)
def upload(request: Request, who: Who, csrf: Annotated[str, Form()] = "",
           file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    """Write the whole file, or nothing: a refusal lists every problem (and is audited)."""
    check_csrf(who, csrf)
    require_admin(who)
    district, actor, now = district_of(request), who.staff.username, clock(request)
    try:
        data, name = read_upload(file)
        with district.sessions.begin() as session:
            report = import_workers(session, data, actor, now)
    except CsvRejected as rejected:
        with district.sessions.begin() as session:
            audit.record(session, actor, "needy.import_refused", "needy_workers",
                         {"file": file.filename if file else "", "problems":
                          len(rejected.problems)}, now)
        return page(request, "needy_import.html", who, status=422, max_mb=MAX_BYTES >> 20,
                    problems=rejected.problems, file_name=file.filename if file else "")
    except Invalid as exc:
        return page(request, "needy_import.html", who, status=422, max_mb=MAX_BYTES >> 20,
                    error=message(exc, language(request)))
    return page(request, "needy_import.html", who, max_mb=MAX_BYTES >> 20, report=report,
                file_name=name)
