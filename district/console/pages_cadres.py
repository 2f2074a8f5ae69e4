"""The district's cadres (机关干部): the list with each one's needy-worker count, a cadre's page
(department, key enterprise, mentor, the workers they visit, the phone enrollment form), adding
and editing a cadre, and a cadre leaving. District admins manage; every staff member may look,
but only admins and reviewers see more of the needy workers than their names — and that
reading of their files is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from district import audit
from district.cadres import needy, people, profile_feed
from district.cadres.enterprises import enterprise_rows
from district.cadres.needy_fields import IN_FILE
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_admin
from district.console.render import language, message, page
from district.errors import Conflict, DistrictError, Invalid
from district.staff.accounts import CADRE_REVIEWERS, DISTRICT_ADMIN
from district.staff.logins import SignedIn
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
NOTICES = ("added", "edited", "left")
Text = Annotated[str, Form()]


def roles(who: SignedIn) -> dict[str, bool]:
    """What the page offers: managing (admins) and the needy workers' files (and reviewers)."""
    return {"admin": who.staff.role == DISTRICT_ADMIN,
            "reviewer": who.staff.role in CADRE_REVIEWERS}


@router.get(PREFIX + "/cadres", response_class=HTMLResponse)
def cadre_list(request: Request, who: Who, q: str = "") -> HTMLResponse:
    with district_of(request).readers() as session:
        rows = people.cadre_rows(session, q[:64])
        counts = needy.counts(session)
    return page(request, "cadres.html", who, q=q, rows=rows, counts=counts, limit=needy.LIMIT,
                **roles(who))


def _enterprise_id(text: str) -> int | None:
    if text and not text.isdigit():
        raise Invalid("请从列表中选择重点企业", "choose the key enterprise from the list")
    return int(text) if text else None


def _form_page(request: Request, who: SignedIn, cadre_no: str | None,
               values: dict[str, str], error: DistrictError | None = None) -> HTMLResponse:
    with district_of(request).readers() as session:
        enterprises = enterprise_rows(session)
        cadre = people.cadre_by_no(session, cadre_no) if cadre_no else None
    return page(request, "cadre_form.html", who, status=error.status if error else 200,
                cadre=cadre, values=values, enterprises=enterprises,
                error=message(error, language(request)) if error else "")


def _values(request: Request, cadre_no: str) -> dict[str, str]:
    """The form filled with the cadre as they are."""
    with district_of(request).readers() as session:
        cadre = people.cadre_by_no(session, cadre_no)
        mentor = profile_feed.mentor_of(session, cadre)
    return {"name": cadre.name, "department": cadre.department,
            "enterprise_id": str(cadre.enterprise_id or ""),
            "mentor_no": mentor.member_no or "" if mentor else "",
            "mentor_name": cadre.mentor_name or ""}


@router.get(PREFIX + "/cadres/new", response_class=HTMLResponse)
def new_form(request: Request, who: Who) -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, None, {})


@router.get(PREFIX + "/cadres/{cadre_no}/edit", response_class=HTMLResponse)
def edit_form(request: Request, who: Who, cadre_no: str) -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, cadre_no, _values(request, cadre_no))


def _save(request: Request, who: SignedIn, cadre_no: str | None, values: dict[str, str],
          csrf: str) -> Response:
    """Add (`cadre_no` None) or edit a cadre; a refusal shows the form again, as typed."""
    check_csrf(who, csrf)
    require_admin(who)
    actor, now = who.staff.username, clock(request)
    try:
        form = people.CadreForm(values["name"], values["department"],
                                _enterprise_id(values["enterprise_id"]), values["mentor_no"],
                                values["mentor_name"])
        with district_of(request).sessions.begin() as session:
            if cadre_no is None:
                cadre = people.add_cadre(session, values["cadre_no"], form, actor, now)
            else:
                cadre = people.edit_cadre(session, cadre_no, form, actor, now)
    except (Invalid, Conflict) as exc:
        return _form_page(request, who, cadre_no, values, exc)
    done = "added" if cadre_no is None else "edited"
    return RedirectResponse(f"{PREFIX}/cadres/{cadre.cadre_no}?done={done}", status_code=303)


def posted(name: Text = "", department: Text = "", enterprise_id: Text = "",
           mentor_no: Text = "", mentor_name: Text = "") -> dict[str, str]:
    """The cadre form as posted (the number apart: only a new cadre's form has it)."""
    return {"name": name, "department": department, "enterprise_id": enterprise_id,
            "mentor_no": mentor_no, "mentor_name": mentor_name}


Posted = Annotated[dict[str, str], Depends(posted)]


@router.post(PREFIX + "/cadres/new", response_class=HTMLResponse)
def add(request: Request, who: Who, values: Posted, csrf: Text = "",
        cadre_no: Text = "") -> Response:
    return _save(request, who, None, values | {"cadre_no": cadre_no}, csrf)


@router.post(PREFIX + "/cadres/{cadre_no}/edit", response_class=HTMLResponse)
def edit(request: Request, who: Who, cadre_no: str, values: Posted,
         csrf: Text = "") -> Response:
    return _save(request, who, cadre_no, values | {"cadre_no": cadre_no}, csrf)


@router.get(PREFIX + "/cadres/{cadre_no}/leave", response_class=HTMLResponse)
def leave_form(request: Request, who: Who, cadre_no: str) -> HTMLResponse:
    require_admin(who)
    with district_of(request).readers() as session:
        cadre = people.serving(people.cadre_by_no(session, cadre_no))
        workers = needy.worker_rows(session, cadre_no=cadre.cadre_no)
    return page(request, "cadre_leave.html", who, cadre=cadre, workers=len(workers))


@router.post(PREFIX + "/cadres/{cadre_no}/leave")
def leave(request: Request, who: Who, cadre_no: str, csrf: Text = "") -> Response:
    """The cadre leaves: their workers are given back and leave their phone."""
    check_csrf(who, csrf)
    require_admin(who)
    with district_of(request).sessions.begin() as session:
        needy.cadre_leaves(session, cadre_no, who.staff.username, clock(request))
    return RedirectResponse(f"{PREFIX}/cadres/{people.normal_no(cadre_no)}?done=left",
                            status_code=303)


@router.get(PREFIX + "/cadres/{cadre_no}", response_class=HTMLResponse)
def cadre_page(request: Request, who: Who, cadre_no: str, done: str = "") -> HTMLResponse:
    """A reviewer's or an admin's look at the workers' details is a read of their files."""
    can = roles(who)
    with district_of(request).sessions.begin() as session:
        cadre = people.cadre_by_no(session, cadre_no)
        shown = profile_feed.profile(session, cadre)
        workers = needy.worker_rows(session, status=IN_FILE, cadre_no=cadre.cadre_no)
        if can["reviewer"] and workers:
            audit.record(session, who.staff.username, "needy.list", "needy_workers",
                         {"cadre": cadre.cadre_no, "count": len(workers)}, clock(request))
    return page(request, "cadre.html", who, cadre=cadre, profile=shown, workers=workers,
                limit=needy.LIMIT, done=done if done in NOTICES else "", **can)
