"""A cadre's phone enrollment code in the console (SPEC §10): district admins make one from the
cadre's page (its form posts here), and it is shown once, in large type, with its expiry and the
older unused codes it stopped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from district.cadres import enrollment
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf
from district.console.render import page
from district.errors import Forbidden
from district.staff.accounts import DISTRICT_ADMIN
from district.staff.logins import SignedIn
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)


def require_admin(who: SignedIn) -> None:
    """Cadres' phones and study meetings: district admins only."""
    if who.staff.role != DISTRICT_ADMIN:
        raise Forbidden("只有区总工会管理员可以办理", "only district admins may do this")


@router.post(PREFIX + "/cadres/{cadre_no}/code", response_class=HTMLResponse)
def create_code(request: Request, who: Who, cadre_no: str,
                csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    """A one-time enrollment code for the cadre's phone, shown once (only its hash is kept)."""
    check_csrf(who, csrf)
    require_admin(who)
    with district_of(request).sessions.begin() as session:
        issued = enrollment.create_cadre_code(session, cadre_no, who.staff.username,
                                              clock(request))
    return page(request, "cadre_code.html", who, issued=issued, days=enrollment.VALID_DAYS)
