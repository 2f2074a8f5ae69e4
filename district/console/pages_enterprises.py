"""Key enterprises (重点企业): the list with how many cadres visit each, adding and editing one.
District admins manage them; the other staff may look."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from district.cadres import enterprises
from district.cadres.enterprises import EnterpriseForm
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_admin
from district.console.pages_cadres import roles
from district.console.render import language, message, page
from district.errors import Invalid
from district.registry.towns import all_towns
from district.staff.logins import SignedIn
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
Text = Annotated[str, Form()]


@router.get(PREFIX + "/enterprises", response_class=HTMLResponse)
def enterprise_list(request: Request, who: Who, done: str = "") -> HTMLResponse:
    with district_of(request).readers() as session:
        rows = enterprises.enterprise_rows(session)
    return page(request, "enterprises.html", who, rows=rows,
                done=done if done in ("added", "edited") else "", **roles(who))


def _form_page(request: Request, who: SignedIn, enterprise_id: int | None,
               form: EnterpriseForm | None, error: Invalid | None = None) -> HTMLResponse:
    with district_of(request).readers() as session:
        towns = all_towns(session)
        if form is None and enterprise_id is not None:
            found = enterprises.get_enterprise(session, enterprise_id)
            form = EnterpriseForm(found.name, found.town_id, found.union_name)
    return page(request, "enterprise_form.html", who, status=error.status if error else 200,
                enterprise_id=enterprise_id, form=form or EnterpriseForm("", "", ""),
                towns=towns, error=message(error, language(request)) if error else "")


@router.get(PREFIX + "/enterprises/new", response_class=HTMLResponse)
def new_form(request: Request, who: Who) -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, None, None)


@router.get(PREFIX + "/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, who: Who, enterprise_id: int) -> HTMLResponse:
    require_admin(who)
    return _form_page(request, who, enterprise_id, None)


def _save(request: Request, who: SignedIn, enterprise_id: int | None, form: EnterpriseForm,
          csrf: str) -> Response:
    check_csrf(who, csrf)
    require_admin(who)
    actor, now = who.staff.username, clock(request)
    try:
        with district_of(request).sessions.begin() as session:
            if enterprise_id is None:
                enterprises.add_enterprise(session, form, actor, now)
            else:
                enterprises.edit_enterprise(session, enterprise_id, form, actor, now)
    except Invalid as exc:
        return _form_page(request, who, enterprise_id, form, exc)
    done = "added" if enterprise_id is None else "edited"
    return RedirectResponse(f"{PREFIX}/enterprises?done={done}", status_code=303)


@router.post(PREFIX + "/enterprises/new", response_class=HTMLResponse)
def add(request: Request, who: Who, csrf: Text = "", name: Text = "", town_id: Text = "",
        union_name: Text = "") -> Response:
    return _save(request, who, None, EnterpriseForm(name, town_id, union_name), csrf)


@router.post(PREFIX + "/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def edit(request: Request, who: Who, enterprise_id: int, csrf: Text = "", name: Text = "",
         town_id: Text = "", union_name: Text = "") -> Response:
    return _save(request, who, enterprise_id, EnterpriseForm(name, town_id, union_name), csrf)
