"""Member search and the member page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from district.console import queries
from district.console.auth import PREFIX, ConsoleRoute, Who, scope
from district.console.render import page
from district.tables import Town
from district.web_context import district_of

router = APIRouter(route_class=ConsoleRoute)
NOTICES = ("revoked", "replaced", "approved", "rejected", "printed")


@router.get(PREFIX + "/members", response_class=HTMLResponse)
def search(request: Request, who: Who, q: str = "", page_no: int = 1) -> HTMLResponse:
    with district_of(request).sessions() as session:
        found = queries.search(session, q[:64], scope(who), page_no)
        town = session.get(Town, who.staff.town_id) if who.staff.town_id else None
    return page(request, "search.html", who, q=q, found=found,
                town=town.name if town else None)


@router.get(PREFIX + "/members/{member_no}", response_class=HTMLResponse)
def member(request: Request, who: Who, member_no: str, done: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        person = queries.member_in_scope(session, member_no, scope(who))
        shown = queries.detail(session, person)
    return page(request, "member.html", who, d=shown, done=done if done in NOTICES else "")
