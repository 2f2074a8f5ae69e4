"""Needy-worker files (困难职工档案): the list filtered by town, status and cadre, a file's page,
adding and editing a file (its status and its cadre), and importing a clerk's spreadsheet.

Only district admins and reviewers read the files (a town clerk gets a 403 page), and every
read — the list, a file's page, its edit form — is in the audit log. District admins manage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app.cadre_wire import CATEGORIES
from district import audit
from district.cadres import needy, people
from district.cadres.needy_fields import FIELDS, STATUSES, FieldsRejected, checked_fields
from district.console.auth import (
    PREFIX,
    ConsoleRoute,
    Who,
    check_csrf,
    require_admin,
    require_reviewer,
)
from district.console.pages_cadres import roles
from district.console.render import language, message, page
from district.errors import Conflict, Invalid
from district.registry.towns import all_towns, town_names
from district.staff.logins import SignedIn
from district.tables import Cadre
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
Text = Annotated[str, Form()]
NOTICES = ("added", "edited")


@router.get(PREFIX + "/needy", response_class=HTMLResponse)
def worker_list(request: Request, who: Who, town: str = "", status: str = "",
                cadre: str = "", done: str = "") -> HTMLResponse:
    """The files, filtered; reading the list is audited with its filter."""
    require_reviewer(who)
    with district_of(request).sessions.begin() as session:
        rows = needy.worker_rows(session, town[:16], status[:8], cadre[:32])
        towns, cadres = all_towns(session), people.cadre_rows(session)
        audit.record(session, who.staff.username, "needy.list", "needy_workers",
                     {"town": town[:16], "status": status[:8], "cadre": cadre[:32],
                      "count": len(rows)}, clock(request))
    return page(request, "needy.html", who, rows=rows, towns=towns, cadres=cadres,
                statuses=STATUSES, town=town, chosen_status=status, cadre=cadre,
                done=done if done in NOTICES else "", **roles(who))


def _form_page(request: Request, who: SignedIn, worker_id: int | None, values: dict[str, str],
               errors: list[str] | None = None, status: int = 200) -> HTMLResponse:
    with district_of(request).readers() as session:
        towns, cadres, counts = all_towns(session), people.cadre_rows(session), \
            needy.counts(session)
    return page(request, "needy_form.html", who, status=status, worker_id=worker_id,
                values=values, towns=towns, cadres=[c for c in cadres if c.left_at is None],
                counts=counts, limit=needy.LIMIT, categories=CATEGORIES, statuses=STATUSES,
                errors=errors or [])


@router.get(PREFIX + "/needy/new", response_class=HTMLResponse)
def new_form(request: Request, who: Who, cadre: str = "") -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, None, {"cadre_no": cadre[:32]})


def _save(request: Request, who: SignedIn, worker_id: int | None,
          values: dict[str, str]) -> Response:
    """Add (`worker_id` None) or change a file; a refusal shows the form again, as typed."""
    actor, now, lang = who.staff.username, clock(request), language(request)
    try:
        with district_of(request).sessions.begin() as session:
            fields = checked_fields(values, town_names(session))
            if worker_id is None:
                worker = needy.add_worker(session, fields, values["cadre_no"], actor, now)
            else:
                worker = needy.edit_worker(session, worker_id, fields, values["cadre_no"],
                                           actor, now)
    except FieldsRejected as exc:
        errors = [p.en if lang == "en" else p.zh for p in exc.problems]
        return _form_page(request, who, worker_id, values, errors, exc.status)
    except (Invalid, Conflict) as exc:
        return _form_page(request, who, worker_id, values, [message(exc, lang)], exc.status)
    done = "added" if worker_id is None else "edited"
    return RedirectResponse(f"{PREFIX}/needy/{worker.id}?done={done}", status_code=303)


def posted(name: Text = "", union_name: Text = "", town_id: Text = "", phone: Text = "",
           category: Text = "", household: Text = "", status: Text = "",
           cadre_no: Text = "") -> dict[str, str]:
    """The file's form as posted: its fields and the cadre's number."""
    return dict(zip((*FIELDS, "cadre_no"), (name, union_name, town_id, phone, category,
                                            household, status, cadre_no), strict=True))


Posted = Annotated[dict[str, str], Depends(posted)]


@router.post(PREFIX + "/needy/new", response_class=HTMLResponse)
def add(request: Request, who: Who, values: Posted, csrf: Text = "") -> Response:
    check_csrf(who, csrf)
    require_admin(who)
    return _save(request, who, None, values)


def _read_file(request: Request, who: SignedIn, worker_id: int) -> dict[str, str]:
    """The file's fields as text, for its page or its form: a read, in the audit log."""
    with district_of(request).sessions.begin() as session:
        worker = needy.get_worker(session, worker_id)
        cadre = session.get(Cadre, worker.cadre_id) if worker.cadre_id else None
        audit.record(session, who.staff.username, "needy.read", str(worker.id),
                     {"name": worker.name}, clock(request))
        values = {f: str(getattr(worker, f)) for f in FIELDS}
        return values | {"cadre_no": cadre.cadre_no if cadre else "",
                         "cadre_name": cadre.name if cadre else "",
                         "town": town_names(session).name(worker.town_id)}


@router.get(PREFIX + "/needy/{worker_id}", response_class=HTMLResponse)
def worker_page(request: Request, who: Who, worker_id: int, done: str = "") -> HTMLResponse:
    require_reviewer(who)
    values = _read_file(request, who, worker_id)
    return page(request, "needy_worker.html", who, worker_id=worker_id, w=values,
                done=done if done in NOTICES else "", **roles(who))


@router.get(PREFIX + "/needy/{worker_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, who: Who, worker_id: int) -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, worker_id, _read_file(request, who, worker_id))


@router.post(PREFIX + "/needy/{worker_id}/edit", response_class=HTMLResponse)
def edit(request: Request, who: Who, worker_id: int, values: Posted,
         csrf: Text = "") -> Response:
    check_csrf(who, csrf)
    require_admin(who)
    return _save(request, who, worker_id, values)
